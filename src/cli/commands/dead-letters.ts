import type { Argv } from 'yargs';
import type { JobDefinition } from '../../job/job-definition';
import { JobArgs, loadJobFromArgs, withJobOption } from '../job-option';
import { openSink } from '../../connector-factory';
import { jobTable } from '../../table/table-state';
import { describeSelection, hasSharedTable, isManyTopicJob } from '../../job/job-topics';
import { jobsOfTopics, TopicArgs, withTopicOption } from '../topic-option';
import { firstInvalidUtf8Byte } from '../../formats/utf8';
import { DeadLetterFile, DeadLetterLine, FailedRunDeadLetters, lineReason, listDeadLetters, parseDeadLetters } from '../../table/dead-letters';
import type { CommandIO } from '../io';

interface DeadLettersArgs extends JobArgs, TopicArgs {
  json: boolean;
  run?: string;
  limit: number;
}

export const command = 'dead-letters';
export const describe = 'List a table\'s dead letters (committed, and those of runs that failed on the bad-record limit), count them by reason and show samples';

export function builder(yargs: Argv): Argv<DeadLettersArgs> {
  return withTopicOption(withJobOption(yargs))
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
    .option('run', { type: 'string', describe: 'only the dead letters of this run (a failed run, or the run that committed them)' })
    .option('limit', { type: 'number', default: 10, describe: 'how many records to show' })
    .check((args) => {
      if (!Number.isInteger(args.limit) || args.limit < 0) throw new Error(`--limit must be a whole number of records, not ${args.limit}`);
      return true;
    }) as Argv<DeadLettersArgs>;
}

/** Bytes as a user can read them: the text when they are UTF-8, base64 otherwise. */
interface ShownBytes {
  text: string;
  encoding: 'utf8' | 'base64';
}

function shown(base64: string | null | undefined): ShownBytes | null {
  if (base64 === null || base64 === undefined) return null;
  const bytes = Buffer.from(base64, 'base64');
  return firstInvalidUtf8Byte(bytes) < 0 ? { text: bytes.toString('utf8'), encoding: 'utf8' } : { text: base64, encoding: 'base64' };
}

interface Sample {
  file: string;
  runId: string | null;
  failed: boolean;
  partition: number;
  offset: number;
  /** An undecodable batch: the last offset it covers, and how many; `value` is then the batch's bytes. */
  lastOffset?: number;
  records: number;
  timestamp: number;
  reason: string;
  error: string;
  key: string | null;
  keyEncoding?: 'utf8' | 'base64';
  value: string | null;
  valueEncoding?: 'utf8' | 'base64';
}

function sampleOf(file: DeadLetterFile, line: DeadLetterLine): Sample {
  const key = shown(line.key);
  // A batch's bytes are binary (its header): base64 whatever they hold.
  const value: ShownBytes | null = line.batch !== undefined ? { text: line.batch, encoding: 'base64' } : shown(line.value);
  return {
    file: file.path, runId: file.runId, failed: file.failed, partition: line.partition, offset: line.offset,
    ...(line.lastOffset !== undefined ? { lastOffset: line.lastOffset } : {}),
    records: line.records ?? 1, timestamp: line.timestamp, reason: lineReason(line), error: line.error,
    key: key?.text ?? null, ...(key ? { keyEncoding: key.encoding } : {}),
    value: value?.text ?? null, ...(value ? { valueEncoding: value.encoding } : {}),
  };
}

interface Report {
  job: string;
  table: string;
  records: number;
  files: (DeadLetterFile & { records: number })[];
  failedRuns: FailedRunDeadLetters[];
  reasons: { reason: string; records: number }[];
  samples: Sample[];
}

/** The report; when `--run` names a run with no dead letters in the table (or topic), the runs that have some, for the caller to say. */
async function buildReport(job: JobDefinition, run: string | undefined, limit: number, shared: boolean): Promise<Report | { noSuchRun: string[] }> {
  const table = jobTable(openSink(job.output.sink), job);
  // A table many topics share has one _dead_letter/ for all: each file names its topic.
  const listed = await listDeadLetters(table, shared ? job.source.topic : null);
  const files = run === undefined ? listed.files : listed.files.filter((f) => f.runId === run);
  const failedRuns = run === undefined ? listed.failedRuns : listed.failedRuns.filter((r) => r.runId === run);
  if (run !== undefined && files.length === 0 && failedRuns.length === 0) return { noSuchRun: [...new Set(listed.files.map((f) => f.runId).filter((id): id is string => id !== null))] };
  const reasons = new Map<string, number>();
  const samples: Sample[] = [];
  const counted: Report['files'] = [];
  for (const file of files) {
    const lines = parseDeadLetters(await table.sink.readFile(table.path(file.path)), `${table.describe()}/${file.path}`);
    let records = 0;
    for (const line of lines) {
      const count = line.records ?? 1;
      records += count;
      const reason = lineReason(line);
      reasons.set(reason, (reasons.get(reason) ?? 0) + count);
      if (samples.length < limit) samples.push(sampleOf(file, line));
    }
    counted.push({ ...file, records });
  }
  return {
    job: job.name, table: table.describe(), records: counted.reduce((sum, f) => sum + f.records, 0), files: counted, failedRuns,
    reasons: [...reasons].map(([reason, records]) => ({ reason, records })).sort((a, b) => b.records - a.records),
    samples,
  };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const cut = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function render(report: Report, io: CommandIO): void {
  io.out(`dead letters of ${report.job} in ${report.table}: ${plural(report.records, 'record', 'records')} in ${plural(report.files.length, 'file', 'files')}`);
  for (const file of report.files) {
    const who = file.failed ? `failed run ${file.runId}` : file.runId ? `committed by run ${file.runId}` : 'committed';
    io.out(`  ${file.path}  ${plural(file.records, 'record', 'records')}  (${who})`);
  }
  if (report.failedRuns.length > 0) io.out('failed runs (nothing committed; their dead letters are kept under _dead_letter/_failed/):');
  for (const run of report.failedRuns) {
    const record = run.record;
    io.out(record
      ? `  ${run.runId} at ${record.failedAt}: ${record.badRecords} of ${record.records} records bad, limit ${record.maxPercent}%`
      : `  ${run.runId}: incomplete (the run stopped while keeping its dead letters; some may be missing)`);
  }
  if (report.reasons.length > 0) io.out('by reason:');
  const width = String(report.reasons[0]?.records ?? 0).length;
  for (const { reason, records } of report.reasons) io.out(`  ${String(records).padStart(width)}  ${reason}`);
  if (report.samples.length > 0) io.out(report.samples.length === 1 ? 'first record:' : `first ${report.samples.length} records:`);
  for (const s of report.samples) {
    const where = s.lastOffset !== undefined && s.lastOffset > s.offset ? `${s.partition}:${s.offset}..${s.lastOffset}` : `${s.partition}:${s.offset}`;
    io.out(`  ${where}  ${s.error}`);
    if (s.lastOffset !== undefined) io.out(`    batch of ${plural(s.records, 'record', 'records')}, ${Buffer.from(s.value ?? '', 'base64').length} bytes (in --json, base64)`);
    else {
      if (s.key !== null) io.out(`    key${s.keyEncoding === 'base64' ? ' (base64)' : ''}: ${cut(s.key)}`);
      io.out(`    value${s.valueEncoding === 'base64' ? ' (base64)' : ''}: ${s.value === null ? 'null' : cut(s.value)}`);
    }
  }
}

const noSuchRun = (table: string, run: string, runs: string[]) =>
  new Error(`table ${table} has no dead letters of run ${run} (${runs.length > 0 ? `runs with dead letters: ${runs.join(', ')}` : 'it has no dead letters'})`);

/**
 * Exit status 0; 1 when the job or table cannot be read or `--run` names a run with no dead letters. A many-topic
 * job: a report per topic (`--topic` for one), one JSON document with a list of them.
 */
export async function handler(args: DeadLettersArgs, io: CommandIO): Promise<number> {
  const job = loadJobFromArgs(args);
  const jobs = await jobsOfTopics(job, 'dead-letters', args.topic);
  if (!isManyTopicJob(job)) {
    const report = await buildReport(jobs[0], args.run, args.limit, false);
    if ('noSuchRun' in report) throw noSuchRun(jobs[0].output.table, args.run!, report.noSuchRun);
    if (args.json) io.out(JSON.stringify(report));
    else render(report, io);
    return 0;
  }
  const reports: (Report & { topic: string })[] = [];
  const runs: string[] = [];
  for (const each of jobs) {
    const report = await buildReport(each, args.run, args.limit, hasSharedTable(job));
    if ('noSuchRun' in report) runs.push(...report.noSuchRun);
    else reports.push({ topic: each.source.topic, ...report });
  }
  if (args.run !== undefined && reports.length === 0) throw noSuchRun(`${job.output.table} (${describeSelection(job)})`, args.run, [...new Set(runs)].sort());
  if (args.json) {
    io.out(JSON.stringify({ job: job.name, records: reports.reduce((sum, r) => sum + r.records, 0), topics: reports }));
    return 0;
  }
  if (reports.length === 0) io.out(`${job.name}: no table of ${describeSelection(job)} has been loaded yet`);
  for (const report of reports) {
    io.out(`topic ${report.topic}:`);
    render(report, io);
  }
  return 0;
}
