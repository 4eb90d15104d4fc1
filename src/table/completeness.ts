import { SinkFileExistsError } from '../ports/sink';
import type { JobDefinition } from '../job/job-definition';
import { HourPartition, HourPartitioner, SUCCESS_MARKER, formatRoot, hourKeyPath, markerPath as markerPathIn } from './layout';
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

const QUARTER_MS = 900_000;
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

export interface HourSpan {
  partition: HourPartition;
  /** "2026-11-21T05", as in CommittedFile.hour */
  key: string;
  start: number;
  end: number;
}

/**
 * The hour directory an instant falls in, with the instants it starts and ends at. Zone offsets are whole
 * quarter hours, so the bounds are found quarter by quarter; a repeated hour at the end of summer time is
 * one directory covering two hours.
 */
export function hourAt(partitioner: HourPartitioner, instant: number): HourSpan {
  const partition = partitioner.partitionOf(instant);
  let start = Math.floor(instant / QUARTER_MS) * QUARTER_MS;
  while (partitioner.partitionOf(start - 1) === partition) start -= QUARTER_MS;
  let end = start + QUARTER_MS;
  while (partitioner.partitionOf(end) === partition) end += QUARTER_MS;
  // A clock set back by an hour off the hour (Pacific/Chatham: 03:45 -> 02:45) shows an hour twice with another
  // in between: the span runs from its first stretch's start to its last stretch's end.
  for (let t = start - REPEAT_WINDOW_MS; t < start; t += QUARTER_MS) {
    if (partitioner.partitionOf(t) === partition) {
      start = t;
      break;
    }
  }
  for (let t = end + REPEAT_WINDOW_MS - QUARTER_MS; t >= end; t -= QUARTER_MS) {
    if (partitioner.partitionOf(t) === partition) {
      end = t + QUARTER_MS;
      break;
    }
  }
  return { partition, key: `${partition.dt}T${partition.hr}`, start, end };
}

/** The newest hour whose end plus the delay the low watermark has reached (inclusive). */
export function lastCompleteHour(partitioner: HourPartitioner, low: number, delaySeconds: number): HourSpan {
  const cutoff = low - delaySeconds * 1000;
  let hour = hourAt(partitioner, hourAt(partitioner, cutoff).start - 1);
  while (hour.end > cutoff) hour = hourAt(partitioner, hour.start - 1); // an hour that comes again after the cutoff
  return hour;
}

export function markerPath(job: JobDefinition, key: string, format: string): string {
  return markerPathIn(job.output.formats, key, format);
}

async function isMarked(job: JobDefinition, table: TableReader, key: string, format: string): Promise<boolean> {
  return (await table.sink.status(table.path(markerPath(job, key, format)))) !== null;
}

async function markedEverywhere(job: JobDefinition, table: TableReader, key: string): Promise<boolean> {
  for (const format of job.output.formats) if (!(await isMarked(job, table, key, format))) return false;
  return true;
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
  const [firstFormat] = job.output.formats;
  const reopened: string[] = [];
  for (const key of [...new Set(hoursWrittenByRun)].sort()) if (await isMarked(job, table, key, firstFormat)) reopened.push(key);
  const low = lowWatermark(await partitionWatermarks(job, source, summaries, checkedAt));
  const bounds = dataHourBounds(summaries);
  if (low === null || bounds === null) return { lowWatermark: low, completeThrough: null, marked: [], reopened, held: [] };
  const partitioner = new HourPartitioner(job.time.timezone);
  const top = lastCompleteHour(partitioner, low, job.completeness.delaySeconds);
  const { first, last } = bounds;
  const toMark: string[] = [];
  let hour = top;
  while (hour.key > last) hour = hourAt(partitioner, hour.start - 1);
  while (hour.key >= first && !(await markedEverywhere(job, table, hour.key))) {
    toMark.push(hour.key);
    hour = hourAt(partitioner, hour.start - 1);
  }
  // Late data older than the newest marked hour, into an hour never marked (before the table's first hour, say),
  // and hours an acknowledged gap no longer holds (the walk stopped above them at an hour marked meanwhile).
  for (const key of [...hoursWrittenByRun, ...gaps.released]) {
    if (key <= top.key && !toMark.includes(key) && !(await markedEverywhere(job, table, key))) toMark.push(key);
  }
  const held = toMark.filter((key) => gaps.held.has(key)).sort();
  toMark.splice(0, toMark.length, ...toMark.filter((key) => !gaps.held.has(key)));
  toMark.sort();
  const body = (key: string) => Buffer.from(JSON.stringify({
    job: job.name, hour: key, lowWatermark: new Date(low).toISOString(), delaySeconds: job.completeness.delaySeconds, runId, markedAt: new Date(checkedAt).toISOString(),
  }) + '\n');
  for (const key of toMark) {
    for (const format of job.output.formats) {
      try {
        await table.sink.writeFile(table.path(markerPath(job, key, format)), body(key));
      } catch (error) {
        if (!(error instanceof SinkFileExistsError)) throw error;
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

/** The hour directories of the job's first format tree, oldest first, read from the sink. */
export async function hourDirectories(job: JobDefinition, table: TableReader): Promise<HourDirectory[]> {
  const root = formatRoot(job.output.formats, job.output.formats[0]).replace(/\/$/, '');
  const result: HourDirectory[] = [];
  for (const day of await table.sink.list(table.path(root))) {
    const dt = /\/dt=(\d{4}-\d{2}-\d{2})$/.exec(day.path)?.[1];
    if (day.type !== 'directory' || !dt) continue;
    for (const hourDir of await table.sink.list(day.path)) {
      const hr = /\/hr=(\d{2})$/.exec(hourDir.path)?.[1];
      if (hourDir.type !== 'directory' || !hr) continue;
      const names = (await table.sink.list(hourDir.path)).map((e) => e.path.slice(e.path.lastIndexOf('/') + 1));
      result.push({ key: `${dt}T${hr}`, complete: names.includes(SUCCESS_MARKER), hasData: names.some((n) => n !== SUCCESS_MARKER) });
    }
  }
  return result.sort((a, b) => a.key.localeCompare(b.key));
}
