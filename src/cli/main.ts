import yargs, { Argv } from 'yargs';
import { CommandIO, processIO } from './io';
import * as logDump from './commands/log-dump';
import * as demo from './commands/demo';
import * as broker from './commands/broker';
import * as topics from './commands/topics';
import * as produce from './commands/produce';
import * as consume from './commands/consume';
import * as load from './commands/load';
import * as verify from './commands/verify';
import * as backfill from './commands/backfill';
import { KafkaError } from '../protocol/error-codes';

/**
 * Parses `argv` and runs one command. Returns the exit status; never exits the
 * process itself, so the CLI can be driven from tests.
 */
export async function run(argv: string[], io: CommandIO = processIO): Promise<number> {
  let status = 0;
  const parser = yargs(argv)
    .scriptName('sluice')
    .command('log', 'Inspect partition logs on disk', (log: Argv) =>
      log
        .command(logDump.command, logDump.describe, logDump.builder, (args) => {
          status = logDump.handler(args, io);
        })
        .demandCommand(1, 'name a log subcommand'),
    )
    .command(demo.command, demo.describe, demo.builder, (args) => {
      status = demo.handler(args, io);
    })
    .command(broker.command, broker.describe, broker.builder, async (args) => {
      status = await broker.handler(args, io);
    })
    .command(topics.command, topics.describe, topics.builder, async (args) => {
      status = await topics.handler(args, io);
    })
    .command(produce.command, produce.describe, produce.builder, async (args) => {
      status = await produce.handler(args, io);
    })
    .command(consume.command, consume.describe, consume.builder, async (args) => {
      status = await consume.handler(args, io);
    })
    .command(load.command, load.describe, load.builder, async (args) => {
      status = await load.handler(args, io);
    })
    .command(verify.command, verify.describe, verify.builder, async (args) => {
      status = await verify.handler(args, io);
    })
    .command(backfill.command, backfill.describe, backfill.builder, async (args) => {
      status = await backfill.handler(args, io);
    })
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
  return status;
}

class UsageError extends Error {}

export function runFromProcess(): void {
  run(process.argv.slice(2)).then(
    (status) => process.exit(status),
    (error: unknown) => {
      process.stderr.write(`sluice: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
