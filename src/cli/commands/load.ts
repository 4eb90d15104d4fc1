import type { Argv } from 'yargs';
import { LoadSummary, runLoad } from '../../pipeline/load-job';
import { parsePartitionList, parseShard, shardPartitions } from '../../pipeline/partition-selection';
import { openRecordSource, sinkDescription } from '../../connector-factory';
import type { JobDefinition } from '../../job/job-definition';
import { stopOnSignals } from '../../schedule/stop-signals';
import { plural } from '../../common/plural';
import type { CommandIO } from '../io';
import { SecurityArgs, withSecurityOptions } from '../client-options';
import { BootstrapArgs, JobArgs, loadJobFromArgs, withBootstrapOverride, withJobOption } from '../job-option';
import { failedResult, jobOrFailedJson, printJson, progressOnTerminal, rangeLine, runResult } from '../run-result';

interface LoadArgs extends SecurityArgs, JobArgs, BootstrapArgs {
  'dry-run': boolean;
  partitions?: string;
  shard?: string;
  json: boolean;
}

export const command = 'load';
export const describe = 'Load what is new in every partition into the job\'s table, exactly once';

export function builder(yargs: Argv): Argv<LoadArgs> {
  return withBootstrapOverride(withJobOption(withSecurityOptions(yargs)))
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the plan and stop' })
    .option('partitions', { type: 'string', describe: 'only these partitions, e.g. 0,2-5' })
    .option('shard', { type: 'string', describe: 'only partitions p with p mod N = i, written i/N' })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document: the run\'s result' })
    .conflicts('partitions', 'shard') as Argv<LoadArgs>;
}

export async function selectedPartitions(job: JobDefinition, args: { partitions?: string; shard?: string }): Promise<number[] | undefined> {
  if (args.partitions) return parsePartitionList(args.partitions);
  if (!args.shard) return undefined;
  const shard = parseShard(args.shard);
  const source = await openRecordSource(job.source.bootstrap, job.source.topic, { security: job.source.security });
  try {
    return shardPartitions(await source.partitions(), shard);
  } finally {
    source.close();
  }
}

export async function handler(args: LoadArgs, io: CommandIO): Promise<number> {
  const job = jobOrFailedJson(args, 'load', io, () => loadJobFromArgs(args));
  // With --json stdout holds the one document; what a person reads goes to stderr.
  const say = args.json ? io.err : io.out;
  say(`${job.name}: ${job.source.topic} → table ${job.output.table} in ${sinkDescription(job.output.sink)}`);
  // SIGTERM/SIGINT: reading stops and the run commits what it has read (a second signal ends the process).
  const stop = stopOnSignals((signal) => io.err(`${signal}: stopping; the run commits what it has read`));
  const progress = progressOnTerminal();
  const log = (line: string) => {
    progress.clear();
    io.err(line);
  };
  let summary: LoadSummary;
  try {
    const partitions = await selectedPartitions(job, args);
    summary = await runLoad(job, { partitions, dryRun: args['dry-run'], log, signal: stop.signal, onPlan: progress.onPlan, onProgress: progress.onProgress });
  } catch (error) {
    if (args.json) printJson(io, failedResult(job, 'load', error));
    throw error;
  } finally {
    progress.done();
    stop.release();
  }
  const result = runResult(job, 'load', summary);
  if (args.json) {
    printJson(io, result);
    return 0;
  }
  if (summary.dryRun) {
    io.out(`plan for ${job.name} (${job.source.topic} → ${job.output.table}):`);
    for (const r of result.plan) io.out(`  partition ${r.partition}: offsets ${r.start}..${r.end} (${plural(r.records, 'record')})`);
    return 0;
  }
  if (result.ranges.length === 0) {
    io.out(`${job.name}: nothing new to load`);
    return 0;
  }
  io.out(`${job.name}: run ${summary.runId} committed: ${plural(result.records, 'record')}, ${result.badRecords} bad, ${plural(result.files, 'file')}`);
  for (const r of result.ranges) io.out(rangeLine(r));
  return 0;
}
