import { strict as assert } from 'node:assert';
import { gzipSync } from 'node:zlib';
import { buildRecordBatch, decodeRecords, UnsupportedCompressionError } from '../../src/protocol/records';
import { ATTRIBUTES_POS, BATCH_HEADER_SIZE, BATCH_LENGTH_POS, CRC_POS, LOG_OVERHEAD, computeBatchCrc } from '../../src/protocol/record-batch';

const snappy = require('snappyjs') as { compress(input: Buffer): Buffer };

/** Rewrites an uncompressed batch with its records section compressed by `codec`. */
function compressed(codec: number, compress: (records: Buffer) => Buffer): Buffer {
  const plain = buildRecordBatch(Array.from({ length: 40 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`value ${i} `.repeat(i % 7 + 1)) })), 100);
  const body = compress(plain.subarray(BATCH_HEADER_SIZE));
  const batch = Buffer.concat([plain.subarray(0, BATCH_HEADER_SIZE), body]);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BATCH_LENGTH_POS);
  batch.writeInt16BE(codec, ATTRIBUTES_POS);
  batch.writeUInt32BE(computeBatchCrc(batch, 0, batch.length), CRC_POS);
  return batch;
}

function xerial(records: Buffer): Buffer {
  const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
  const chunks = [records.subarray(0, 300), records.subarray(300)].map((part) => {
    const block = Buffer.from(snappy.compress(part));
    const size = Buffer.alloc(4);
    size.writeInt32BE(block.length);
    return Buffer.concat([size, block]);
  });
  return Buffer.concat([header, ...chunks]);
}

describe('compressed record batches', () => {
  const expected = decodeRecords(buildRecordBatch(Array.from({ length: 40 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`value ${i} `.repeat(i % 7 + 1)) })), 100));
  const cases: [string, Buffer][] = [
    ['gzip', compressed(1, (r) => gzipSync(r))],
    ['raw snappy', compressed(2, (r) => Buffer.from(snappy.compress(r)))],
    ['xerial-framed snappy (Java clients), in two chunks', compressed(2, xerial)],
  ];
  for (const [name, batch] of cases) {
    it(`decodes ${name}`, () => {
      const records = decodeRecords(batch);
      assert.deepEqual(records.map((r) => [r.offset, r.key?.toString(), r.value?.toString()]), expected.map((r) => [r.offset, r.key?.toString(), r.value?.toString()]));
    });
  }

  it('refuses lz4 and zstd by name, and reports a corrupt compressed body', () => {
    assert.throws(() => decodeRecords(compressed(3, (r) => r)), (e: unknown) => e instanceof UnsupportedCompressionError && /lz4/.test(e.message));
    assert.throws(() => decodeRecords(compressed(4, (r) => r)), /zstd-compressed/);
    assert.throws(() => decodeRecords(compressed(1, (r) => r)), /batch at offset 100, record 0: cannot decompress gzip/);
  });
});
