import { gunzipSync, gzipSync } from 'node:zlib';
import type { Encoder as ZstdEncoder } from '@toondepauw/node-zstd';
import { Compression, COMPRESSION_NAMES } from './record-batch';
import { KafkaError } from './error-codes';

// Each codec's module loads on its first batch: most runs meet one codec or none, and a load's worker threads start
// sooner without the others (three native modules and snappyjs).
function once<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}
type Lz4 = typeof import('lz4-napi');
type Zstd = typeof import('@toondepauw/node-zstd');
const lz4 = once(() => require('lz4-napi') as Lz4);
const zstd = once(() => require('@toondepauw/node-zstd') as Zstd);
// snappyjs ships no type declarations.
const snappy = once(() => require('snappyjs') as { uncompress(input: Buffer): Buffer; compress(input: Buffer): Buffer });

// Kafka's LZ4 is the standard LZ4 frame (KIP-57: a correct header checksum from magic 2 on) and its zstd the
// standard zstd frame, so native bindings of the reference formats read and write both (docs/DESIGN.md: why these).
const ZSTD_LEVEL = 3; // Kafka's default compression.zstd.level
const zstdDecoder = once(() => new (zstd().Decoder)());

export class UnsupportedCompressionError extends KafkaError {
  constructor(readonly compression: number) {
    super('UNSUPPORTED_COMPRESSION_TYPE', `compression type ${COMPRESSION_NAMES[compression] ?? compression} does not exist (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd)`);
    this.name = 'UnsupportedCompressionError';
  }
}

/** The framing Java's snappy-java (xerial) writes, which Kafka clients use for snappy batches. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = 16; // magic, version, compatible version

function unsnappy(data: Buffer): Buffer {
  if (data.length < XERIAL_HEADER || !data.subarray(0, 8).equals(XERIAL_MAGIC)) return Buffer.from(snappy().uncompress(data));
  const chunks: Buffer[] = [];
  for (let pos = XERIAL_HEADER; pos < data.length; ) {
    if (pos + 4 > data.length) throw new Error(`snappy frame cut short at byte ${pos}`);
    const size = data.readInt32BE(pos);
    if (size < 0 || pos + 4 + size > data.length) throw new Error(`snappy chunk of ${size} bytes at byte ${pos} runs past the batch`);
    chunks.push(Buffer.from(snappy().uncompress(data.subarray(pos + 4, pos + 4 + size))));
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
    case Compression.Lz4:
      return lz4().decompressFrameSync(data);
    case Compression.Zstd:
      return zstdDecoder().decodeSync(data);
    default:
      throw new UnsupportedCompressionError(compression);
  }
}

const zstdEncoders = new Map<number, ZstdEncoder>();

function zstdEncoderAt(level: number): ZstdEncoder {
  let encoder = zstdEncoders.get(level);
  if (!encoder) zstdEncoders.set(level, (encoder = new (zstd().Encoder)(level)));
  return encoder;
}

/**
 * The records section of a batch, compressed as a Kafka client would (snappy: xerial framing, as the Java client).
 * `level` is the codec's compression.*.level (gzip -1 and zstd 3 by default); lz4-napi has one level only.
 */
export function compressRecords(compression: number, data: Buffer, level?: number): Buffer {
  switch (compression) {
    case Compression.None:
      return data;
    case Compression.Gzip:
      return level === undefined || level === -1 ? gzipSync(data) : gzipSync(data, { level });
    case Compression.Snappy:
      return xerialSnappy(data);
    case Compression.Lz4:
      return lz4().compressFrameSync(data);
    case Compression.Zstd:
      return zstdEncoderAt(level ?? ZSTD_LEVEL).encodeSync(data);
    default:
      throw new UnsupportedCompressionError(compression);
  }
}

const XERIAL_BLOCK = 32 * 1024; // snappy-java's default block size

function xerialSnappy(data: Buffer): Buffer {
  const header = Buffer.concat([XERIAL_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]);
  const parts: Buffer[] = [header];
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK) {
    const block = Buffer.from(snappy().compress(data.subarray(pos, pos + XERIAL_BLOCK)));
    const size = Buffer.alloc(4);
    size.writeInt32BE(block.length);
    parts.push(size, block);
  }
  return Buffer.concat(parts);
}
