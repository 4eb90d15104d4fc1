import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { Decoder as ZstdDecoder, Encoder as ZstdEncoder } from '@toondepauw/node-zstd';

// kafkajs ships gzip only; snappy is its codec package kafkajs-snappy (pure JS). Its lz4 and zstd packages
// (kafkajs-lz4, @kafkajs/zstd) build native code at install, which npm 11 does not run, so those two codecs are
// registered here over the prebuilt bindings sluice measured (lz4-napi, @toondepauw/node-zstd): kafkajs still
// frames, batches and reads its own records.
const SnappyCodec = require('kafkajs-snappy') as () => unknown;
const zstdEncoder = new ZstdEncoder(3);
const zstdDecoder = new ZstdDecoder();
type Codec = () => { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };

/** Registers kafkajs's snappy, lz4 and zstd codecs (idempotent). */
export function registerKafkajsCodecs(): void {
  const codecs = CompressionCodecs as unknown as Record<number, Codec>;
  codecs[CompressionTypes.Snappy] = SnappyCodec as Codec;
  codecs[CompressionTypes.LZ4] = () => ({ compress: async ({ buffer }) => compressFrameSync(buffer), decompress: async (buffer) => decompressFrameSync(buffer) });
  codecs[CompressionTypes.ZSTD] = () => ({ compress: async ({ buffer }) => zstdEncoder.encodeSync(buffer), decompress: async (buffer) => zstdDecoder.decodeSync(buffer) });
}
