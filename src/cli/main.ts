import yargs, { Argv } from 'yargs';
import { CommandIO, processIO } from './io';
import * as logDump from './commands/log-dump';
import * as demo from './commands/demo';
import * as broker from './commands/broker';
import * as topics from './commands/topics';
import * as groups from './commands/groups';
import * as acls from './commands/acls';
import * as produce from './commands/produce';
import * as consume from './commands/consume';
import * as load from './commands/load';
import * as verify from './commands/verify';
import * as backfill from './commands/backfill';
import * as query from './commands/query';
import * as hiveDdl from './commands/hive-ddl';
import * as statusCommand from './commands/status';
import * as devWebHdfs from './commands/dev-webhdfs';
import * as schedule from './commands/schedule';
import * as users from './commands/users';
import * as schemas from './commands/schemas';
import * as registry from './commands/registry';
import { KafkaError } from '../protocol/error-codes';

/** One command: the shape every module in ./commands exports. */
interface CommandModule<Args> {
  command: string;
  describe: string;
  builder: (yargs: Argv) => Argv<Args>;
  handler: (args: Args, io: CommandIO) => number | Promise<number>;
}

/** Registers a command whose handler's exit status lands in `status.code`. */
function register<Args>(parser: Argv, module: CommandModule<Args>, io: CommandIO, status: { code: number }): Argv {
  return parser.command<Args>(module.command, module.describe, module.builder, async (args) => {
    // yargs hands back the builder's options plus camel-cased aliases, `_` and `$0`: a superset of Args.
    status.code = await module.handler(args as unknown as Args, io);
  });
}

/**
 * Parses `argv` and runs one command. Returns the exit status; never exits the
 * process itself, so the CLI can be driven from tests.
 */
export async function run(argv: string[], io: CommandIO = processIO): Promise<number> {
  const status = { code: 0 };
  let parser = yargs(argv)
    .scriptName('sluice')
    .command('log', 'Inspect partition logs on disk', (log: Argv) =>
      register(log, logDump, io, status).demandCommand(1, 'name a log subcommand'),
    )
    .command('dev', 'Development servers (a WebHDFS emulator)', (dev: Argv) =>
      register(dev, devWebHdfs, io, status).demandCommand(1, 'name a dev subcommand'),
    );
  // The explicit list of top-level commands, in the order `sluice --help` shows them.
  parser = register(parser, demo, io, status);
  parser = register(parser, broker, io, status);
  parser = register(parser, registry, io, status);
  parser = register(parser, schemas, io, status);
  parser = register(parser, topics, io, status);
  parser = register(parser, groups, io, status);
  parser = register(parser, acls, io, status);
  parser = register(parser, produce, io, status);
  parser = register(parser, consume, io, status);
  parser = register(parser, load, io, status);
  parser = register(parser, verify, io, status);
  parser = register(parser, backfill, io, status);
  parser = register(parser, query, io, status);
  parser = register(parser, hiveDdl, io, status);
  parser = register(parser, statusCommand, io, status);
  parser = register(parser, schedule, io, status);
  parser = register(parser, users, io, status);
  parser = parser
    .demandCommand(1, 'name a command')
    .strict()
    .help()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${await parser.getHelp()}`);
      return 2;
    }
    io.err(`sluice: ${error instanceof KafkaError || error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  return status.code;
}

class UsageError extends Error {}

/** 128 + SIGPIPE: what a shell reports for a Unix tool whose reader went away (`sluice consume | head`). */
const BROKEN_PIPE_STATUS = 141;

/** Exits once everything written to stdout and stderr has been handed to the OS: a pipe's reader gets every line. */
function exitAfterDrain(status: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(status);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

/**
 * A stdout reader that went away (EPIPE) ends the command quietly, as it ends Unix tools. A stderr reader that went
 * away costs only the diagnostics: the command (a load, the broker) goes on. Other errors are real.
 */
function handleOutputErrors(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(BROKEN_PIPE_STATUS);
    process.stderr.write(`sluice: stdout: ${error.message}\n`, () => process.exit(1));
  });
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') process.exit(1);
  });
}

export function runFromProcess(): void {
  handleOutputErrors();
  run(process.argv.slice(2)).then(exitAfterDrain, (error: unknown) => {
    process.stderr.write(`sluice: ${String(error)}\n`);
    exitAfterDrain(1);
  });
}
