import type { Argv } from 'yargs';
import { JobArgs, loadJobFromArgs, withJobOption } from '../job-option';
import { eachTopic, exitOfTopics, jobsOfTopics, TopicArgs, withTopicOption } from '../topic-option';
import type { JobDefinition } from '../../job/job-definition';
import { describeSelection, isManyTopicJob } from '../../job/job-topics';
import { EXIT } from '../exit-codes';
import { CompactionSummary, HourRange, HourRangeError, parseHourRange, runCompaction } from '../../pipeline/compact-job';
import { JobLockedError } from '../../table/lock';
import { sinkDescription } from '../../connector-factory';
import type { CommandIO } from '../io';

interface CompactArgs extends JobArgs, TopicArgs {
  hours?: string;
  wait: number;
  json: boolean;
}

export const command = 'compact';
export const describe = 'Rewrite the small files of complete hours into files near compaction.targetBytes';

export function builder(yargs: Argv): Argv<CompactArgs> {
  return withTopicOption(withJobOption(yargs))
    .option('hours', { type: 'string', describe: 'only these hours: 2026-11-21T05, or 2026-11-21T00..2026-11-21T05' })
    .option('wait', { type: 'number', default: 0, describe: 'seconds to wait for a load holding the lock (default: exit at once, status 4)' })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' });
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

async function compactWaiting(run: () => Promise<CompactionSummary>, waitSeconds: number): Promise<CompactionSummary> {
  const until = Date.now() + waitSeconds * 1000;
  for (;;) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof JobLockedError) || Date.now() >= until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** `--json`'s figures of one compaction. */
function compactionJson(job: JobDefinition, summary: CompactionSummary) {
  const filesBefore = summary.groups.reduce((s, g) => s + g.filesBefore, 0);
  const filesAfter = summary.groups.reduce((s, g) => s + g.filesAfter, 0);
  return { ok: true, id: summary.id, job: job.name, table: job.output.table, filesBefore, filesAfter, groups: summary.groups, recovered: summary.recovered };
}

function printCompaction(job: JobDefinition, summary: CompactionSummary, hours: HourRange | undefined, io: CommandIO, who: string): void {
  const { filesBefore, filesAfter } = compactionJson(job, summary);
  if (summary.groups.length === 0) {
    io.out(`${who}: nothing to compact in table ${job.output.table} (${sinkDescription(job.output.sink)}): no complete hour${hours ? ' in the range' : ''} has two or more small files`);
    return;
  }
  io.out(`${who}: compaction ${summary.id} committed: ${plural(filesBefore, 'file')} into ${plural(filesAfter, 'file')} in ${plural(summary.groups.length, 'hour directory', 'hour directories')}`);
  for (const g of summary.groups) {
    io.out(`  ${g.format} ${g.hour.replace('T', ' ')}:00  ${plural(g.filesBefore, 'file')} (${plural(g.bytesBefore, 'byte')}) → ${plural(g.filesAfter, 'file')} (${plural(g.bytesAfter, 'byte')}), ${plural(g.records, 'record')}`);
  }
}

const lockHint = 'nothing was compacted (try again, or pass --wait SECONDS)';

export async function handler(args: CompactArgs, io: CommandIO): Promise<number> {
  let hours: HourRange | undefined;
  try {
    hours = args.hours === undefined ? undefined : parseHourRange(args.hours);
  } catch (error) {
    if (!(error instanceof HourRangeError)) throw error;
    io.err(error.message);
    return 2;
  }
  const job = loadJobFromArgs(args);
  const jobs = await jobsOfTopics(job, 'compact', args.topic);
  const compact = (each: JobDefinition) => compactWaiting(() => runCompaction(each, { hours, log: (line) => io.err(isManyTopicJob(job) ? `topic ${each.source.topic}: ${line}` : line) }), args.wait);
  if (!isManyTopicJob(job)) return compactOne(jobs[0], () => compact(jobs[0]), hours, args.json, io);
  // A many-topic job: each topic's table (or namespace of the shared table) in turn; one failing leaves the others done.
  const outcomes = await eachTopic(jobs, compact);
  if (args.json) {
    io.out(JSON.stringify({
      ok: outcomes.every((o) => 'result' in o), job: job.name,
      topics: outcomes.map((o) => ({ topic: o.job.source.topic, ...('result' in o ? compactionJson(o.job, o.result) : { ok: false, table: o.job.output.table, lockHeld: o.error instanceof JobLockedError, error: o.error.message }) })),
    }));
    return exitOfTopics(outcomes);
  }
  if (outcomes.length === 0) io.out(`${job.name}: no table of ${describeSelection(job)} has been loaded yet: nothing to compact`);
  for (const o of outcomes) {
    const who = `${job.name} topic ${o.job.source.topic}`;
    if ('result' in o) printCompaction(o.job, o.result, hours, io, who);
    else io.err(`${who}: ${o.error.message}${o.error instanceof JobLockedError ? `; ${lockHint}` : ''}`);
  }
  return exitOfTopics(outcomes);
}

async function compactOne(job: JobDefinition, compact: () => Promise<CompactionSummary>, hours: HourRange | undefined, json: boolean, io: CommandIO): Promise<number> {
  let summary: CompactionSummary;
  try {
    summary = await compact();
  } catch (error) {
    if (!(error instanceof JobLockedError)) throw error;
    if (json) io.out(JSON.stringify({ ok: false, lockHeld: true, error: error.message }));
    else io.err(`${job.name}: ${error.message}; ${lockHint}`);
    return EXIT.LOCKED;
  }
  if (json) io.out(JSON.stringify(compactionJson(job, summary)));
  else printCompaction(job, summary, hours, io, job.name);
  return EXIT.OK;
}
