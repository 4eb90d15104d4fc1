import type { Argv } from 'yargs';
import { Bound, runBackfill, backfillTable, eventTimeWindowOf } from '../../pipeline/backfill';
import type { LoadSummary } from '../../pipeline/load-summary';
import { plural } from '../../common/plural';
import { durationMs } from '../../common/duration';
import { progressLine } from '../progress';
import { selectedPartitions } from './load';
import { badReasonLines, checkMaxBadPercent, maxBadPercentOption, withMaxBadPercent } from '../run-options';
import type { CommandIO } from '../io';
import { SecurityArgs, withSecurityOptions } from '../client-options';
import { BootstrapArgs, JobArgs, loadJobFromArgs, withBootstrapOverride, withJobOption } from '../job-option';
import { jobOfTopic, TopicArgs, withTopicOption } from '../topic-option';
import { failedResult, jobOrFailedJson, printJson, rangeLine, runResult } from '../run-result';
import { CommandLineError, EXIT } from '../exit-codes';

interface BackfillArgs extends SecurityArgs, JobArgs, BootstrapArgs, TopicArgs {
  json: boolean;
  'from-offset'?: number;
  'from-time'?: string;
  'to-offset'?: number;
  'to-time'?: string;
  'from-event-time'?: string;
  'to-event-time'?: string;
  'event-time-margin': string;
  partitions?: string;
  output?: string;
  'max-bad-percent'?: number;
}

export const command = 'backfill';
export const describe = 'Load a chosen offset or time range into separate output, leaving the scheduled checkpoint alone';

export function builder(yargs: Argv): Argv<BackfillArgs> {
  return withTopicOption(withBootstrapOverride(withJobOption(withSecurityOptions(yargs))), 'the topic to backfill, for a job of source.topics or source.topicPattern (required there)')
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document: the backfill\'s result' })
    .option('from-offset', { type: 'number' })
    .option('from-time', { type: 'string', describe: 'ISO 8601 time or epoch milliseconds' })
    .option('to-offset', { type: 'number', describe: 'exclusive' })
    .option('to-time', { type: 'string', describe: 'exclusive; ISO 8601 time or epoch milliseconds' })
    .option('from-event-time', { type: 'string', describe: 'by the job\'s time.field: ISO 8601 time or epoch milliseconds' })
    .option('to-event-time', { type: 'string', describe: 'exclusive; by the job\'s time.field' })
    .option('event-time-margin', { type: 'string', default: '1h', describe: 'how far Kafka timestamps may lag or lead event time (e.g. 30m, 2h, 1d): offsets are found through the broker\'s time index this much outside the window' })
    .option('partitions', { type: 'string', describe: 'e.g. 0,2-5' })
    .option('output', { type: 'string', describe: 'a path or URL for the output (default: <table>/_backfill/<range>/ in the job\'s sink)' })
    .option('max-bad-percent', maxBadPercentOption)
    .check(checkMaxBadPercent)
    .conflicts('from-offset', 'from-time')
    .conflicts('to-offset', 'to-time')
    .conflicts('from-event-time', ['from-offset', 'from-time', 'to-offset', 'to-time'])
    .conflicts('to-event-time', ['from-offset', 'from-time', 'to-offset', 'to-time'])
    .check((args) => {
      if (args['from-offset'] === undefined && args['from-time'] === undefined && args['from-event-time'] === undefined) throw new CommandLineError('give --from-offset, --from-time or --from-event-time');
      if (args['to-event-time'] !== undefined && args['from-event-time'] === undefined) throw new CommandLineError('--to-event-time needs --from-event-time');
      if (args.output !== undefined && String(args.output).trim() === '') throw new CommandLineError('--output is empty: give a directory or URL, or leave --output out to write under the job\'s sink');
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

/** `90s`, `30m`, `2h`, `1d`, `500ms`, or plain milliseconds. */
export function parseDuration(flag: string, text: string): number {
  const ms = /^\d+$/.test(text.trim()) ? Number(text.trim()) : durationMs(text);
  if (ms === null) throw new CommandLineError(`${flag}: ${JSON.stringify(text)} is not a duration (e.g. 90s, 30m, 2h, 1d, or milliseconds)`);
  return ms;
}

function eventTimeBound(time: string | undefined, flag: string): Bound | undefined {
  return time === undefined ? undefined : { eventTime: parseTime(flag, time) };
}

export async function handler(args: BackfillArgs, io: CommandIO): Promise<number> {
  // A backfill reads one topic's offsets: a many-topic job's topic is named with --topic.
  const job = jobOfTopic(withMaxBadPercent(jobOrFailedJson(args, 'backfill', io, () => loadJobFromArgs(args)), args['max-bad-percent']), 'backfill', args.topic, 'a backfill reads the offsets or times of one topic');
  const byEventTime = args['from-event-time'] !== undefined;
  let output: string | undefined;
  let summary: LoadSummary;
  const request = {
    from: byEventTime ? eventTimeBound(args['from-event-time'], '--from-event-time')! : bound(args['from-offset'], args['from-time'], '--from-time')!,
    to: byEventTime ? eventTimeBound(args['to-event-time'], '--to-event-time') : bound(args['to-offset'], args['to-time'], '--to-time'),
    output: args.output,
    eventTimeMarginMs: parseDuration('--event-time-margin', args['event-time-margin']),
  };
  const window = eventTimeWindowOf(request);
  try {
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
  const result = { ...runResult(job, 'backfill', summary), output, ...(window ? { eventTimeWindow: { from: new Date(window.from).toISOString(), to: Number.isFinite(window.to) ? new Date(window.to).toISOString() : null } } : {}) };
  if (window && result.records === 0) {
    const field = job.time.field ? `time field "${job.time.field}"` : 'Kafka timestamp (the job has no time.field)';
    io.err(`no record's ${field} is in [${new Date(window.from).toISOString()}, ${Number.isFinite(window.to) ? new Date(window.to).toISOString() : 'now'}) among the offsets whose Kafka timestamps are within ${args['event-time-margin']} of it; a larger --event-time-margin reads further`);
  }
  if (args.json) {
    printJson(io, result);
    return EXIT.OK;
  }
  io.out(`backfill into ${output}: ${plural(result.records, 'record')} in ${plural(result.ranges.length, 'range')}`);
  for (const r of result.ranges) io.out(window && r.skippedOffsets ? `${rangeLine(r)} (skipped: outside the event-time window, markers or aborted records)` : rangeLine(r));
  for (const line of badReasonLines(job, summary)) io.out(line);
  return EXIT.OK;
}
