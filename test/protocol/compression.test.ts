import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { gunzipSync, gzipSync } from 'node:zlib';
import { buildRecordBatch, compressBatch, decodeRecords, UnsupportedCompressionError } from '../../src/protocol/records';
import { readBatchHeader } from '../../src/protocol/record-batch';
import { ATTRIBUTES_POS, BATCH_HEADER_SIZE, BATCH_LENGTH_POS, CRC_POS, LOG_OVERHEAD, computeBatchCrc } from '../../src/protocol/record-batch';

const snappy = require('snappyjs') as { compress(input: Buffer): Buffer };

/** The reference command-line tools (Debian's lz4 and zstd) as independent writers and readers of the frames. */
function tool(command: string, args: string[], input: Buffer): Buffer {
  const result = spawnSync(command, args, { input, maxBuffer: 64 << 20 });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

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
    ['lz4 (a frame written by the lz4 tool)', compressed(3, (r) => tool('lz4', ['-c', '-q'], r))],
    ['lz4 (a frame with block and content checksums and independent 64 KiB blocks, as Kafka\'s Java client writes)', compressed(3, (r) => tool('lz4', ['-c', '-q', '-B4', '--content-size', '-BX', '-BI'], r))],
    ['zstd (a frame written by the zstd tool)', compressed(4, (r) => tool('zstd', ['-c', '-q', '-19'], r))],
  ];
  for (const [name, batch] of cases) {
    it(`decodes ${name}`, () => {
      const records = decodeRecords(batch);
      assert.deepEqual(records.map((r) => [r.offset, r.key?.toString(), r.value?.toString()]), expected.map((r) => [r.offset, r.key?.toString(), r.value?.toString()]));
    });
  }

  it('reports a corrupt compressed body, and a codec number that does not exist', () => {
    assert.throws(() => decodeRecords(compressed(1, (r) => r)), /batch at offset 100, record 0: cannot decompress gzip/);
    assert.throws(() => decodeRecords(compressed(3, (r) => r)), /batch at offset 100, record 0: cannot decompress lz4/);
    assert.throws(() => decodeRecords(compressed(4, (r) => r)), /batch at offset 100, record 0: cannot decompress zstd/);
    assert.throws(() => decodeRecords(compressed(5, (r) => r)), (e: unknown) => e instanceof UnsupportedCompressionError && /compression type 5 does not exist/.test(e.message));
  });

  it('compresses a batch with every codec: same records back, and the reference tools read the lz4 and zstd frames', () => {
    const plain = buildRecordBatch(Array.from({ length: 2000 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`{"page": "/products/${i % 97}", "n": ${i}}`) })), 100);
    const records = plain.subarray(BATCH_HEADER_SIZE);
    for (const codec of [0, 1, 2, 3, 4]) {
      const batch = compressBatch(plain, codec);
      const header = readBatchHeader(batch, 0);
      assert.equal(header.attributes & 7, codec);
      assert.equal(header.recordsCount, 2000);
      if (codec !== 0) assert.ok(batch.length < plain.length / 2, `codec ${codec}: ${batch.length} of ${plain.length} bytes`);
      assert.deepEqual(decodeRecords(batch).map((r) => r.value!.toString()), decodeRecords(plain).map((r) => r.value!.toString()));
      const body = batch.subarray(BATCH_HEADER_SIZE);
      if (codec === 1) assert.ok(gunzipSync(body).equals(records));
      if (codec === 3) assert.ok(tool('lz4', ['-d', '-c', '-q'], body).equals(records), 'lz4 -d reads the frame');
      if (codec === 4) assert.ok(tool('zstd', ['-d', '-c', '-q'], body).equals(records), 'zstd -d reads the frame');
    }
  });
});
