import { ATTRIBUTES_POS, BATCH_HEADER_SIZE, BATCH_LENGTH_POS, Compression, CRC_POS, LOG_OVERHEAD, computeBatchCrc } from '../../src/protocol/record-batch';
import { buildRecordBatch, compressBatch, RecordInput } from '../../src/protocol/records';

const snappy = require('snappyjs') as { compress(input: Buffer): Buffer };

export type BatchCodec = 'none' | 'gzip' | 'snappy' | 'snappy-raw' | 'lz4' | 'zstd' | 'corrupt-zstd';

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
 * `snappy-raw` is unframed). `corrupt-zstd` says zstd but holds the plain records: its CRC is right, so a broker
 * stores it, and only decoding finds out.
 */
export function compressedBatch(records: RecordInput[], codec: BatchCodec): Buffer {
  const plain = buildRecordBatch(records);
  if (codec === 'snappy-raw') return relabelled(plain, Compression.Snappy, Buffer.from(snappy.compress(plain.subarray(BATCH_HEADER_SIZE))));
  if (codec === 'corrupt-zstd') return relabelled(plain, Compression.Zstd, plain.subarray(BATCH_HEADER_SIZE));
  return compressBatch(plain, CODECS[codec]);
}
