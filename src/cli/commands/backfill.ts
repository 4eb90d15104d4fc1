import type { Argv } from 'yargs';
import { Bound, runBackfill, backfillTable } from '../../pipeline/backfill';
import type { LoadSummary } from '../../pipeline/load-summary';
import { plural } from '../../common/plural';
import { progressLine } from '../progress';
import { selectedPartitions } from './load';
import type { CommandIO } from '../io';
import { SecurityArgs, withSecurityOptions } from '../client-options';
import { BootstrapArgs, JobArgs, loadJobFromArgs, withBootstrapOverride, withJobOption } from '../job-option';
import { failedResult, jobOrFailedJson, printJson, rangeLine, runResult } from '../run-result';

interface BackfillArgs extends SecurityArgs, JobArgs, BootstrapArgs {
  json: boolean;
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
  return withBootstrapOverride(withJobOption(withSecurityOptions(yargs)))
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document: the backfill\'s result' })
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
  const job = jobOrFailedJson(args, 'backfill', io, () => loadJobFromArgs(args));
  let output: string | undefined;
  let summary: LoadSummary;
  try {
    const request = {
      from: bound(args['from-offset'], args['from-time'], '--from-time')!,
      to: bound(args['to-offset'], args['to-time'], '--to-time'),
      output: args.output,
    };
    const target = backfillTable(job, request);
    output = `${target.sink.description}/${target.root}`;
    // With --json stdout holds the one document; what a person reads goes to stderr.
    (args.json ? io.err : io.out)(`${job.name}: backfill of ${job.source.topic} → ${target.root} in ${target.sink.description}`);
    const partitions = await selectedPartitions(job, args);
    const plan = await runBackfill(job, request, { partitions, dryRun: true });
    const progress = progressLine(plan.plan.reduce((sum, r) => sum + (r.end - r.start), 0));
    summary = await runBackfill(job, request, { partitions, log: (line) => io.err(line), onProgress: progress.add });
    progress.done();
  } catch (error) {
    if (args.json) printJson(io, { ...failedResult(job, 'backfill', error), output });
    throw error;
  }
  const result = { ...runResult(job, 'backfill', summary), output };
  if (args.json) {
    printJson(io, result);
    return 0;
  }
  io.out(`backfill into ${output}: ${plural(result.records, 'record')} in ${plural(result.ranges.length, 'range')}`);
  for (const r of result.ranges) io.out(rangeLine(r));
  return 0;
}
