// A table's dead letters: committed ones under `_dead_letter/`, beside the data, and those of runs that failed on
// the bad-record limit under `_dead_letter/_failed/<runId>/` (a name starting with `_`, so Hive and every reader of
// the dead-letter directory skip it, like the data's readers skip `_dead_letter/`).
import type { TableReader } from './table';
import { checkpointName } from './layout';

export const DEAD_LETTER_DIR = '_dead_letter';
export const FAILED_DEAD_LETTER_DIR = `${DEAD_LETTER_DIR}/_failed`;
/** Written last in a failed run's directory: its dead letters are all there. */
export const FAILED_RUN_RECORD = '_run.json';

/**
 * The failed run's record: `_run.json`, or in a table many topics share (whose topics run under one run id, each
 * failing on its own) `_run.<topic>.json`, one per topic.
 */
export function failedRunRecordName(sharedTableTopic: string | null): string {
  return sharedTableTopic === null ? FAILED_RUN_RECORD : `_run.${sharedTableTopic}.json`;
}

/** One line of a dead-letter file: a record, or (with `lastOffset`, `records` and `batch`) an undecodable batch. */
export interface DeadLetterLine {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  /** Why, for this record: values and positions included. */
  error: string;
  /** The error with what is particular to the record taken out: dead letters are counted by it. Absent in older files. */
  reason?: string;
  key?: string | null;
  value?: string | null;
  lastOffset?: number;
  records?: number;
  batch?: string;
  batchBaseOffset?: number;
  batchLastOffset?: number;
}

/** `_dead_letter/_failed/<runId>/_run.json`: why the run failed, written once its dead letters are in place. */
export interface FailedRunRecord {
  runId: string;
  job: string;
  failedAt: string;
  error: string;
  badRecords: number;
  records: number;
  maxPercent: number;
  files: string[];
}

export interface DeadLetterFile {
  /** Relative to the table root. */
  path: string;
  topic: string;
  partition: number;
  start: number;
  end: number;
  bytes: number;
  /** The run that wrote it: a failed run's id, or the committing run's from the range's checkpoint (null if none is found). */
  runId: string | null;
  failed: boolean;
}

export interface FailedRunDeadLetters {
  runId: string;
  /** Null when the run was killed while it kept its dead letters (some may be missing). */
  record: FailedRunRecord | null;
}

export function failedRunDir(runId: string): string {
  return `${FAILED_DEAD_LETTER_DIR}/${runId}`;
}

/** Where a failed run keeps the dead-letter file the commit would have put at `committedPath`. */
export function failedDeadLetterPath(runId: string, committedPath: string): string {
  return `${failedRunDir(runId)}/${committedPath.slice(committedPath.lastIndexOf('/') + 1)}`;
}

const FILE_NAME = /^(.+)\+(\d+)\+(\d+)\+(\d+)\.jsonl$/;

/**
 * The error of a dead letter without what is particular to its record, for lines written before `reason` was:
 * a value it got, a position or byte index, offsets.
 */
export function reasonOf(error: string): string {
  return error
    .replace(/, got [^;]*/g, '')
    .replace(/expected "([\w.]+)"/g, 'expected $1')
    .replace(/ at (?:byte|position) \d+/g, '')
    .replace(/ at offsets? \d+(?:\.\.\d+)?/g, '')
    .replace(/ in JSON at position \d+/g, ' in JSON')
    .replace(/CRC-32C is \d+, the header says \d+/g, 'CRC-32C does not match the header')
    .replace(/, ".*" is not valid JSON$/, ' (not valid JSON)');
}

/** The reason a line is counted under. */
export function lineReason(line: DeadLetterLine): string {
  return line.reason ?? reasonOf(line.error);
}

async function filesIn(table: TableReader, dir: string): Promise<{ name: string; bytes: number }[]> {
  const entries = await table.sink.list(table.path(dir));
  return entries.filter((e) => e.type === 'file').map((e) => ({ name: e.path.slice(e.path.lastIndexOf('/') + 1), bytes: e.length }));
}

function parsedName(dir: string, file: { name: string; bytes: number }, runId: string | null, failed: boolean): DeadLetterFile | null {
  const match = FILE_NAME.exec(file.name);
  if (!match) return null;
  return { path: `${dir}/${file.name}`, topic: match[1], partition: Number(match[2]), start: Number(match[3]), end: Number(match[4]), bytes: file.bytes, runId, failed };
}

async function committingRun(table: TableReader, file: DeadLetterFile): Promise<string | null> {
  try {
    return (await table.readJson<{ runId: string }>(checkpointName(file.partition, file.start, file.end))).runId;
  } catch {
    return null;
  }
}

/**
 * Every dead-letter file of the table, committed ones first (in name order), then each failed run's, oldest run
 * first. With `sharedTableTopic`, only that topic's (file names start with the topic) and the runs it failed in.
 */
export async function listDeadLetters(table: TableReader, sharedTableTopic: string | null = null): Promise<{ files: DeadLetterFile[]; failedRuns: FailedRunDeadLetters[] }> {
  const mine = (file: DeadLetterFile | null): file is DeadLetterFile => file !== null && (sharedTableTopic === null || file.topic === sharedTableTopic);
  const committed = (await filesIn(table, DEAD_LETTER_DIR)).map((f) => parsedName(DEAD_LETTER_DIR, f, null, false)).filter(mine);
  for (const file of committed) file.runId = await committingRun(table, file);
  const runs = (await table.sink.list(table.path(FAILED_DEAD_LETTER_DIR))).filter((e) => e.type === 'directory').map((e) => e.path.slice(e.path.lastIndexOf('/') + 1)).sort();
  const failedRuns: FailedRunDeadLetters[] = [];
  const failedFiles: DeadLetterFile[] = [];
  const recordName = failedRunRecordName(sharedTableTopic);
  for (const runId of runs) {
    const dir = failedRunDir(runId);
    const files = await filesIn(table, dir);
    const kept = files.map((f) => parsedName(dir, f, runId, true)).filter(mine);
    const hasRecord = files.some((f) => f.name === recordName);
    if (sharedTableTopic !== null && kept.length === 0 && !hasRecord) continue; // another topic's failed run
    const record = hasRecord ? await table.readJson<FailedRunRecord>(`${dir}/${recordName}`).catch(() => null) : null;
    failedRuns.push({ runId, record });
    failedFiles.push(...kept);
  }
  const byName = (a: DeadLetterFile, b: DeadLetterFile) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return { files: [...committed.sort(byName), ...failedFiles.sort(byName)], failedRuns };
}

/** The lines of a dead-letter file; a line that is not JSON is an error naming the file and line. */
export function parseDeadLetters(body: Buffer, file: string): DeadLetterLine[] {
  const lines: DeadLetterLine[] = [];
  body.toString('utf8').split('\n').forEach((text, i) => {
    if (text.trim() === '') return;
    try {
      lines.push(JSON.parse(text) as DeadLetterLine);
    } catch (error) {
      throw new Error(`${file}:${i + 1}: not a dead letter: ${(error as Error).message}`);
    }
  });
  return lines;
}
