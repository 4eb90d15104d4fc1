import * as fs from 'node:fs';
import * as path from 'node:path';
import { ATTRIBUTES_POS, BATCH_HEADER_SIZE, BATCH_LENGTH_POS, Compression, CRC_POS, LOG_OVERHEAD, batchSizeAt, computeBatchCrc } from '../../src/protocol/record-batch';
import { buildRecordBatch, compressBatch, RecordInput } from '../../src/protocol/records';

const snappy = require('snappyjs') as { compress(input: Buffer): Buffer };

export type BatchCodec = 'none' | 'gzip' | 'snappy' | 'snappy-raw' | 'lz4' | 'zstd';

const CODECS: Record<'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd', number> = {
  none: Compression.None, gzip: Compression.Gzip, snappy: Compression.Snappy, lz4: Compression.Lz4, zstd: Compression.Zstd,
};

/** Rewrites an uncompressed batch with `body` as its records section and `codec` in its attributes. */
function relabelled(plain: Buffer, codec: number, body: Buffer): Buffer {
  const batch = Buffer.concat([plain.subarray(0, BATCH_HEADER_SIZE), body]);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BATCH_LENGTH_POS);
  batch.writeInt16BE(codec, ATTRIBUTES_POS);
  batch.writeUInt32BE(computeBatchCrc(batch, 0, batch.length), CRC_POS);
  return batch;
}

/**
 * A RecordBatch v2 compressed as a producer would (`snappy` is xerial-framed, as the Java client writes it;
 * `snappy-raw` is unframed).
 */
export function compressedBatch(records: RecordInput[], codec: BatchCodec): Buffer {
  const plain = buildRecordBatch(records);
  if (codec === 'snappy-raw') return relabelled(plain, Compression.Snappy, Buffer.from(snappy.compress(plain.subarray(BATCH_HEADER_SIZE))));
  return compressBatch(plain, CODECS[codec]);
}

/**
 * Damages the last batch stored in `<dataDir>/<topic>-<partition>` on disk: its compressed body becomes zeros
 * (no codec reads that) and its CRC is made to match, so the log serves it and only decoding finds out. The
 * broker itself refuses such a batch on append, as Kafka does, so this is the only way one gets stored.
 */
export function corruptLastStoredBatch(dataDir: string, topic: string, partition: number): void {
  rewriteLastStoredBatch(dataDir, topic, partition, (batch, size) => {
    batch.fill(0, BATCH_HEADER_SIZE);
    batch.writeUInt32BE(computeBatchCrc(batch, 0, size), CRC_POS);
  });
}

/**
 * Flips one bit of the last batch stored in `<dataDir>/<topic>-<partition>` (uncompressed) and leaves its CRC as it
 * was: the fourth byte from the end is in the last record's value (before its last two bytes and the header count),
 * so for a page view ending `"FR"}` the value still parses (`"FS"}`), and only the CRC check tells.
 */
export function flipBitInLastStoredBatch(dataDir: string, topic: string, partition: number): void {
  rewriteLastStoredBatch(dataDir, topic, partition, (batch, size) => {
    batch[size - 4] ^= 0x01;
  });
}

function rewriteLastStoredBatch(dataDir: string, topic: string, partition: number, damage: (batch: Buffer, size: number) => void): void {
  const dir = path.join(dataDir, `${topic}-${partition}`);
  const logFile = path.join(dir, fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort().pop()!);
  const bytes = fs.readFileSync(logFile);
  let last = 0;
  for (let pos = 0; pos < bytes.length; pos += batchSizeAt(bytes, pos)) last = pos;
  const size = batchSizeAt(bytes, last);
  const batch = bytes.subarray(last, last + size);
  damage(batch, size);
  const fd = fs.openSync(logFile, 'r+');
  try {
    fs.writeSync(fd, batch, 0, size, last);
  } finally {
    fs.closeSync(fd);
  }
}
