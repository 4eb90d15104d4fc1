import { gunzipSync } from 'node:zlib';
import { Compression, COMPRESSION_NAMES } from './record-batch';
import { KafkaError } from './error-codes';

// snappyjs ships no type declarations.
const snappy = require('snappyjs') as { uncompress(input: Buffer): Buffer };

export class UnsupportedCompressionError extends KafkaError {
  constructor(readonly compression: number) {
    super('UNSUPPORTED_COMPRESSION_TYPE', `cannot read ${COMPRESSION_NAMES[compression] ?? compression}-compressed batches yet (gzip and snappy are supported)`);
    this.name = 'UnsupportedCompressionError';
  }
}

/** The framing Java's snappy-java (xerial) writes, which Kafka clients use for snappy batches. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = 16; // magic, version, compatible version

function unsnappy(data: Buffer): Buffer {
  if (data.length < XERIAL_HEADER || !data.subarray(0, 8).equals(XERIAL_MAGIC)) return Buffer.from(snappy.uncompress(data));
  const chunks: Buffer[] = [];
  for (let pos = XERIAL_HEADER; pos < data.length; ) {
    if (pos + 4 > data.length) throw new Error(`snappy frame cut short at byte ${pos}`);
    const size = data.readInt32BE(pos);
    if (size < 0 || pos + 4 + size > data.length) throw new Error(`snappy chunk of ${size} bytes at byte ${pos} runs past the batch`);
    chunks.push(Buffer.from(snappy.uncompress(data.subarray(pos + 4, pos + 4 + size))));
    pos += 4 + size;
  }
  return Buffer.concat(chunks);
}

/** The records section of a batch, decompressed. */
export function decompressRecords(compression: number, data: Buffer): Buffer {
  switch (compression) {
    case Compression.None:
      return data;
    case Compression.Gzip:
      return gunzipSync(data);
    case Compression.Snappy:
      return unsnappy(data);
    default:
      throw new UnsupportedCompressionError(compression);
  }
}
