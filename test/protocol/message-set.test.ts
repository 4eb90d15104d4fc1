import { strict as assert } from 'node:assert';
import { gunzipSync, gzipSync } from 'node:zlib';
import { crc32 } from '../../src/protocol/crc32';
import { withCorrectLz4HeaderChecksum, xxh32 } from '../../src/protocol/lz4-legacy';
import { KafkaError, KafkaErrors } from '../../src/protocol/error-codes';
import { CorruptMessageSetError, readMessageSet, writeMessage } from '../../src/protocol/message-set';
import { compressRecords, decompressRecords } from '../../src/protocol/compression';
import { downConvertBatches, upConvertMessageSet } from '../../src/protocol/message-set-convert';
import { Compression, compressionOf, computeBatchCrc, readBatchHeader, writeBaseOffset } from '../../src/protocol/record-batch';
import { buildRecordBatch, compressBatch, decodeRecords } from '../../src/protocol/records';

// Golden message sets written by kafka-python 2.0.2's LegacyRecordBatchBuilder (an independent implementation):
// [key "k", value "v0"] and [key null, value "hello"] at offsets 0 and 1; v1 with timestamps T0 and T0+5.
const T0 = 1_700_000_000_000;
const V0 = '000000000000000000000011165764b10000000000016b00000002763000000000000000010000001387a77ab20000ffffffff0000000568656c6c6f';
const V1 =
  '000000000000000000000019497426e201000000018bcfe56800000000016b00000002763000000000000000010000001b0a4065d701000000018bcfe56805ffffffff0000000568656c6c6f';
// The same two v1 messages in one gzip wrapper (kafka-python writes the wrapper with timestamp 0).
const V1_GZIP =
  '0000000000000000000000593b439a4601010000000000000000ffffffff000000431f8b0800e9750f6b02ff6360800349cf12b5478c400663f7f9a7192011c66c20c154660055009293e67248bd0e57c4fa1f08801cd68cd49c9c7c00748560274c000000';

const OLD_KAFKA_LZ4 = '04224d1860401a0f0000006e68656c6c6f2006005068656c6c6f00000000';
const hex = (text: string) => Buffer.from(text, 'hex');

/** The golden v0 set in an lz4 frame whose header checksum is computed as pre-KIP-57 Kafka did (magic included). */
function lz4Wrapped(): Buffer {
  const frame = Buffer.from(compressRecords(Compression.Lz4, hex(V0)));
  const flags = frame[4];
  const checksumPos = 6 + (flags & 0x08 ? 8 : 0) + (flags & 0x01 ? 4 : 0);
  frame[checksumPos] = (xxh32(frame.subarray(0, checksumPos)) >>> 8) & 0xff;
  return frame;
}
const codeOf = (name: keyof typeof KafkaErrors) => (e: unknown) => e instanceof KafkaError && e.code === KafkaErrors[name].code;

/** Two stored records at offsets 40 and 41, as the golden sets hold them. */
function storedBatch(codec: number, options: { logAppendTime?: number } = {}): Buffer {
  const plain = buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v0'), timestamp: T0 }, { key: null, value: Buffer.from('hello'), timestamp: T0 + 5 }], 40);
  const batch = compressBatch(plain, codec);
  if (options.logAppendTime !== undefined) {
    batch.writeInt16BE(batch.readInt16BE(21) | 0x08, 21);
    batch.writeBigInt64BE(BigInt(options.logAppendTime), 35);
    batch.writeUInt32BE(computeBatchCrc(batch, 0, batch.length), 17);
  }
  return batch;
}

/** The golden bytes with each entry's offset moved by `by`. */
function shifted(golden: string, by: number): Buffer {
  const messages = readMessageSet(hex(golden));
  return Buffer.concat(messages.map((m) => writeMessage({ ...m, offset: m.offset + by })));
}

describe('message sets v0/v1 and their conversion', () => {
  it('CRC-32 is the IEEE one (zlib), not CRC-32C', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  });

  it('xxHash32 matches the reference values, and a pre-KIP-57 lz4 header checksum is repaired', () => {
    assert.deepEqual([xxh32(Buffer.alloc(0)), xxh32(Buffer.from('abc')), xxh32(Buffer.from('0123456789abcdefghij'))], [0x02cc5d05, 0x32d153ff, 0x35600916]);
    // kafka-python's lz4_encode_old_kafka(b'hello hello hello hello hello'): the checksum byte (0x1a) covers the magic too.
    const broken = hex(OLD_KAFKA_LZ4);
    assert.throws(() => decompressRecords(Compression.Lz4, broken));
    assert.equal(decompressRecords(Compression.Lz4, withCorrectLz4HeaderChecksum(broken)).toString(), 'hello hello hello hello hello');
    const wrapper = writeMessage({ offset: 0, magic: 0, attributes: Compression.Lz4, timestamp: -1, key: null, value: lz4Wrapped() });
    assert.deepEqual(decodeRecords(upConvertMessageSet(wrapper)).map((r) => r.value?.toString()), ['v0', 'hello'], 'a v0 lz4 wrapper from an old producer is read');
  });

  it('reads kafka-python\'s v0 and v1 messages and writes them back byte for byte', () => {
    const v0 = readMessageSet(hex(V0));
    assert.deepEqual(v0.map((m) => [m.offset, m.magic, m.timestamp, m.key?.toString() ?? null, m.value?.toString()]), [[0, 0, -1, 'k', 'v0'], [1, 0, -1, null, 'hello']]);
    const v1 = readMessageSet(hex(V1));
    assert.deepEqual(v1.map((m) => [m.offset, m.magic, m.timestamp]), [[0, 1, T0], [1, 1, T0 + 5]]);
    assert.equal(Buffer.concat(v0.map(writeMessage)).toString('hex'), V0);
    assert.equal(Buffer.concat(v1.map(writeMessage)).toString('hex'), V1);
  });

  it('refuses a bad CRC, a bad magic and a cut message, naming the byte', () => {
    const badCrc = hex(V0);
    badCrc[24] ^= 1; // inside the first message's key
    assert.throws(() => readMessageSet(badCrc), (e: unknown) => e instanceof CorruptMessageSetError && /byte 0: CRC-32 mismatch/.test(e.message));
    assert.throws(() => readMessageSet(hex(V0).subarray(0, 50)), (e: unknown) => e instanceof CorruptMessageSetError && /byte 29: message size 19 does not fit/.test(e.message));
    const magic3 = writeMessage({ offset: 0, magic: 1, attributes: 0, timestamp: 0, key: null, value: null });
    magic3[16] = 3;
    magic3.writeUInt32BE(crc32(magic3, 16), 12);
    assert.throws(() => readMessageSet(magic3), /magic 3/);
  });

  it('up-converts v0, v1 and a gzip wrapper to one v2 batch with the same records and codec', () => {
    for (const [golden, timestamps, codec] of [[V0, [-1, -1], Compression.None], [V1, [T0, T0 + 5], Compression.None], [V1_GZIP, [T0, T0 + 5], Compression.Gzip]] as const) {
      const batch = upConvertMessageSet(hex(golden));
      const header = readBatchHeader(batch);
      assert.deepEqual([header.magic, compressionOf(header.attributes), header.recordsCount, header.baseOffset], [2, codec, 2, 0]);
      assert.equal(header.maxTimestamp, timestamps[1]);
      const records = decodeRecords(batch);
      assert.deepEqual(records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString()]), [[0, timestamps[0], 'k', 'v0'], [1, timestamps[1], null, 'hello']]);
    }
  });

  it('refuses zstd before v2 and a wrapper holding compressed messages', () => {
    const zstdWrapper = writeMessage({ offset: 0, magic: 1, attributes: Compression.Zstd, timestamp: 0, key: null, value: Buffer.alloc(4) });
    assert.throws(() => upConvertMessageSet(zstdWrapper), codeOf('UNSUPPORTED_COMPRESSION_TYPE'));
    const gzip = readMessageSet(hex(V1_GZIP))[0];
    const nested = writeMessage({ ...gzip, value: gzipSync(hex(V1_GZIP)) });
    assert.throws(() => upConvertMessageSet(nested), (e: unknown) => e instanceof CorruptMessageSetError && /holds compressed messages/.test(e.message));
  });

  it('down-converts an uncompressed batch to exactly kafka-python\'s v1 and v0 bytes', () => {
    const batch = storedBatch(Compression.None);
    assert.equal(downConvertBatches(batch, 1, 40).toString('hex'), shifted(V1, 40).toString('hex'));
    assert.equal(downConvertBatches(batch, 0, 40).toString('hex'), shifted(V0, 40).toString('hex'));
    assert.deepEqual(readMessageSet(downConvertBatches(batch, 1, 41)).map((m) => m.offset), [41], 'records before the fetch offset are left out');
  });

  it('down-converts a gzip batch to one wrapper: inner offsets relative in v1, absolute in v0', () => {
    const batch = storedBatch(Compression.Gzip);
    const [v1] = readMessageSet(downConvertBatches(batch, 1, 0));
    assert.deepEqual([v1.offset, v1.magic, v1.attributes, v1.timestamp, v1.key], [41, 1, Compression.Gzip, T0 + 5, null]);
    assert.equal(gunzipSync(v1.value as Buffer).toString('hex'), V1, 'inner messages as kafka-python writes them (relative offsets 0, 1)');
    const [v0] = readMessageSet(downConvertBatches(batch, 0, 0));
    assert.deepEqual([v0.offset, v0.magic, v0.attributes, v0.timestamp], [41, 0, Compression.Gzip, -1]);
    assert.equal(gunzipSync(v0.value as Buffer).toString('hex'), shifted(V0, 40).toString('hex'));
  });

  it('down-conversion keeps LogAppendTime in v1, skips control batches, and refuses zstd', () => {
    const appended = downConvertBatches(storedBatch(Compression.None, { logAppendTime: T0 + 99 }), 1, 0);
    assert.deepEqual(readMessageSet(appended).map((m) => [m.timestamp, m.attributes]), [[T0 + 99, 0x08], [T0 + 99, 0x08]]);
    const control = storedBatch(Compression.None);
    control.writeInt16BE(0x20, 21);
    control.writeUInt32BE(computeBatchCrc(control, 0, control.length), 17);
    const next = storedBatch(Compression.None);
    writeBaseOffset(next, 0, 42);
    assert.deepEqual(readMessageSet(downConvertBatches(Buffer.concat([control, next]), 1, 0)).map((m) => m.offset), [42, 43]);
    assert.throws(() => downConvertBatches(storedBatch(Compression.Zstd), 1, 0), codeOf('UNSUPPORTED_COMPRESSION_TYPE'));
  });
});
