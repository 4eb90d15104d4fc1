import yargs, { Argv } from 'yargs';
import { CommandIO, processIO } from './io';
import { KafkaError } from '../protocol/error-codes';
import { JobLockedError } from '../table/lock';
import { CommandLineError, EXIT } from './exit-codes';
import { JobUsageError } from './job-option';

/** One command: the shape every module in ./commands exports. */
interface CommandModule<Args> {
  command: string;
  describe: string;
  builder: (yargs: Argv) => Argv<Args>;
  handler: (args: Args, io: CommandIO) => number | Promise<number>;
}

/** Adds one loaded command to a parser. */
type Registrar = (parser: Argv, io: CommandIO, status: { code: number }) => Argv;

function lazy<Args>(load: () => Promise<CommandModule<Args>>): () => Promise<Registrar> {
  return async () => {
    const module = await load();
    return (parser, io, status) => register(parser, module, io, status);
  };
}

/**
 * Every command, in the order `sluice --help` shows them, loaded only when named: a command module pulls in its
 * whole stack (DuckDB, avsc, the broker), and tests and schedulers start hundreds of short-lived `sluice` processes.
 * `group` names the parent of a subcommand (`sluice log dump`, `sluice dev webhdfs`).
 */
const COMMANDS: { name: string; group?: { name: string; describe: string }; load: () => Promise<Registrar> }[] = [
  { name: 'dump', group: { name: 'log', describe: 'Inspect partition logs on disk' }, load: lazy(() => import('./commands/log-dump')) },
  { name: 'webhdfs', group: { name: 'dev', describe: 'Development servers (a WebHDFS emulator)' }, load: lazy(() => import('./commands/dev-webhdfs')) },
  { name: 'demo', load: lazy(() => import('./commands/demo')) },
  { name: 'broker', load: lazy(() => import('./commands/broker')) },
  { name: 'registry', load: lazy(() => import('./commands/registry')) },
  { name: 'schemas', load: lazy(() => import('./commands/schemas')) },
  { name: 'topics', load: lazy(() => import('./commands/topics')) },
  { name: 'groups', load: lazy(() => import('./commands/groups')) },
  { name: 'acls', load: lazy(() => import('./commands/acls')) },
  { name: 'produce', load: lazy(() => import('./commands/produce')) },
  { name: 'consume', load: lazy(() => import('./commands/consume')) },
  { name: 'load', load: lazy(() => import('./commands/load')) },
  { name: 'verify', load: lazy(() => import('./commands/verify')) },
  { name: 'ack-gap', load: lazy(() => import('./commands/ack-gap')) },
  { name: 'compact', load: lazy(() => import('./commands/compact')) },
  { name: 'backfill', load: lazy(() => import('./commands/backfill')) },
  { name: 'reload', load: lazy(() => import('./commands/reload')) },
  { name: 'query', load: lazy(() => import('./commands/query')) },
  { name: 'hive-ddl', load: lazy(() => import('./commands/hive-ddl')) },
  { name: 'status', load: lazy(() => import('./commands/status')) },
  { name: 'dead-letters', load: lazy(() => import('./commands/dead-letters')) },
  { name: 'schedule', load: lazy(() => import('./commands/schedule')) },
  { name: 'console', load: lazy(() => import('./commands/console')) },
  { name: 'users', load: lazy(() => import('./commands/users')) },
  { name: 'schemas', load: lazy(() => import('./commands/schemas')) },
];

/** Registers a command whose handler's exit status lands in `status.code`. */
function register<Args>(parser: Argv, module: CommandModule<Args>, io: CommandIO, status: { code: number }): Argv {
  return parser.command<Args>(module.command, module.describe, module.builder, async (args) => {
    // yargs hands back the builder's options plus camel-cased aliases, `_` and `$0`: a superset of Args.
    status.code = await module.handler(args as unknown as Args, io);
  });
}

/** The commands `argv` may run: the one its first word names, or all of them (for help and usage errors). */
async function commandsFor(argv: string[]): Promise<{ entry: (typeof COMMANDS)[number]; add: Registrar }[]> {
  const first = argv.find((word) => !word.startsWith('-'));
  const named = COMMANDS.filter((c) => (c.group?.name ?? c.name) === first);
  const chosen = named.length > 0 ? named : COMMANDS;
  return Promise.all(chosen.map(async (entry) => ({ entry, add: await entry.load() })));
}

/**
 * Parses `argv` and runs one command. Returns the exit status; never exits the
 * process itself, so the CLI can be driven from tests.
 */
export async function run(argv: string[], io: CommandIO = processIO): Promise<number> {
  const status = { code: 0 };
  let parser = yargs(argv).scriptName('sluice');
  const commands = await commandsFor(argv);
  const groups = new Map<string, { describe: string; adds: Registrar[] }>();
  for (const { entry, add } of commands) {
    if (!entry.group) continue;
    const group = groups.get(entry.group.name) ?? { describe: entry.group.describe, adds: [] };
    group.adds.push(add);
    groups.set(entry.group.name, group);
  }
  for (const [name, group] of groups) {
    parser = parser.command(name, group.describe, (sub: Argv) =>
      group.adds.reduce((p, add) => add(p, io, status), sub).demandCommand(1, `name a ${name} subcommand`),
    );
  }
  for (const { entry, add } of commands) if (!entry.group) parser = add(parser, io, status);
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
    if (error instanceof UsageError || error instanceof CommandLineError) {
      io.err(`${error.message}\n\n${await parser.getHelp()}`);
      return EXIT.USAGE;
    }
    if (error instanceof JobUsageError) {
      io.err(error.message);
      return EXIT.USAGE;
    }
    io.err(`sluice: ${error instanceof KafkaError || error instanceof Error ? error.message : String(error)}`);
    return error instanceof JobLockedError ? EXIT.LOCKED : EXIT.FAILED;
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
