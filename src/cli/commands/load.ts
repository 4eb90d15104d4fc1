import type { Argv } from 'yargs';
import { loadJobDefinition } from '../../job/job-definition';
import { LoadSummary, runLoad } from '../../pipeline/load-job';
import { describeLost, lostRanges } from '../../pipeline/retention-gaps';
import { describeSelection, isManyTopicJob } from '../../job/job-topics';
import type { ManyTopicLoadSummary } from '../../pipeline/load-summary';
import { parsePartitionList, parseShard, shardPartitions } from '../../pipeline/partition-selection';
import { openRecordSource, sinkDescription } from '../../connector-factory';
import type { JobDefinition } from '../../job/job-definition';
import { stopOnSignals } from '../../schedule/stop-signals';
import type { CommandIO } from '../io';
import { describeBadReasons } from '../../pipeline/bad-record-tally';
import { SecurityArgs, withCommandLineSecurity, withSecurityOptions } from '../client-options';

interface LoadArgs extends SecurityArgs {
  job: string;
  'dry-run': boolean;
  partitions?: string;
  shard?: string;
  'max-bad-percent'?: number;
}

export const command = 'load';
export const describe = 'Load what is new in every partition into the job\'s table, exactly once';

export function builder(yargs: Argv): Argv<LoadArgs> {
  return withSecurityOptions(yargs)
    .option('job', { type: 'string', demandOption: true, describe: 'a job definition, e.g. jobs/page_views.json' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the plan and stop' })
    .option('partitions', { type: 'string', describe: 'only these partitions, e.g. 0,2-5' })
    .option('shard', { type: 'string', describe: 'only partitions p with p mod N = i, written i/N' })
    .option('max-bad-percent', maxBadPercentOption)
    .conflicts('partitions', 'shard')
    .check(checkMaxBadPercent) as Argv<LoadArgs>;
}

export const maxBadPercentOption = { type: 'number', describe: 'for this run, the share of bad records (0-100) above which it fails, instead of the job\'s badRecords.maxPercent' } as const;

export function checkMaxBadPercent(args: { 'max-bad-percent'?: number }): true {
  const percent = args['max-bad-percent'];
  if (percent !== undefined && !(percent >= 0 && percent <= 100)) throw new Error(`--max-bad-percent must be a number from 0 to 100, not ${percent}`);
  return true;
}

/** The job with `--max-bad-percent` in place of its badRecords.maxPercent, for one run. */
export function withMaxBadPercent(job: JobDefinition, percent: number | undefined): JobDefinition {
  return percent === undefined ? job : { ...job, badRecords: { ...job.badRecords, maxPercent: percent } };
}

/** The lines saying a run's committed bad records by reason, and where to read them. */
export function badReasonLines(job: JobDefinition, summary: LoadSummary): string[] {
  const reasons = summary.badReasons ?? [];
  if (reasons.length === 0) return [];
  return [`  bad records by reason (sluice dead-letters --job ${job.name}):`, ...describeBadReasons(reasons).map((line) => `    ${line}`)];
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

/** Exit status of a run that committed, but recorded offsets deleted by retention before they were loaded. */
export const LOADED_WITH_GAPS = 3;

export async function handler(args: LoadArgs, io: CommandIO): Promise<number> {
  const job = withMaxBadPercent(withCommandLineSecurity(loadJobDefinition(args.job), args), args['max-bad-percent']);
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
  const lost = lostRanges(summary.committed);
  io.out(`${job.name}: run ${summary.runId} committed${lost.length > 0 ? ', with gaps' : ''}`);
  for (const r of summary.committed) {
    if (r.kind === 'lost') {
      io.out(`  ${describeLost(r)}`);
      continue;
    }
    const data = r.files.filter((f) => f.format !== 'dead-letter');
    const skipped = r.skippedOffsets ? `, ${r.skippedOffsets} skipped (transaction markers and aborted records)` : '';
    io.out(`  partition ${r.partition}: offsets ${r.start}..${r.end}, ${r.records} records, ${r.badRecords} bad${skipped}, ${data.length} files`);
  }
  for (const line of badReasonLines(job, summary)) io.out(line);
  if (lost.length > 0) {
    io.err(`${job.name}: loaded with gaps: offsets were deleted by retention before they were loaded; the hours they may touch stay without _SUCCESS and verify fails until each gap is acknowledged (sluice ack-gap)`);
    return LOADED_WITH_GAPS;
  }
  return 0;
}

/** Per topic of a many-topic job: its plan, or what its run committed. */
function printTopicRuns(job: JobDefinition, summary: ManyTopicLoadSummary, io: CommandIO): number {
  let gaps = 0;
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
    const lost = lostRanges(run.committed);
    gaps += lost.length;
    io.out(`topic ${run.topic} → table ${run.table}: run ${run.runId} committed${lost.length > 0 ? ', with gaps' : ''}`);
    for (const r of run.committed) {
      if (r.kind === 'lost') {
        io.out(`  ${describeLost(r)}`);
        continue;
      }
      const data = r.files.filter((f) => f.format !== 'dead-letter');
      const skipped = r.skippedOffsets ? `, ${r.skippedOffsets} skipped (transaction markers and aborted records)` : '';
      io.out(`  partition ${r.partition}: offsets ${r.start}..${r.end}, ${r.records} records, ${r.badRecords} bad${skipped}, ${data.length} files`);
    }
  }
  for (const topic of summary.missingTopics) io.out(`topic ${topic}: does not exist, skipped`);
  if (summary.topics.length === 0 && summary.missingTopics.length === 0) io.out(`${job.name}: no topic matches ${describeSelection(job)}`);
  if (gaps > 0) {
    io.err(`${job.name}: loaded with gaps: offsets were deleted by retention before they were loaded; the hours they may touch stay without _SUCCESS and verify fails until each gap is acknowledged (sluice ack-gap)`);
    return LOADED_WITH_GAPS;
  }
  return 0;
}
