import type { Argv } from 'yargs';
import { describeSelection, isManyTopicJob } from '../../job/job-topics';
import { loadJobDefinition } from '../../job/job-definition';
import { Bound, runBackfill, backfillTable } from '../../pipeline/backfill';
import { progressLine } from '../progress';
import { selectedPartitions } from './load';
import type { CommandIO } from '../io';
import { SecurityArgs, withCommandLineSecurity, withSecurityOptions } from '../client-options';

interface BackfillArgs extends SecurityArgs {
  job: string;
  'from-offset'?: number;
  'from-time'?: string;
  'to-offset'?: number;
  'to-time'?: string;
  partitions?: string;
  output?: string;
}

export const command = 'backfill';
export const describe = 'Load a chosen offset or time range into separate output, leaving the scheduled checkpoint alone';

export function builder(yargs: Argv): Argv<BackfillArgs> {
  return withSecurityOptions(yargs)
    .option('job', { type: 'string', demandOption: true })
    .option('from-offset', { type: 'number' })
    .option('from-time', { type: 'string', describe: 'ISO 8601 time or epoch milliseconds' })
    .option('to-offset', { type: 'number', describe: 'exclusive' })
    .option('to-time', { type: 'string', describe: 'exclusive; ISO 8601 time or epoch milliseconds' })
    .option('partitions', { type: 'string', describe: 'e.g. 0,2-5' })
    .option('output', { type: 'string', describe: 'a path or URL for the output (default: <table>/_backfill/<range>/ in the job\'s sink)' })
    .conflicts('from-offset', 'from-time')
    .conflicts('to-offset', 'to-time')
    .check((args) => {
      if (args['from-offset'] === undefined && args['from-time'] === undefined) throw new Error('give --from-offset or --from-time');
      if (args.output !== undefined && String(args.output).trim() === '') throw new Error('--output is empty: give a directory or URL, or leave --output out to write under the job\'s sink');
      return true;
    }) as Argv<BackfillArgs>;
}

function parseTime(flag: string, text: string): number {
  const time = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(time)) throw new Error(`${flag}: ${JSON.stringify(text)} is not an ISO 8601 time or epoch milliseconds`);
  return time;
}

function bound(offset: number | undefined, time: string | undefined, flag: string): Bound | undefined {
  if (offset !== undefined) return { offset };
  if (time !== undefined) return { time: parseTime(flag, time) };
  return undefined;
}

export async function handler(args: BackfillArgs, io: CommandIO): Promise<number> {
  const job = withCommandLineSecurity(loadJobDefinition(args.job), args);
  if (isManyTopicJob(job)) {
    io.err(`sluice backfill: job ${job.name} reads ${describeSelection(job)}; backfill takes a job of one source.topic for now`);
    return 2;
  }
  const request = {
    from: bound(args['from-offset'], args['from-time'], '--from-time')!,
    to: bound(args['to-offset'], args['to-time'], '--to-time'),
    output: args.output,
  };
  const target = backfillTable(job, request);
  io.out(`${job.name}: backfill of ${job.source.topic} → ${target.root} in ${target.sink.description}`);
  const partitions = await selectedPartitions(job, args);
  const plan = await runBackfill(job, request, { partitions, dryRun: true });
  const progress = progressLine(plan.plan.reduce((sum, r) => sum + (r.end - r.start), 0));
  const summary = await runBackfill(job, request, { partitions, log: (line) => io.err(line), onProgress: progress.add });
  progress.done();
  const records = summary.committed.reduce((sum, r) => sum + r.records, 0);
  io.out(`backfill into ${target.sink.description}/${target.root}: ${records} records in ${summary.committed.length} ranges`);
  for (const r of summary.committed) io.out(`  partition ${r.partition}: offsets ${r.start}..${r.end}, ${r.records} records, ${r.badRecords} bad`);
  return 0;
}
