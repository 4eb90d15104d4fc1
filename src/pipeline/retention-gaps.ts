import type { RecordSource } from '../ports/record-source';
import type { OffsetSpan } from '../table/partition-index';
import type { LostOffsets, PlannedRange, RangeCheckpoint } from '../table/records';
import type { TableStore } from '../table/table';
import { describeOffsets, lostCheckpoint } from '../table/gaps';

/** Offsets a scheduled run's plan steps over because retention deleted them before any run loaded them. */
export interface FoundGap {
  partition: number;
  span: OffsetSpan;
  lost: Omit<LostOffsets, 'count'>;
}

/** The Kafka timestamp of the record at `offset`, or null when none can be read there (a marker, an empty log). */
async function kafkaTimestampAt(source: RecordSource, partition: number, offset: number): Promise<number | null> {
  let timestamp: number | null = null;
  await source.read(partition, offset, offset + 1, (records) => {
    timestamp ??= records.length > 0 ? records.timestamps[0] : null;
  }, undefined, {
    onUndecodable: (batch) => {
      if (batch.timestamp >= 0) timestamp ??= batch.timestamp;
    },
  });
  return timestamp !== null && timestamp >= 0 ? timestamp : null;
}

/**
 * For each planned range that starts past its partition's committed offset (the planner moved it to the log start),
 * the offsets in between, with the event times their records may have had. The records are gone, so the span is
 * bounded from what is left: below by the latest event time the partition loaded before them (unknown when none had
 * one), above by the Kafka timestamp of the first record kept after them (an event happens before its record reaches
 * Kafka, and offsets follow arrival), or the time the gap was seen when nothing is kept.
 */
export async function findRetentionGaps(table: TableStore, source: RecordSource, plan: readonly PlannedRange[], seenAt = new Date()): Promise<FoundGap[]> {
  const gaps: FoundGap[] = [];
  for (const range of plan) {
    const summary = await table.partitionSummary(range.partition);
    if (summary.committedOffset === null || range.start <= summary.committedOffset) continue;
    const keptAfter = range.end > range.start ? await kafkaTimestampAt(source, range.partition, range.start) : null;
    gaps.push({
      partition: range.partition,
      span: { start: summary.committedOffset, end: range.start },
      lost: { seenAt: seenAt.toISOString(), eventTimeFrom: summary.maxEventTime, eventTimeTo: keptAfter ?? seenAt.getTime() },
    });
  }
  return gaps;
}

export function lostCheckpoints(gaps: readonly FoundGap[], runId: string, committedAt: string): RangeCheckpoint[] {
  return gaps.map((gap) => lostCheckpoint(gap.partition, gap.span, runId, committedAt, gap.lost));
}

/** Lost checkpoints among a run's committed ranges: a run that committed any "loaded with gaps" (exit status 3). */
export function lostRanges(committed: readonly RangeCheckpoint[]): RangeCheckpoint[] {
  return committed.filter((r) => r.kind === 'lost');
}

export function describeLost(range: PlannedRange): string {
  const count = range.end - range.start;
  return `partition ${range.partition}: offsets ${describeOffsets(range)} lost to retention (${count} ${count === 1 ? 'offset' : 'offsets'} deleted before they were loaded)`;
}
