import type { Argv } from 'yargs';
import { oneTopicJob } from '../job-option';
import { parsePartitionList } from '../../pipeline/partition-selection';
import { parseHourSpan, ReloadOffsetsGoneError, runReload } from '../../pipeline/reload';
import type { CommandIO } from '../io';
import { CommandLineError } from '../exit-codes';
import { SecurityArgs, withSecurityOptions } from '../client-options';
import { BootstrapArgs, JobArgs, loadJobFromArgs, withBootstrapOverride, withJobOption } from '../job-option';

interface ReloadArgs extends SecurityArgs, JobArgs, BootstrapArgs {
  hours: string;
  partitions?: string;
  json: boolean;
}

export const command = 'reload';
export const describe = 'Write an hour\'s files again from Kafka, as the load wrote them, and swap them in (offsets must still be in Kafka)';

export function builder(yargs: Argv): Argv<ReloadArgs> {
  return withBootstrapOverride(withJobOption(withSecurityOptions(yargs)))
    .option('hours', { type: 'string', demandOption: true, describe: 'an hour, 2026-11-21T05, or a range, 2026-11-21T05..2026-11-21T07 (both included), in the job\'s time zone' })
    .option('partitions', { type: 'string', describe: 'only these partitions, e.g. 0,2-5' })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON object with the result' })
    .check((args) => {
      try {
        parseHourSpan(String(args.hours));
      } catch (error) {
        throw new CommandLineError((error as Error).message);
      }
      return true;
    }) as Argv<ReloadArgs>;
}

export async function handler(args: ReloadArgs, io: CommandIO): Promise<number> {
  const job = oneTopicJob(loadJobFromArgs(args), 'reload');
  const hours = parseHourSpan(args.hours);
  const partitions = args.partitions ? parsePartitionList(args.partitions) : undefined;
  let summary;
  try {
    summary = await runReload(job, { hours, partitions }, { log: (line) => io.err(line) });
  } catch (error) {
    if (args.json) {
      const missing = error instanceof ReloadOffsetsGoneError ? { missing: error.missing } : {};
      io.out(JSON.stringify({ status: error instanceof ReloadOffsetsGoneError ? 'refused' : 'failed', job: job.name, hours, error: (error as Error).message, ...missing }));
    }
    throw error;
  }
  if (args.json) {
    io.out(JSON.stringify({ status: 'reloaded', ...summary }));
    return 0;
  }
  const s = (n: number) => (n === 1 ? '' : 's');
  io.out(`${job.name}: reload ${summary.runId} replaced ${summary.files} file${s(summary.files)} (${summary.records} record${s(summary.records)}) of ${summary.hours.join(', ')} in ${summary.table}`);
  for (const r of summary.ranges) {
    io.out(`  partition ${r.partition}: offsets ${r.start}..${r.end} re-read, ${r.records} record${s(r.records)} into ${r.files.map((f) => f.path).join(', ')}`);
  }
  return 0;
}
