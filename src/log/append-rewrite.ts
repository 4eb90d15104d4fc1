import * as path from 'node:path';
import { ATTRIBUTES_POS, BATCH_HEADER_SIZE, BATCH_LENGTH_POS, CRC_POS, LOG_OVERHEAD, compressionOf, computeBatchCrc, isControlBatch } from '../protocol/record-batch';
import { compressRecords, decompressRecords, UnsupportedCompressionError } from '../protocol/compression';
import { KafkaError } from '../protocol/error-codes';
import { InvalidBatchError } from './errors';
import { LogConfig, BrokerCompressionType, isCompacted } from './log-config';
import { readRawRecords } from './cleaner/batch-rewrite';
import type { ValidatedAppend } from './append-validation';

/** compression.type → the batch codec it asks for; `producer` keeps whatever the producer sent. */
const TARGET_CODEC: Record<BrokerCompressionType, number | undefined> = {
  producer: undefined,
  uncompressed: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
};

/** The batch at `position` with its records section in `codec`; everything else (offsets, producer, timestamps) as it was. */
function recompress(data: Buffer, position: number, size: number, codec: number, level: number | undefined): Buffer {
  const from = compressionOf(data.readInt16BE(position + ATTRIBUTES_POS));
  const plain = decompressRecords(from, data.subarray(position + BATCH_HEADER_SIZE, position + size));
  const section = codec === 0 ? plain : compressRecords(codec, plain, level);
  const out = Buffer.alloc(BATCH_HEADER_SIZE + section.length);
  data.copy(out, 0, position, position + BATCH_HEADER_SIZE);
  section.copy(out, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_POS);
  out.writeInt16BE((out.readInt16BE(ATTRIBUTES_POS) & ~0x07) | codec, ATTRIBUTES_POS);
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_POS);
  return out;
}

/** Kafka 3.8's compression.gzip.level / compression.zstd.level for the codec the broker compresses with. */
function levelFor(codec: number, config: Readonly<LogConfig>): number | undefined {
  if (codec === 1) return config.compressionGzipLevel;
  if (codec === 4) return config.compressionZstdLevel;
  return undefined;
}

function asBatchError(error: unknown, batchIndex: number, position: number): Error {
  if (error instanceof UnsupportedCompressionError || error instanceof InvalidBatchError) return error;
  if (error instanceof KafkaError) return new InvalidBatchError('CORRUPT_MESSAGE', batchIndex, position, error.message);
  return error as Error;
}

/**
 * What a topic's configs make the broker do to validated batches before they
 * are stored, as Kafka's LogValidator does: a compacted topic refuses records
 * without a key (INVALID_RECORD), and a compression.type other than
 * `producer` recompresses every batch sent with another codec. Returns `data`
 * itself when nothing changes, otherwise new bytes that must be validated again.
 */
export function applyTopicRecordPolicy(data: Buffer, validated: ValidatedAppend, config: Readonly<LogConfig>, dir: string): Buffer {
  const compacted = isCompacted(config);
  const target = TARGET_CODEC[config.compressionType];
  const parts: Buffer[] = [];
  let changed = false;
  validated.batches.forEach((batch, index) => {
    const attributes = data.readInt16BE(batch.position + ATTRIBUTES_POS);
    const whole = data.subarray(batch.position, batch.position + batch.size);
    if (isControlBatch(attributes)) {
      parts.push(whole);
      return;
    }
    try {
      if (compacted) {
        const message = `Compacted topic cannot accept message without key in topic partition ${path.basename(dir)}.`;
        const keyless = readRawRecords(whole).flatMap((record, recordIndex) => (record.key === null ? [{ recordIndex, message }] : []));
        if (keyless.length > 0) throw new InvalidBatchError('INVALID_RECORD', index, batch.position, message, keyless);
      }
      if (target === undefined || compressionOf(attributes) === target) {
        parts.push(whole);
        return;
      }
      parts.push(recompress(data, batch.position, batch.size, target, levelFor(target, config)));
      changed = true;
    } catch (error) {
      throw asBatchError(error, index, batch.position);
    }
  });
  return changed ? Buffer.concat(parts) : data;
}
