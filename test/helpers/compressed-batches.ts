import { gzipSync } from 'node:zlib';
import { ATTRIBUTES_POS, BATCH_HEADER_SIZE, BATCH_LENGTH_POS, Compression, CRC_POS, LOG_OVERHEAD, computeBatchCrc } from '../../src/protocol/record-batch';
import { buildRecordBatch, RecordInput } from '../../src/protocol/records';

const snappy = require('snappyjs') as { compress(input: Buffer): Buffer };

/** The framing Java clients write for snappy (xerial), here in chunks of `chunk` bytes. */
function xerial(records: Buffer, chunk = 256): Buffer {
  const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
  const blocks: Buffer[] = [];
  for (let pos = 0; pos < records.length; pos += chunk) {
    const block = Buffer.from(snappy.compress(records.subarray(pos, pos + chunk)));
    const size = Buffer.alloc(4);
    size.writeInt32BE(block.length);
    blocks.push(size, block);
  }
  return Buffer.concat([header, ...blocks]);
}

export type BatchCodec = 'none' | 'gzip' | 'snappy' | 'snappy-xerial' | 'zstd-unreadable';

/**
 * A RecordBatch v2 with its records section compressed as a producer would. `zstd-unreadable` only sets the
 * zstd attribute (the body stays as it is): enough for a reader that refuses zstd by name.
 */
export function compressedBatch(records: RecordInput[], codec: BatchCodec): Buffer {
  const plain = buildRecordBatch(records);
  if (codec === 'none') return plain;
  const section = plain.subarray(BATCH_HEADER_SIZE);
  const [attribute, body] = {
    gzip: [Compression.Gzip, gzipSync(section)],
    snappy: [Compression.Snappy, Buffer.from(snappy.compress(section))],
    'snappy-xerial': [Compression.Snappy, xerial(section)],
    'zstd-unreadable': [Compression.Zstd, section],
  }[codec] as [number, Buffer];
  const batch = Buffer.concat([plain.subarray(0, BATCH_HEADER_SIZE), body]);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BATCH_LENGTH_POS);
  batch.writeInt16BE(attribute, ATTRIBUTES_POS);
  batch.writeUInt32BE(computeBatchCrc(batch, 0, batch.length), CRC_POS);
  return batch;
}
