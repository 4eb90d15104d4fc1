import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { PartitionLog } from '../../src/log/partition-log';
import { DEFAULT_LOG_CONFIG, LogConfig } from '../../src/log/log-config';
import { InvalidBatchError, OffsetOutOfRangeError } from '../../src/log/errors';
import { KafkaErrors } from '../../src/protocol/error-codes';
import { buildRecordBatch, decodeRecords } from '../../src/protocol/records';
import { CRC_POS, MAGIC_POS, LAST_OFFSET_DELTA_POS, readBatchHeader } from '../../src/protocol/record-batch';
import { makeBatch } from '../helpers/batches';
import { useTempDir } from '../helpers/temp-dir';

function config(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, indexIntervalBytes: 64, ...overrides };
}

function allRecords(log: PartitionLog, from = log.logStartOffset) {
  const out = [];
  let offset = from;
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 1 << 20);
    let pos = 0;
    while (pos < records.length) {
      const header = readBatchHeader(records, pos);
      out.push(...decodeRecords(records, pos).filter((r) => r.offset >= offset));
      pos += header.batchLength + 12;
    }
    offset = out[out.length - 1].offset + 1;
  }
  return out;
}

describe('partition log', () => {
  const tmp = useTempDir();

  it('assigns contiguous offsets and returns the base offset and append time', () => {
    let clock = 123_000;
    const log = PartitionLog.open(tmp(), config(), { now: () => clock });
    const first = log.append(makeBatch('a', 3));
    clock = 124_000;
    const second = log.append(Buffer.concat([makeBatch('b', 2), makeBatch('c', 4)]));
    assert.deepEqual(first, { baseOffset: 0, lastOffset: 2, recordCount: 3, appendTime: 123_000, logAppendTimeMs: -1, logStartOffset: 0 });
    assert.deepEqual(second, { baseOffset: 3, lastOffset: 8, recordCount: 6, appendTime: 124_000, logAppendTimeMs: -1, logStartOffset: 0 });
    assert.equal(log.logEndOffset, 9);
    assert.equal(log.highWatermark, 9);
    assert.deepEqual(allRecords(log).map((r) => `${r.offset}=${r.value}`), [
      '0=a:0', '1=a:1', '2=a:2', '3=b:0', '4=b:1', '5=c:0', '6=c:1', '7=c:2', '8=c:3',
    ]);
    log.close();
  });

  it('stores the producer batch bytes exactly, but for the base offset', () => {
    const log = PartitionLog.open(tmp(), config());
    log.append(makeBatch('x', 2));
    const sent = makeBatch('y', 3);
    const original = Buffer.from(sent);
    log.append(sent);
    const stored = log.read(2, 1 << 20).records;
    assert.equal(stored.readBigInt64BE(0), 2n);
    assert.deepEqual(stored.subarray(8), original.subarray(8));
    log.close();
  });

  const rejections: [string, (b: Buffer) => Buffer, number][] = [
    ['a bad CRC', (b) => (b.writeUInt32BE((b.readUInt32BE(CRC_POS) ^ 1) >>> 0, CRC_POS), b), KafkaErrors.CORRUPT_MESSAGE.code],
    ['a flipped payload byte', (b) => ((b[b.length - 3] ^= 0x40), b), KafkaErrors.CORRUPT_MESSAGE.code],
    ['magic 1', (b) => (b.writeInt8(1, MAGIC_POS), b), KafkaErrors.CORRUPT_MESSAGE.code],
    ['lastOffsetDelta + 1 ≠ recordsCount', (b) => (b.writeInt32BE(5, LAST_OFFSET_DELTA_POS), b), KafkaErrors.CORRUPT_MESSAGE.code],
    ['a truncated batch', (b) => b.subarray(0, b.length - 1), KafkaErrors.CORRUPT_MESSAGE.code],
    ['a batch over max.message.bytes', () => makeBatch('big', 50, { valueBytes: 100 }), KafkaErrors.MESSAGE_TOO_LARGE.code],
  ];
  for (const [what, spoil, code] of rejections) {
    it(`rejects ${what} with Kafka error ${code} and leaves the log as it was`, () => {
      const log = PartitionLog.open(tmp(), config({ maxMessageBytes: 2000 }));
      log.append(makeBatch('ok', 2));
      const before = fs.readdirSync(tmp()).map((f) => [f, fs.statSync(`${tmp()}/${f}`).size]);
      const good = makeBatch('good', 2);
      assert.throws(
        () => log.append(Buffer.concat([good, spoil(makeBatch('bad', 2))])),
        (e: unknown) => e instanceof InvalidBatchError && e.code === code && e.batchIndex === 1 && e.bytePosition === good.length,
      );
      assert.deepEqual(fs.readdirSync(tmp()).map((f) => [f, fs.statSync(`${tmp()}/${f}`).size]), before);
      assert.equal(log.logEndOffset, 2);
      assert.equal(log.append(makeBatch('next', 1)).baseOffset, 2);
      log.close();
    });
  }

  it('answers OFFSET_OUT_OF_RANGE outside [log start, log end] and nothing at the end', () => {
    const log = PartitionLog.open(tmp(), config());
    log.append(makeBatch('a', 5));
    assert.equal(log.read(5, 100).records.length, 0);
    assert.throws(() => log.read(6, 100), (e: unknown) => e instanceof OffsetOutOfRangeError && e.code === 1);
    assert.throws(() => log.read(-1, 100), OffsetOutOfRangeError);
    log.close();
  });

  it('rolls a new segment by size and reads across segments', () => {
    const log = PartitionLog.open(tmp(), config({ segmentBytes: 1000 }));
    for (let b = 0; b < 30; b++) log.append(makeBatch(`b${b}`, 4, { valueBytes: 20 }));
    const segments = log.describeSegments();
    assert.ok(segments.length >= 5, `${segments.length} segments`);
    for (let i = 1; i < segments.length; i++) assert.equal(segments[i].baseOffset, segments[i - 1].nextOffset);
    assert.ok(segments.every((s) => s.size <= 1000));
    assert.deepEqual(fs.readdirSync(tmp()).filter((f) => f.endsWith('.log')).sort()[1], `${String(segments[1].baseOffset).padStart(20, '0')}.log`);
    assert.deepEqual(allRecords(log).map((r) => r.offset), Array.from({ length: 120 }, (_, i) => i));
    log.close();
  });

  it('rolls by age of the first batch (segment.ms)', () => {
    const log = PartitionLog.open(tmp(), config({ segmentMs: 60_000 }));
    log.append(makeBatch('a', 1, { timestamp: 1_000_000 }));
    log.append(makeBatch('b', 1, { timestamp: 1_050_000 }));
    assert.equal(log.segmentCount, 1);
    log.append(makeBatch('c', 1, { timestamp: 1_060_001 }));
    assert.deepEqual(log.describeSegments().map((s) => s.baseOffset), [0, 2]);
    log.close();
  });

  it('deletes whole segments past retention.ms and advances the log start offset', () => {
    let clock = 2_000_000;
    const log = PartitionLog.open(tmp(), config({ segmentBytes: 600, retentionMs: 100_000 }), { now: () => clock });
    for (let b = 0; b < 12; b++) log.append(makeBatch(`b${b}`, 2, { valueBytes: 50, timestamp: 1_000_000 + b * 50_000 }));
    const before = log.describeSegments();
    clock = 1_000_000 + 5 * 50_000 + 100_001; // batches 0..5 are now past retention
    const deleted = log.enforceRetention();
    const after = log.describeSegments();
    assert.equal(after.length, before.length - deleted);
    assert.ok(deleted > 0);
    assert.ok(log.logStartOffset > 0 && log.logStartOffset <= 12, `start ${log.logStartOffset}`);
    assert.equal(log.logStartOffset, after[0].baseOffset);
    assert.throws(() => log.read(0, 100), OffsetOutOfRangeError);
    assert.equal(allRecords(log)[0].offset, log.logStartOffset);
    clock = 1e12;
    log.enforceRetention();
    assert.equal(log.logStartOffset, 24, 'everything expired, the empty active segment starts at the log end');
    assert.equal(log.append(makeBatch('new', 1)).baseOffset, 24);
    log.close();
  });

  it('deletes oldest segments beyond retention.bytes, as Kafka does', () => {
    const log = PartitionLog.open(tmp(), config({ segmentBytes: 500, retentionBytes: 1200, retentionMs: -1 }));
    for (let b = 0; b < 20; b++) log.append(makeBatch(`b${b}`, 2, { valueBytes: 50 }));
    log.enforceRetention();
    // Kafka's rule: drop the oldest segment only while what remains is still ≥ retention.bytes.
    const segments = log.describeSegments();
    const size = segments.reduce((sum, s) => sum + s.size, 0);
    assert.ok(size >= 1200, `${size} bytes kept`);
    assert.ok(size - segments[0].size < 1200, `${size} bytes kept: the oldest segment could have gone too`);
    assert.ok(segments[0].baseOffset > 0);
    assert.equal(log.logEndOffset, 40);
    log.close();
  });

  it('flushes every N messages and records the recovery point', () => {
    const log = PartitionLog.open(tmp(), config({ flushMessages: 5, flushMs: -1 }));
    log.append(makeBatch('a', 3));
    assert.equal(log.recoveryPoint, 0);
    log.append(makeBatch('b', 3));
    assert.equal(log.recoveryPoint, 6);
    log.append(makeBatch('c', 1));
    assert.equal(log.recoveryPoint, 6);
    log.close();
  });

  it('flushes in the background when flush.ms has passed since the last flush', async () => {
    let clock = 0;
    const log = PartitionLog.open(tmp(), config({ flushMs: 1000 }), { now: () => clock });
    log.append(makeBatch('a', 2));
    assert.equal(log.recoveryPoint, 0);
    clock = 999;
    log.flushIfDue();
    assert.equal(log.recoveryPoint, 0);
    clock = 1000;
    log.flushIfDue();
    log.append(makeBatch('b', 3)); // appends go on while the flush runs
    await log.whenFlushed();
    assert.equal(log.recoveryPoint, 2, 'the recovery point covers what was there when the flush started');
    clock = 1500;
    log.flushIfDue();
    await log.whenFlushed();
    assert.equal(log.recoveryPoint, 2, 'not due again before flush.ms');
    log.close();
  });

  it('finds offsets by timestamp across segments, to the record', () => {
    const log = PartitionLog.open(tmp(), config({ segmentBytes: 400 }));
    for (let b = 0; b < 10; b++) {
      const records = [0, 1, 2].map((i) => ({ value: Buffer.from(`${b}.${i}`), timestamp: 10_000 + b * 30 + i * 10 }));
      log.append(buildRecordBatch(records));
    }
    assert.ok(log.segmentCount > 2);
    assert.equal(log.offsetForTimestamp(0)?.offset, 0);
    assert.equal(log.offsetForTimestamp(10_011)?.offset, 2);
    assert.equal(log.offsetForTimestamp(10_150)?.offset, 15);
    assert.deepEqual(log.offsetForTimestamp(10_151), { offset: 16, timestamp: 10_160 });
    assert.equal(log.offsetForTimestamp(10_290)?.offset, 29);
    assert.equal(log.offsetForTimestamp(10_291), undefined);
    log.close();
  });
});
