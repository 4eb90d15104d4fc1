import { HISTORY_DIR, historyFile, startOfPreviousMonth } from './layout';
import type { PartitionSummary } from './partition-index';
import type { RangeCheckpoint, RunPlan } from './records';
import type { TableReader, TableStore } from './table';

export { historyFile, startOfPreviousMonth };

export type RunStatus = 'committed' | 'nothing-to-do' | 'failed';

export interface HistoryRange {
  partition: number;
  start: number;
  end: number;
  records: number;
  badRecords: number;
}

/** One line of `_sluice/history/runs-YYYY-MM[.p<partition>].jsonl`. */
export interface RunHistoryEntry {
  runId: string;
  job: string;
  kind: RunPlan['kind'] | 'reload';
  /** Null in a line reconstructed from checkpoints. */
  host: string | null;
  pid: number | null;
  start: string;
  end: string;
  status: RunStatus;
  /** What each partition's range read; for a failed run nothing of it was committed. */
  ranges: HistoryRange[];
  records: number;
  badRecords: number;
  /** Data files and their bytes committed (dead-letter files not included). */
  files: number;
  bytes: number;
  hoursWritten: string[];
  /** Hours that already had `_SUCCESS` when this run wrote into them; null when not known (reconstructed lines). */
  reopenedHours: string[] | null;
  error?: string;
  /** The run committed but its own line was never written (a crash after the commit); rebuilt from checkpoints. */
  reconstructed?: true;
}

const FILE_PATTERN = /\/runs-(\d{4}-\d{2})(?:\.p\d+)?\.jsonl$/;

export interface HistoryRead {
  /** Oldest first. */
  entries: RunHistoryEntry[];
  /** Lines that are not JSON, e.g. a line torn by a crash mid-append. */
  skippedLines: number;
}

function parseLines(text: string, into: HistoryRead): void {
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as RunHistoryEntry;
      if (typeof entry.runId === 'string' && typeof entry.start === 'string') into.entries.push(entry);
      else into.skippedLines++;
    } catch {
      into.skippedLines++;
    }
  }
}

/** History files by month ("2026-11"), oldest month first: every writer's file of each month. */
async function monthFiles(table: TableReader): Promise<Map<string, string[]>> {
  const months = new Map<string, string[]>();
  const entries = await table.sink.list(table.path(HISTORY_DIR));
  for (const entry of entries) {
    const month = FILE_PATTERN.exec(entry.path)?.[1];
    if (entry.type !== 'file' || !month) continue;
    months.set(month, [...(months.get(month) ?? []), `${HISTORY_DIR}/${entry.path.slice(entry.path.lastIndexOf('/') + 1)}`]);
  }
  return new Map([...months.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

async function readMonths(table: TableReader, files: string[]): Promise<HistoryRead> {
  const read: HistoryRead = { entries: [], skippedLines: 0 };
  for (const file of files) parseLines((await table.sink.readFile(table.path(file))).toString('utf8'), read);
  read.entries.sort((a, b) => a.start.localeCompare(b.start));
  return read;
}

/** The newest `limit` runs of a table, oldest first, reading months from the newest back until it has enough. */
export async function readRunHistory(table: TableReader, limit: number): Promise<HistoryRead> {
  const months = [...(await monthFiles(table)).values()];
  const read: HistoryRead = { entries: [], skippedLines: 0 };
  for (let i = months.length - 1; i >= 0 && read.entries.length < limit; i--) {
    const month = await readMonths(table, months[i]);
    read.entries.unshift(...month.entries);
    read.skippedLines += month.skippedLines;
  }
  read.entries.sort((a, b) => a.start.localeCompare(b.start));
  return { entries: read.entries.slice(Math.max(0, read.entries.length - limit)), skippedLines: read.skippedLines };
}

/**
 * Appends lines to this writer's month file of `now` (see historyFile: the caller holds its partition locks). A file left without its final newline (a crash mid-append) gets one
 * first, so the torn line stays alone and readers skip it.
 */
export async function appendRunHistory(table: TableStore, entries: RunHistoryEntry[], now = new Date()): Promise<void> {
  if (entries.length === 0) return;
  const file = table.path(historyFile(now, table.lockedPartitions()[0] ?? 0));
  const existing = await table.sink.status(file);
  let torn = false;
  if (existing && existing.length > 0) {
    const text = await table.sink.readFile(file);
    torn = text[text.length - 1] !== 0x0a;
  }
  const body = entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
  await table.sink.append(file, Buffer.from(torn ? `\n${body}` : body));
}

export function summarizeFiles(ranges: RangeCheckpoint[]): Pick<RunHistoryEntry, 'files' | 'bytes' | 'hoursWritten'> {
  const data = ranges.flatMap((r) => r.files).filter((f) => f.format !== 'dead-letter');
  return {
    files: data.length,
    bytes: data.reduce((sum, f) => sum + f.bytes, 0),
    hoursWritten: [...new Set(data.map((f) => f.hour).filter((h): h is string => h !== null))].sort(),
  };
}

export function historyRanges(ranges: HistoryRange[]): HistoryRange[] {
  return ranges.map(({ partition, start, end, records, badRecords }) => ({ partition, start, end, records, badRecords }));
}

/**
 * Lines for runs whose commit is in the checkpoints but not in the history: the checkpoints are the truth, the
 * history a log that a crash between commit and append can miss. Looks at checkpoints committed since the start
 * of the previous month (listed in the partition indexes) and at the history of those months, and reads only the
 * checkpoints of runs missing from it, so the cost stays bounded. `summaries` are the partitions the caller locked:
 * another shard's run may be between its commit and its own line.
 */
export async function missingRunLines(
  table: TableReader, job: string, kind: RunPlan['kind'], summaries: Map<number, PartitionSummary>, exceptRunId: string, now = new Date(),
): Promise<RunHistoryEntry[]> {
  const since = startOfPreviousMonth(now);
  const byMonth = await monthFiles(table);
  const files = [since, now].flatMap((t) => byMonth.get(t.toISOString().slice(0, 7)) ?? []);
  const known = new Set((await readMonths(table, files)).entries.filter((e) => e.status === 'committed').map((e) => e.runId));
  const byRun = new Map<string, RangeCheckpoint[]>();
  for (const summary of summaries.values()) {
    for (const recent of summary.recent) {
      if (recent.runId === exceptRunId || known.has(recent.runId) || Date.parse(recent.committedAt) < since.getTime()) continue;
      const range = await table.checkpoint(summary.partition, recent.name);
      byRun.set(range.runId, [...(byRun.get(range.runId) ?? []), range]);
    }
  }
  return [...byRun.entries()].map(([runId, ranges]) => {
    const committedAt = ranges.map((r) => r.committedAt).sort()[0];
    return {
      runId, job, kind, host: null, pid: null, start: committedAt, end: committedAt, status: 'committed' as const,
      ranges: historyRanges(ranges).sort((a, b) => a.partition - b.partition),
      records: ranges.reduce((s, r) => s + r.records, 0),
      badRecords: ranges.reduce((s, r) => s + r.badRecords, 0),
      ...summarizeFiles(ranges),
      reopenedHours: null,
      reconstructed: true as const,
    };
  }).sort((a, b) => a.start.localeCompare(b.start));
}
