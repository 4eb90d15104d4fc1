import { strict as assert } from 'node:assert';
import { addCheckpoints, emptySummary } from '../../src/table/partition-index';
import { GapOffsetsError, gapHours, hoursTouched, lostCheckpoint, parseOffsets, summaryGaps } from '../../src/table/gaps';
import { HourPartitioner } from '../../src/table/layout';
import type { GapAcknowledgement, RangeCheckpoint } from '../../src/table/records';
import type { JobDefinition } from '../../src/job/job-definition';
import { DEFAULT_PARTITIONING, parsePartitionTemplate } from '../../src/table/partition-template';

const T = Date.parse('2026-11-21T05:20:00Z');
const HOUR = 3_600_000;
const loaded = (start: number, end: number, maxEventTime: number, hour: string): RangeCheckpoint => ({
  partition: 3, start, end, runId: `run-${start}`, committedAt: new Date().toISOString(), records: end - start, badRecords: 0, maxEventTime,
  files: [{ path: `dt=${hour.slice(0, 10)}/hr=${hour.slice(11)}/t+3+${start}+${end}+0.avro`, format: 'avro', hour, records: end - start, bytes: 10 }],
});
const lost = (start: number, end: number, eventTimeTo: number) => lostCheckpoint(3, { start, end }, `run-${start}`, new Date().toISOString(), { seenAt: '2026-11-21T09:00:00.000Z', eventTimeFrom: T, eventTimeTo });
const ack = (start: number, end: number): GapAcknowledgement => ({ job: 'j', partition: 3, start, end, offsets: `${start}..${end - 1}`, acknowledgedBy: 'ops', host: 'h', acknowledgedAt: '2026-11-21T10:00:00.000Z' });
const jobIn = (timezone: string, onGap: 'hold' | 'mark') => ({ time: { timezone }, completeness: { onGap }, output: { partitioning: parsePartitionTemplate(DEFAULT_PARTITIONING) } }) as unknown as JobDefinition;

describe('retention gaps (gaps.ts)', () => {
  // Loaded 0-5, two runs each finding the log start moved on with nothing loaded between (5-10, 10-15), loaded
  // 15-20, a hole an older sluice left (20-25), loaded 25-30.
  const summary = addCheckpoints(emptySummary(3), [
    loaded(0, 5, T, '2026-11-21T05'), lost(5, 10, T + HOUR), lost(10, 15, T + 2 * HOUR), loaded(15, 20, T + 2 * HOUR, '2026-11-21T07'), loaded(25, 30, T + 3 * HOUR, '2026-11-21T08'),
  ]);

  it('merges adjacent lost checkpoints into one gap, lists holes between checkpoints, and matches acknowledgements that cover them', () => {
    assert.deepEqual(summary.lost.map((l) => [l.start, l.end, l.count]), [[5, 10, 5], [10, 15, 5]]);
    const gaps = summaryGaps(summary, []);
    assert.deepEqual(gaps.map((g) => [g.start, g.end, g.count, g.lost?.eventTimeTo ?? null, g.acknowledgement]), [[5, 15, 10, T + 2 * HOUR, null], [20, 25, 5, null, null]]);
    const acked = summaryGaps(summary, [ack(5, 15), ack(20, 24)]);
    assert.equal(acked[0].acknowledgement?.acknowledgedBy, 'ops');
    assert.equal(acked[1].acknowledgement, null, 'an acknowledgement must cover the whole gap');
  });

  it('holds the hours from the latest event time before the gap to the Kafka timestamp after it, in the job zone, until acknowledged', () => {
    const utc = new HourPartitioner('UTC');
    assert.deepEqual(hoursTouched(utc, { seenAt: '', eventTimeFrom: T, eventTimeTo: T + 2 * HOUR }, null), ['2026-11-21T05', '2026-11-21T06', '2026-11-21T07']);
    assert.deepEqual(hoursTouched(utc, { seenAt: '', eventTimeFrom: T + HOUR, eventTimeTo: T }, null), ['2026-11-21T05', '2026-11-21T06'], 'a clock running backwards: the span between both');
    assert.deepEqual(hoursTouched(utc, { seenAt: '', eventTimeFrom: null, eventTimeTo: T + HOUR }, '2026-11-21T03'), ['2026-11-21T03', '2026-11-21T04', '2026-11-21T05', '2026-11-21T06'], 'no event time before: from the first hour with data');
    assert.deepEqual(hoursTouched(new HourPartitioner('Asia/Kolkata'), { seenAt: '', eventTimeFrom: T, eventTimeTo: T + HOUR }, null), ['2026-11-21T10', '2026-11-21T11']);

    const summaries = new Map([[3, summary]]);
    assert.deepEqual([...gapHours(jobIn('UTC', 'hold'), summaries, []).held], ['2026-11-21T05', '2026-11-21T06', '2026-11-21T07'], 'the hole holds nothing: nothing is known of it');
    const released = gapHours(jobIn('UTC', 'hold'), summaries, [ack(5, 15)]);
    assert.deepEqual([[...released.held], released.released], [[], ['2026-11-21T05', '2026-11-21T06', '2026-11-21T07']]);
    assert.deepEqual(gapHours(jobIn('UTC', 'mark'), summaries, []).held.size, 0);
  });

  it('reads --offsets as first..last, both included', () => {
    assert.deepEqual(parseOffsets('5..14'), { start: 5, end: 15 });
    assert.deepEqual(parseOffsets(' 7 .. 7 '), { start: 7, end: 8 });
    for (const bad of ['14..5', '5-14', '5..', 'a..b', '-1..3']) assert.throws(() => parseOffsets(bad), GapOffsetsError, bad);
  });
});
