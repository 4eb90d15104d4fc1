// Retention gaps: offsets deleted by retention before any run loaded them, recorded as `lost` checkpoints so the
// offsets still tile, held out of `_SUCCESS` until acknowledged (`sluice ack-gap`), and reported by verify and status.
import type { JobDefinition } from '../job/job-definition';
import { hourAt, TimeBuckets } from './completeness';
import { TimePartitioner } from './time-partitions';
import type { OffsetSpan, PartitionSummary } from './partition-index';
import type { GapAcknowledgement, LostOffsets, RangeCheckpoint } from './records';

/** One gap of a partition: adjacent lost checkpoints as one, or a hole between checkpoints no checkpoint records. */
export interface RetentionGap extends OffsetSpan {
  partition: number;
  /** end - start: the offsets gone (records, and any transaction markers among them). */
  count: number;
  /** What the lost checkpoints recorded; null for a hole left by a sluice that did not record gaps. */
  lost: Omit<LostOffsets, 'count'> | null;
  acknowledgement: GapAcknowledgement | null;
}

/** `--offsets A..B` could not be read. */
export class GapOffsetsError extends Error {
  constructor(readonly text: string) {
    super(`--offsets ${text}: expected FIRST..LAST, the gap's first and last offsets (both included), e.g. 120..449`);
    this.name = 'GapOffsetsError';
  }
}

/** Offsets as people read them: first..last, both included (`end` is exclusive, as in checkpoints). */
export function describeOffsets(span: OffsetSpan): string {
  return `${span.start}..${span.end - 1}`;
}

export function parseOffsets(text: string): OffsetSpan {
  const match = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(text);
  if (!match) throw new GapOffsetsError(text);
  const [first, last] = [Number(match[1]), Number(match[2])];
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last < first) throw new GapOffsetsError(text);
  return { start: first, end: last + 1 };
}

/** The checkpoint a run commits for offsets it found deleted: no records, no files, only what is known of them. */
export function lostCheckpoint(partition: number, span: OffsetSpan, runId: string, committedAt: string, lost: Omit<LostOffsets, 'count'>): RangeCheckpoint {
  return {
    partition, start: span.start, end: span.end, runId, committedAt, records: 0, badRecords: 0, skippedOffsets: 0, files: [],
    kind: 'lost', lost: { count: span.end - span.start, ...lost },
  };
}

const covers = (ack: GapAcknowledgement, span: OffsetSpan) => ack.start <= span.start && span.end <= ack.end;

/**
 * The gaps of one partition from its committed ranges (in offset order): lost checkpoints, adjacent ones merged
 * (two runs that each found the log start moved on with nothing loaded between), and holes no checkpoint covers.
 */
export function partitionGaps(partition: number, ranges: readonly (OffsetSpan & { lost?: LostOffsets | null })[], acks: readonly GapAcknowledgement[]): RetentionGap[] {
  const gaps: RetentionGap[] = [];
  const mine = acks.filter((a) => a.partition === partition);
  const add = (span: OffsetSpan, lost: Omit<LostOffsets, 'count'> | null) => {
    const last = gaps[gaps.length - 1];
    if (last && last.lost && lost && last.end === span.start) {
      last.end = span.end;
      last.count = last.end - last.start;
      last.lost = { seenAt: last.lost.seenAt, eventTimeFrom: last.lost.eventTimeFrom, eventTimeTo: Math.max(last.lost.eventTimeTo, lost.eventTimeTo) };
      return;
    }
    gaps.push({ partition, start: span.start, end: span.end, count: span.end - span.start, lost, acknowledgement: null });
  };
  let expected: number | null = null;
  for (const range of ranges) {
    if (expected !== null && range.start > expected) add({ start: expected, end: range.start }, null);
    if (range.lost) add(range, { seenAt: range.lost.seenAt, eventTimeFrom: range.lost.eventTimeFrom, eventTimeTo: range.lost.eventTimeTo });
    expected = Math.max(expected ?? range.end, range.end);
  }
  for (const gap of gaps) gap.acknowledgement = mine.find((a) => covers(a, gap)) ?? null;
  return gaps;
}

/** A partition's gaps from its index summary (what status, ack-gap and the markers use; verify reads checkpoints). */
export function summaryGaps(summary: PartitionSummary, acks: readonly GapAcknowledgement[]): RetentionGap[] {
  const spans: (OffsetSpan & { lost?: LostOffsets })[] = summary.ranges.map((r) => ({ start: r.start, end: r.end }));
  // The index merges touching ranges, so lost spans sit inside them: list them as ranges of their own.
  const pieces: (OffsetSpan & { lost?: LostOffsets })[] = [];
  for (const span of spans) {
    let at = span.start;
    for (const lost of summary.lost.filter((l) => l.start >= span.start && l.end <= span.end)) {
      if (lost.start > at) pieces.push({ start: at, end: lost.start });
      pieces.push({ start: lost.start, end: lost.end, lost: { count: lost.count, seenAt: lost.seenAt, eventTimeFrom: lost.eventTimeFrom, eventTimeTo: lost.eventTimeTo } });
      at = lost.end;
    }
    if (at < span.end) pieces.push({ start: at, end: span.end });
  }
  return partitionGaps(summary.partition, pieces, acks);
}

/** At most a year of hours per gap: a bound for a gap whose lower event time is unknown on a table of long history. */
const MAX_HOURS_PER_GAP = 366 * 24;

/**
 * The hour keys a gap's lost records may fall in: every hour from the one holding `eventTimeFrom` (the latest event
 * time loaded from the partition before the gap) to the one holding `eventTimeTo` (the Kafka timestamp of the first
 * record kept after it), both included. With no event time before the gap, from the table's first hour with data.
 */
export function hoursTouched<P>(partitioner: TimeBuckets<P>, lost: Omit<LostOffsets, 'count'>, firstDataHour: string | null): string[] {
  const from = lost.eventTimeFrom === null ? null : Math.min(lost.eventTimeFrom, lost.eventTimeTo);
  const to = lost.eventTimeFrom === null ? lost.eventTimeTo : Math.max(lost.eventTimeFrom, lost.eventTimeTo);
  const lowest = from === null ? firstDataHour : hourAt(partitioner, from).key;
  const keys: string[] = [];
  let hour = hourAt(partitioner, to);
  while (keys.length < MAX_HOURS_PER_GAP) {
    keys.push(hour.key);
    if (lowest === null || hour.key <= lowest) break;
    hour = hourAt(partitioner, hour.start - 1);
  }
  return keys.reverse();
}

export interface GapHours {
  /** Hours an unacknowledged gap may touch: no `_SUCCESS` for them while `completeness.onGap` is "hold". */
  held: Set<string>;
  /** Hours only acknowledged gaps touch: marked as soon as the low watermark has passed them. */
  released: string[];
}

/** Which hours the table's gaps hold back from `_SUCCESS`, and which acknowledged gaps let go. */
export function gapHours(job: JobDefinition, summaries: Map<number, PartitionSummary>, acks: readonly GapAcknowledgement[]): GapHours {
  // Time partitions of the job's template (days, hours or minutes): the keys its markers go by.
  const partitioner = new TimePartitioner(job.output.partitioning, job.time.timezone);
  const firsts = [...summaries.values()].map((s) => s.firstHour).filter((h): h is string => h !== null).sort();
  const held = new Set<string>();
  const touchedByAcknowledged = new Set<string>();
  for (const summary of summaries.values()) {
    for (const gap of summaryGaps(summary, acks)) {
      if (!gap.lost) continue; // a hole from before gaps were recorded: nothing is known of its times
      const hours = hoursTouched(partitioner, gap.lost, firsts[0] ?? null);
      for (const key of hours) (gap.acknowledgement || job.completeness.onGap === 'mark' ? touchedByAcknowledged : held).add(key);
    }
  }
  return { held, released: [...touchedByAcknowledged].filter((key) => !held.has(key)).sort() };
}
