import { strict as assert } from 'node:assert';
import { LogManager } from '../../src/log/log-manager';
import { InvalidBatchError } from '../../src/log/errors';
import { buildRecordBatch, compressBatch, decodeRecords } from '../../src/protocol/records';
import { BASE_SEQUENCE_POS, CRC_POS, PRODUCER_EPOCH_POS, PRODUCER_ID_POS, compressionOf, computeBatchCrc, readBatchHeader } from '../../src/protocol/record-batch';
import { useTempDir } from '../helpers/temp-dir';

function batchOf(count: number, keyless = -1): Buffer {
  return buildRecordBatch(
    Array.from({ length: count }, (_, i) => ({ key: i === keyless ? null : Buffer.from(`k${i}`), value: Buffer.from(`value ${i} `.repeat(20)), timestamp: 1_700_000_000_000 + i })),
  );
}

function withProducer(batch: Buffer): Buffer {
  const out = Buffer.from(batch);
  out.writeBigInt64BE(42n, PRODUCER_ID_POS);
  out.writeInt16BE(3, PRODUCER_EPOCH_POS);
  out.writeInt32BE(100, BASE_SEQUENCE_POS);
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_POS);
  return out;
}

describe('append rewrite: compression.type and keys on compacted topics', () => {
  const tmp = useTempDir();

  it('recompresses to the topic codec at its level, keeping offsets, producer fields and records', () => {
    const manager = LogManager.open(tmp());
    manager.createTopic('z1', 1, { 'compression.type': 'zstd', 'compression.zstd.level': '1' });
    manager.createTopic('z19', 1, { 'compression.type': 'zstd', 'compression.zstd.level': '19' });
    manager.createTopic('g', 1, { 'compression.type': 'gzip' });
    const sent = withProducer(compressBatch(batchOf(200), 2));
    const stored = (topic: string) => {
      manager.partition(topic, 0).append(Buffer.from(sent));
      return manager.partition(topic, 0).read(0, 1 << 20).records;
    };
    const [z1, z19, g] = ['z1', 'z19', 'g'].map(stored);
    for (const [batch, codec] of [[z1, 4], [z19, 4], [g, 1]] as const) {
      const header = readBatchHeader(batch);
      assert.equal(compressionOf(header.attributes), codec);
      assert.deepEqual([header.producerId, header.producerEpoch, header.baseSequence, header.recordsCount, header.lastOffsetDelta], [42, 3, 100, 200, 199]);
      assert.deepEqual(decodeRecords(batch).map((r) => r.value!.toString()), decodeRecords(sent).map((r) => r.value!.toString()));
      assert.equal(batch.readUInt32BE(CRC_POS), computeBatchCrc(batch, 0, batch.length));
    }
    assert.ok(z19.length < z1.length, `zstd level 19 (${z19.length} bytes) compresses better than level 1 (${z1.length})`);
    manager.close();
  });

  it('refuses a keyless record on a compacted topic, even inside a compressed batch, and stores nothing', () => {
    const manager = LogManager.open(tmp());
    manager.createTopic('c', 1, { 'cleanup.policy': 'compact,delete' });
    const log = manager.partition('c', 0);
    assert.throws(
      () => log.append(compressBatch(batchOf(5, 3), 3)),
      (e: unknown) => e instanceof InvalidBatchError && e.code === 87 && /Compacted topic cannot accept message without key in topic partition c-0/.test(e.message),
    );
    assert.equal(log.logEndOffset, 0);
    log.append(batchOf(5));
    assert.equal(log.logEndOffset, 5);
    manager.createTopic('d', 1);
    manager.partition('d', 0).append(batchOf(5, 3));
    assert.equal(manager.partition('d', 0).logEndOffset, 5, 'a delete topic takes keyless records');
    manager.close();
  });
});
