import type { Argv } from 'yargs';
import { loadJobDefinition } from '../../job/job-definition';
import { LoadSummary, runLoad } from '../../pipeline/load-job';
import { describeSelection, isManyTopicJob } from '../../job/job-topics';
import type { ManyTopicLoadSummary } from '../../pipeline/load-summary';
import { parsePartitionList, parseShard, shardPartitions } from '../../pipeline/partition-selection';
import { openRecordSource, sinkDescription } from '../../connector-factory';
import type { JobDefinition } from '../../job/job-definition';
import { stopOnSignals } from '../../schedule/stop-signals';
import type { CommandIO } from '../io';
import { SecurityArgs, withCommandLineSecurity, withSecurityOptions } from '../client-options';

interface LoadArgs extends SecurityArgs {
  job: string;
  'dry-run': boolean;
  partitions?: string;
  shard?: string;
}

export const command = 'load';
export const describe = 'Load what is new in every partition into the job\'s table, exactly once';

export function builder(yargs: Argv): Argv<LoadArgs> {
  return withSecurityOptions(yargs)
    .option('job', { type: 'string', demandOption: true, describe: 'a job definition, e.g. jobs/page_views.json' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the plan and stop' })
    .option('partitions', { type: 'string', describe: 'only these partitions, e.g. 0,2-5' })
    .option('shard', { type: 'string', describe: 'only partitions p with p mod N = i, written i/N' })
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
  const job = withCommandLineSecurity(loadJobDefinition(args.job), args);
  io.out(`${job.name}: ${describeSelection(job)} → table ${job.output.table} in ${sinkDescription(job.output.sink)}`);
  if (isManyTopicJob(job) && (args.partitions || args.shard)) {
    io.err(`sluice load: --partitions and --shard take the partitions of one topic; job ${job.name} reads ${describeSelection(job)}`);
    return 2;
  }
  const partitions = await selectedPartitions(job, args);
  // SIGTERM/SIGINT: reading stops and the run commits what it has read (a second signal ends the process).
  const stop = stopOnSignals((signal) => io.err(`${signal}: stopping; the run commits what it has read`));
  let summary: LoadSummary;
  try {
    summary = await runLoad(job, { partitions, dryRun: args['dry-run'], log: (line) => io.err(line), signal: stop.signal });
  } finally {
    stop.release();
  }
  if ('topics' in summary) return printTopicRuns(job, summary as ManyTopicLoadSummary, io);
  if (summary.dryRun) {
    io.out(`plan for ${job.name} (${job.source.topic} → ${job.output.table}):`);
    for (const r of summary.plan) io.out(`  partition ${r.partition}: offsets ${r.start}..${r.end} (${r.end - r.start} records)`);
    return 0;
  }
  if (summary.committed.length === 0) {
    io.out(`${job.name}: nothing new to load`);
    return 0;
  }
  io.out(`${job.name}: run ${summary.runId} committed`);
  for (const r of summary.committed) {
    const data = r.files.filter((f) => f.format !== 'dead-letter');
    const skipped = r.skippedOffsets ? `, ${r.skippedOffsets} skipped (transaction markers and aborted records)` : '';
    io.out(`  partition ${r.partition}: offsets ${r.start}..${r.end}, ${r.records} records, ${r.badRecords} bad${skipped}, ${data.length} files`);
  }
  return 0;
}

/** Per topic of a many-topic job: its plan, or what its run committed. */
function printTopicRuns(job: JobDefinition, summary: ManyTopicLoadSummary, io: CommandIO): number {
  for (const run of summary.topics) {
    if (summary.dryRun) {
      io.out(`plan for topic ${run.topic} → table ${run.table}:`);
      for (const r of run.plan) io.out(`  partition ${r.partition}: offsets ${r.start}..${r.end} (${r.end - r.start} records)`);
      continue;
    }
    if (run.committed.length === 0) {
      io.out(`topic ${run.topic} → table ${run.table}: nothing new to load`);
      continue;
    }
    io.out(`topic ${run.topic} → table ${run.table}: run ${run.runId} committed`);
    for (const r of run.committed) {
      const data = r.files.filter((f) => f.format !== 'dead-letter');
      const skipped = r.skippedOffsets ? `, ${r.skippedOffsets} skipped (transaction markers and aborted records)` : '';
      io.out(`  partition ${r.partition}: offsets ${r.start}..${r.end}, ${r.records} records, ${r.badRecords} bad${skipped}, ${data.length} files`);
    }
  }
  for (const topic of summary.missingTopics) io.out(`topic ${topic}: does not exist, skipped`);
  if (summary.topics.length === 0 && summary.missingTopics.length === 0) io.out(`${job.name}: no topic matches ${describeSelection(job)}`);
  return 0;
}
