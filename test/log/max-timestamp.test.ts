import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogManager } from '../../src/log/log-manager';
import { buildRecordBatch } from '../../src/protocol/records';
import { MAX_TIMESTAMP_POS, computeBatchCrc, CRC_POS, batchSizeAt } from '../../src/protocol/record-batch';
import { withCodec, withUnsetMaxTimestamp } from '../helpers/batches';
import { listOffsetsHandler } from '../../src/broker/handlers/02-list-offsets';
import { listOffsetsRequestSchema, listOffsetsResponseSchema } from '../../src/protocol/generated';
import { answer, brokerStateOver } from '../helpers/handler-harness';

const HOUR = 3600_000;

/** `count` records one minute apart from `start`, header maxTimestamp -1 as sarama writes it. */
function saramaBatch(label: string, start: number, count: number, codec = 0): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`${label}:${i}`), timestamp: start + i * 60_000 }));
  const plain = buildRecordBatch(records, 0, start);
  return withUnsetMaxTimestamp(codec === 0 ? plain : withCodec(plain, codec));
}

describe('maxTimestamp recomputed on append (batches with maxTimestamp -1)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-maxts-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps the data under 7-day retention, indexes it by time and answers offsets-for-times, before and after a restart', async () => {
    const now = Date.now();
    const t0 = now - 5 * HOUR;
    let logs = LogManager.open(dir, { defaults: { indexIntervalBytes: 0 } });
    logs.createTopic('sarama', 1);
    const p = logs.partition('sarama', 0);
    const batches = [saramaBatch('a', t0, 10), saramaBatch('b', t0 + HOUR, 10, 1), saramaBatch('c', t0 + 2 * HOUR, 10, 4)];
    for (const batch of batches) assert.equal(Number(batch.readBigInt64BE(MAX_TIMESTAMP_POS)), -1, 'the batch claims maxTimestamp -1');
    for (const batch of batches) p.append(batch);
    assert.equal(logs.topicConfig('sarama').retentionMs, 7 * 24 * HOUR, 'Kafka\'s default retention');

    const check = async (manager: LogManager, when: string) => {
      assert.equal(manager.enforceRetention(), 0, `${when}: no segment is past retention`);
      const log = manager.partition('sarama', 0);
      assert.equal(log.logStartOffset, 0, `${when}: nothing was deleted`);
      assert.equal(log.logEndOffset, 30);
      const stored = log.read(0, 1 << 20).records;
      const maxima: number[] = [];
      for (let pos = 0; pos < stored.length; pos += batchSizeAt(stored, pos)) {
        maxima.push(Number(stored.readBigInt64BE(pos + MAX_TIMESTAMP_POS)));
        assert.equal(stored.readUInt32BE(pos + CRC_POS), computeBatchCrc(stored, pos, batchSizeAt(stored, pos)), `${when}: CRC rewritten with it`);
      }
      assert.deepEqual(maxima, [t0 + 9 * 60_000, t0 + HOUR + 9 * 60_000, t0 + 2 * HOUR + 9 * 60_000], `${when}: stored maxTimestamp is the records' max`);
      assert.deepEqual(log.offsetForTimestamp(t0 + 3 * 60_000), { offset: 3, timestamp: t0 + 3 * 60_000 }, `${when}: uncompressed, exact record`);
      assert.deepEqual(log.offsetForTimestamp(t0 + HOUR), { offset: 10, timestamp: t0 + HOUR + 9 * 60_000 }, `${when}: gzip batch, its base offset`);
      assert.equal(log.offsetForTimestamp(t0 + 2 * HOUR + 10 * 60_000), undefined, `${when}: later than everything`);
      assert.deepEqual(log.maxTimestampOffset(), { offset: 20, timestamp: t0 + 2 * HOUR + 9 * 60_000 }, `${when}: max timestamp`);
      const segment = log.describeSegments();
      assert.equal(segment.length, 1);
      const timeIndex = fs.statSync(path.join(dir, 'sarama-0', '00000000000000000000.timeindex')).size;
      assert.ok(timeIndex >= 12 * 2, `${when}: time index has entries (${timeIndex} bytes)`);
      const response = await answer(listOffsetsHandler, { request: listOffsetsRequestSchema, response: listOffsetsResponseSchema }, 5, {
        replicaId: -1, isolationLevel: 0,
        topics: [{ name: 'sarama', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: t0 + 5 * 60_000, maxNumOffsets: 1 }] }],
      }, brokerStateOver(manager));
      const answered = response.topics[0].partitions[0];
      assert.deepEqual([answered.errorCode, answered.offset, Number(answered.timestamp)], [0, 5, t0 + 5 * 60_000], `${when}: ListOffsets by timestamp`);
    };
    await check(logs, 'after append');
    logs.close();
    logs = LogManager.open(dir, { defaults: { indexIntervalBytes: 0 } });
    await check(logs, 'after a clean restart');
    logs.close();
    fs.rmSync(path.join(dir, '.sluice_cleanshutdown'));
    logs = LogManager.open(dir, { defaults: { indexIntervalBytes: 0 } });
    await check(logs, 'after recovery');
    logs.close();
  });

  it('a batch older than retention still goes: the recomputed time is the records\' own', () => {
    const logs = LogManager.open(dir);
    logs.createTopic('old', 1);
    logs.partition('old', 0).append(saramaBatch('old', Date.now() - 8 * 24 * HOUR, 3));
    logs.partition('old', 0).append(saramaBatch('new', Date.now(), 3));
    logs.partition('old', 0).roll();
    assert.equal(logs.enforceRetention(), 1);
    assert.equal(logs.partition('old', 0).logStartOffset, 3);
    logs.close();
  });
});
