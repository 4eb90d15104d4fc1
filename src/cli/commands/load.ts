import type { Argv } from 'yargs';
import { loadJobDefinition } from '../../job/job-definition';
import { LoadSummary, runLoad } from '../../pipeline/load-job';
import { describeLost, lostRanges } from '../../pipeline/retention-gaps';
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

/** Exit status of a run that committed, but recorded offsets deleted by retention before they were loaded. */
export const LOADED_WITH_GAPS = 3;

export async function handler(args: LoadArgs, io: CommandIO): Promise<number> {
  const job = withCommandLineSecurity(loadJobDefinition(args.job), args);
  io.out(`${job.name}: ${job.source.topic} → table ${job.output.table} in ${sinkDescription(job.output.sink)}`);
  const partitions = await selectedPartitions(job, args);
  // SIGTERM/SIGINT: reading stops and the run commits what it has read (a second signal ends the process).
  const stop = stopOnSignals((signal) => io.err(`${signal}: stopping; the run commits what it has read`));
  let summary: LoadSummary;
  try {
    summary = await runLoad(job, { partitions, dryRun: args['dry-run'], log: (line) => io.err(line), signal: stop.signal });
  } finally {
    stop.release();
  }
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
  if (lost.length > 0) {
    io.err(`${job.name}: loaded with gaps: offsets were deleted by retention before they were loaded; the hours they may touch stay without _SUCCESS and verify fails until each gap is acknowledged (sluice ack-gap)`);
    return LOADED_WITH_GAPS;
  }
  return 0;
}
