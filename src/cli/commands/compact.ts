import type { Argv } from 'yargs';
import { JobArgs, loadJobFromArgs, oneTopicJob, withJobOption } from '../job-option';
import { EXIT } from '../exit-codes';
import { CompactionSummary, HourRange, HourRangeError, parseHourRange, runCompaction } from '../../pipeline/compact-job';
import { JobLockedError } from '../../table/lock';
import { sinkDescription } from '../../connector-factory';
import type { CommandIO } from '../io';

interface CompactArgs extends JobArgs {
  hours?: string;
  wait: number;
  json: boolean;
}

export const command = 'compact';
export const describe = 'Rewrite the small files of complete hours into files near compaction.targetBytes';

export function builder(yargs: Argv): Argv<CompactArgs> {
  return withJobOption(yargs)
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

export async function handler(args: CompactArgs, io: CommandIO): Promise<number> {
  let hours: HourRange | undefined;
  try {
    hours = args.hours === undefined ? undefined : parseHourRange(args.hours);
  } catch (error) {
    if (!(error instanceof HourRangeError)) throw error;
    io.err(error.message);
    return 2;
  }
  const job = oneTopicJob(loadJobFromArgs(args), 'compact');
  let summary: CompactionSummary;
  try {
    summary = await compactWaiting(() => runCompaction(job, { hours, log: (line) => io.err(line) }), args.wait);
  } catch (error) {
    if (!(error instanceof JobLockedError)) throw error;
    if (args.json) io.out(JSON.stringify({ ok: false, lockHeld: true, error: error.message }));
    else io.err(`${job.name}: ${error.message}; nothing was compacted (try again, or pass --wait SECONDS)`);
    return EXIT.LOCKED;
  }
  const filesBefore = summary.groups.reduce((s, g) => s + g.filesBefore, 0);
  const filesAfter = summary.groups.reduce((s, g) => s + g.filesAfter, 0);
  if (args.json) {
    io.out(JSON.stringify({ ok: true, id: summary.id, job: job.name, table: job.output.table, filesBefore, filesAfter, groups: summary.groups, recovered: summary.recovered }));
    return 0;
  }
  if (summary.groups.length === 0) {
    io.out(`${job.name}: nothing to compact in table ${job.output.table} (${sinkDescription(job.output.sink)}): no complete hour${hours ? ' in the range' : ''} has two or more small files`);
    return 0;
  }
  io.out(`${job.name}: compaction ${summary.id} committed: ${plural(filesBefore, 'file')} into ${plural(filesAfter, 'file')} in ${plural(summary.groups.length, 'hour directory', 'hour directories')}`);
  for (const g of summary.groups) {
    io.out(`  ${g.format} ${g.hour.replace('T', ' ')}:00  ${plural(g.filesBefore, 'file')} (${plural(g.bytesBefore, 'byte')}) → ${plural(g.filesAfter, 'file')} (${plural(g.bytesAfter, 'byte')}), ${plural(g.records, 'record')}`);
  }
  return 0;
}
