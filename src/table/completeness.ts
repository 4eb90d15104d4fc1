import { SinkFileExistsError } from '../ports/sink';
import type { JobDefinition } from '../job/job-definition';
import { HourPartition, SUCCESS_MARKER, formatRoot, hourKeyPath, markerPathIn } from './layout';
import { listFieldPrefixes, listPartitionDirectories } from './partition-directories';
import { TimePartitioner, timeKeyPath } from './time-partitions';
import type { PartitionSummary } from './partition-index';
import type { TableReader, TableStore } from './table';
import { SourceReadError } from '../ports/record-source';

export { SUCCESS_MARKER, hourKeyPath };

/** What completeness asks the broker: the topic's partitions and each one's offsets now. */
export interface PartitionOffsets {
  partitions(): Promise<number[]>;
  /**
   * Earliest and latest offsets of many partitions in one go (Kafka: one ListOffsets per leader and kind);
   * `highWatermark` when it differs from `latest` (read_committed's last stable offset).
   */
  offsetRanges(partitions: readonly number[]): Promise<Map<number, { earliest: number; latest: number; highWatermark?: number }>>;
}

/** How far apart two stretches of one local hour can be. */
const REPEAT_WINDOW_MS = 3 * 3_600_000;

export interface PartitionWatermark {
  partition: number;
  /** Where the next load starts; null when nothing was ever committed. */
  committedOffset: number | null;
  earliestOffset: number;
  highWatermark: number;
  /** Everything the broker held when it was asked was committed. */
  caughtUp: boolean;
  /** Latest event time committed, or null when no checkpoint records one. */
  maxEventTime: number | null;
  /** How far this partition lets the low watermark go; null (unknown) holds every marker back. */
  watermark: number | null;
}

/**
 * Each partition's watermark: the latest event time it committed (never later than `checkedAt`, so a record
 * stamped in the future cannot complete hours that have not happened). With `idlePartitions: "advance"` a
 * partition found caught up counts as `checkedAt`: everything that reached the broker before then is loaded.
 */
export async function partitionWatermarks(job: JobDefinition, source: PartitionOffsets, summaries: Map<number, PartitionSummary>, checkedAt: number): Promise<PartitionWatermark[]> {
  const result: PartitionWatermark[] = [];
  const partitions = await source.partitions();
  const ranges = await source.offsetRanges(partitions);
  for (const partition of partitions) {
    const summary = summaries.get(partition);
    const committedOffset = summary?.committedOffset ?? null;
    const range = ranges.get(partition);
    if (!range) throw new SourceReadError({ topic: job.source.topic, partition }, 'the broker listed the partition but gave no offsets for it');
    const { earliest } = range;
    // The high watermark, not the last stable offset: an open transaction's records reached the broker and are
    // not loaded yet, so a partition holding one is not caught up.
    const latest = range.highWatermark ?? range.latest;
    const caughtUp = (committedOffset ?? earliest) >= latest;
    const maxEventTime = summary?.maxEventTime ?? null;
    let watermark = maxEventTime === null ? null : Math.min(maxEventTime, checkedAt);
    if (caughtUp && job.completeness.idlePartitions === 'advance') watermark = checkedAt;
    result.push({ partition, committedOffset, earliestOffset: earliest, highWatermark: latest, caughtUp, maxEventTime, watermark });
  }
  return result;
}

/** The smallest partition watermark; null when any partition's is unknown or the topic has none. */
export function lowWatermark(partitions: PartitionWatermark[]): number | null {
  if (partitions.length === 0 || partitions.some((p) => p.watermark === null)) return null;
  return Math.min(...partitions.map((p) => p.watermark!));
}

export interface HourSpan<P = HourPartition> {
  partition: P;
  /** "2026-11-21T05", as in CommittedFile.hour ("2026-11-21" for a day, "2026-11-21T05:30" for a minute) */
  key: string;
  start: number;
  end: number;
}

/** What `hourAt` walks: hour partitions (`HourPartitioner`) or any template's (`TimePartitioner`). */
export interface TimeBuckets<P> {
  partitionOf(timestamp: number): P;
  keyOf(partition: P): string;
  /** Partition bounds are multiples of it: zone offsets are whole quarter hours. */
  readonly stepMs: number;
}

/**
 * The time partition (an hour directory by default) an instant falls in, with the instants it starts and ends at.
 * Zone offsets are whole quarter hours, so the bounds are found quarter by quarter (minute by minute for minute
 * partitions); a repeated hour at the end of summer time is one directory covering two hours.
 */
export function hourAt<P>(partitioner: TimeBuckets<P>, instant: number): HourSpan<P> {
  const step = partitioner.stepMs;
  const partition = partitioner.partitionOf(instant);
  const key = partitioner.keyOf(partition);
  const inIt = (t: number) => partitioner.keyOf(partitioner.partitionOf(t)) === key;
  let start = Math.floor(instant / step) * step;
  while (inIt(start - 1)) start -= step;
  let end = start + step;
  while (inIt(end)) end += step;
  // A clock set back by an hour off the hour (Pacific/Chatham: 03:45 -> 02:45) shows an hour twice with another
  // in between: the span runs from its first stretch's start to its last stretch's end.
  for (let t = start - REPEAT_WINDOW_MS; t < start; t += step) {
    if (inIt(t)) {
      start = t;
      break;
    }
  }
  for (let t = end + REPEAT_WINDOW_MS - step; t >= end; t -= step) {
    if (inIt(t)) {
      end = t + step;
      break;
    }
  }
  return { partition, key, start, end };
}

/** The newest time partition whose end plus the delay the low watermark has reached (inclusive). */
export function lastCompleteHour<P>(partitioner: TimeBuckets<P>, low: number, delaySeconds: number): HourSpan<P> {
  const cutoff = low - delaySeconds * 1000;
  let hour = hourAt(partitioner, hourAt(partitioner, cutoff).start - 1);
  while (hour.end > cutoff) hour = hourAt(partitioner, hour.start - 1); // an hour that comes again after the cutoff
  return hour;
}

/**
 * The `_SUCCESS` of a time partition (`key`) in a format tree, under a field prefix (`country=US/`; '' for a
 * template without fields).
 */
export function markerPath(job: JobDefinition, key: string, format: string, fieldPrefix = ''): string {
  return markerPathIn(job.output.formats, `${fieldPrefix}${timeKeyPath(job.output.partitioning, key)}`, format);
}

async function isMarked(job: JobDefinition, table: TableReader, key: string, format: string, fieldPrefix: string): Promise<boolean> {
  return (await table.sink.status(table.path(markerPath(job, key, format, fieldPrefix)))) !== null;
}

/** Marked in every format tree under every field prefix. */
async function markedEverywhere(job: JobDefinition, table: TableReader, key: string, prefixes: readonly string[]): Promise<boolean> {
  for (const format of job.output.formats) {
    for (const prefix of prefixes) if (!(await isMarked(job, table, key, format, prefix))) return false;
  }
  return true;
}

async function markedSomewhere(job: JobDefinition, table: TableReader, key: string, prefixes: readonly string[]): Promise<boolean> {
  for (const prefix of prefixes) if (await isMarked(job, table, key, job.output.formats[0], prefix)) return true;
  return false;
}

/** The field prefixes of the table (from its first format tree): a time partition's marker goes under each. */
function fieldPrefixes(job: JobDefinition, table: TableReader): Promise<string[]> {
  const root = formatRoot(job.output.formats, job.output.formats[0]).replace(/\/$/, '');
  return listFieldPrefixes(table.sink, table.path(root), job.output.partitioning);
}

export interface CompletenessOutcome {
  lowWatermark: number | null;
  /** Newest hour the low watermark completes, whether or not data reached it. */
  completeThrough: string | null;
  /** Hours marked by this call, oldest first. */
  marked: string[];
  /** Hours this run wrote that were already marked before it. */
  reopened: string[];
  /** Complete hours left unmarked because a retention gap not yet acknowledged may touch them (`gaps.ts`). */
  held: string[];
}

/** The table's oldest and newest hours with data; null when it has none. */
function dataHourBounds(summaries: Map<number, PartitionSummary>): { first: string; last: string } | null {
  const firsts = [...summaries.values()].map((s) => s.firstHour).filter((h): h is string => h !== null).sort();
  const lasts = [...summaries.values()].map((s) => s.lastHour).filter((h): h is string => h !== null).sort();
  return firsts.length === 0 ? null : { first: firsts[0], last: lasts[lasts.length - 1] };
}

/**
 * Writes `_SUCCESS` in every format tree for each hour the low watermark completes, from the table's first hour
 * with data to its newest one; an hour without data in between gets a directory holding only the marker. Hours are
 * found from the newest complete one down to the newest already marked, and marked oldest first, so a crash leaves
 * the marked hours a prefix that the next run extends. Markers are never rewritten: late data into a marked hour
 * is reported in `reopened` (checked before marking) and the marker stays.
 */
export async function markCompleteHours(
  job: JobDefinition, table: TableStore, source: PartitionOffsets, runId: string, summaries: Map<number, PartitionSummary>, hoursWrittenByRun: string[],
  gaps: { held: ReadonlySet<string>; released: readonly string[] } = { held: new Set(), released: [] },
): Promise<CompletenessOutcome> {
  const checkedAt = Date.now();
  const prefixes = await fieldPrefixes(job, table);
  const reopened: string[] = [];
  for (const key of [...new Set(hoursWrittenByRun)].sort()) if (await markedSomewhere(job, table, key, prefixes)) reopened.push(key);
  const low = lowWatermark(await partitionWatermarks(job, source, summaries, checkedAt));
  const bounds = dataHourBounds(summaries);
  if (low === null || bounds === null) return { lowWatermark: low, completeThrough: null, marked: [], reopened, held: [] };
  const partitioner = new TimePartitioner(job.output.partitioning, job.time.timezone);
  const top = lastCompleteHour(partitioner, low, job.completeness.delaySeconds);
  const { first, last } = bounds;
  const toMark: string[] = [];
  let hour = top;
  while (hour.key > last) hour = hourAt(partitioner, hour.start - 1);
  while (hour.key >= first && !(await markedEverywhere(job, table, hour.key, prefixes))) {
    toMark.push(hour.key);
    hour = hourAt(partitioner, hour.start - 1);
  }
  // Late data older than the newest marked hour, into an hour never marked (before the table's first hour, say),
  // and hours an acknowledged gap no longer holds (the walk stopped above them at an hour marked meanwhile).
  for (const key of [...hoursWrittenByRun, ...gaps.released]) {
    if (key <= top.key && !toMark.includes(key) && !(await markedEverywhere(job, table, key, prefixes))) toMark.push(key);
  }
  const held = toMark.filter((key) => gaps.held.has(key)).sort();
  toMark.splice(0, toMark.length, ...toMark.filter((key) => !gaps.held.has(key)));
  toMark.sort();
  const body = (key: string) => Buffer.from(JSON.stringify({
    job: job.name, hour: key, lowWatermark: new Date(low).toISOString(), delaySeconds: job.completeness.delaySeconds, runId, markedAt: new Date(checkedAt).toISOString(),
  }) + '\n');
  for (const key of toMark) {
    for (const format of job.output.formats) {
      for (const prefix of prefixes) {
        try {
          await table.sink.writeFile(table.path(markerPath(job, key, format, prefix)), body(key));
        } catch (error) {
          if (!(error instanceof SinkFileExistsError)) throw error;
        }
      }
    }
  }
  return { lowWatermark: low, completeThrough: top.key, marked: toMark, reopened, held };
}

export interface HourDirectory {
  key: string;
  complete: boolean;
  /** Holds at least one file besides the marker. */
  hasData: boolean;
}

/**
 * The time partitions of the job's first format tree, oldest first, read from the sink. Under field directories a
 * time partition is complete when each of its directories holds the marker.
 */
export async function hourDirectories(job: JobDefinition, table: TableReader): Promise<HourDirectory[]> {
  const root = formatRoot(job.output.formats, job.output.formats[0]).replace(/\/$/, '');
  const byKey = new Map<string, HourDirectory>();
  for (const dir of await listPartitionDirectories(table.sink, table.path(root), job.output.partitioning)) {
    const names = (await table.sink.list(dir.sinkPath)).map((e) => e.path.slice(e.path.lastIndexOf('/') + 1));
    const complete = names.includes(SUCCESS_MARKER);
    const hasData = names.some((n) => n !== SUCCESS_MARKER);
    const seen = byKey.get(dir.key);
    byKey.set(dir.key, seen ? { key: dir.key, complete: seen.complete && complete, hasData: seen.hasData || hasData } : { key: dir.key, complete, hasData });
  }
  return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
}
