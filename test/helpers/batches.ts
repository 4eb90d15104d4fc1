import { gzipSync } from 'node:zlib';
import { compressRecords } from '../../src/protocol/compression';
import { buildRecordBatch, RecordInput } from '../../src/protocol/records';
import {
  ATTRIBUTES_POS, BASE_SEQUENCE_POS, BATCH_HEADER_SIZE, BATCH_LENGTH_POS, CRC_POS, LOG_OVERHEAD, MAX_TIMESTAMP_POS, PRODUCER_EPOCH_POS, PRODUCER_ID_POS, computeBatchCrc,
} from '../../src/protocol/record-batch';

/** `count` records whose values say which batch and record they are, padded to `valueBytes`. */
export function makeBatch(label: string, count: number, options: { timestamp?: number; valueBytes?: number } = {}): Buffer {
  const records: RecordInput[] = [];
  for (let i = 0; i < count; i++) {
    const text = `${label}:${i}`;
    const value = Buffer.alloc(Math.max(options.valueBytes ?? 0, text.length), '.');
    value.write(text);
    records.push({ key: Buffer.from(`k${i}`), value, timestamp: options.timestamp });
  }
  return buildRecordBatch(records, 0, options.timestamp ?? 1_700_000_000_000);
}

/**
 * `batch` compressed with `codec` (1 gzip, 2 snappy, 3 lz4, 4 zstd), CRC recomputed. The broker
 * decompresses on append (it recomputes each batch's max timestamp, as Kafka does), so the body is
 * really compressed.
 */
export function withCodec(batch: Buffer, codec: number): Buffer {
  const body = batch.subarray(BATCH_HEADER_SIZE);
  const out = Buffer.concat([batch.subarray(0, BATCH_HEADER_SIZE), codec === 1 ? gzipSync(body) : compressRecords(codec, body)]);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_POS);
  out.writeInt16BE(codec, ATTRIBUTES_POS);
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_POS);
  return out;
}

/**
 * A batch as sarama writes it: records carry real timestamps but the header's maxTimestamp is -1
 * (and the CRC covers that -1), so only a broker that recomputes it can index the batch by time.
 */
export function withUnsetMaxTimestamp(batch: Buffer): Buffer {
  const out = Buffer.from(batch);
  out.writeBigInt64BE(-1n, MAX_TIMESTAMP_POS);
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_POS);
  return out;
}

/** `batch` stamped as a producer's (idempotent, or transactional with `transactional`), CRC recomputed. */
export function asProducerBatch(batch: Buffer, producerId: number, epoch: number, baseSequence: number, transactional = false): Buffer {
  const out = Buffer.from(batch);
  out.writeBigInt64BE(BigInt(producerId), PRODUCER_ID_POS);
  out.writeInt16BE(epoch, PRODUCER_EPOCH_POS);
  out.writeInt32BE(baseSequence, BASE_SEQUENCE_POS);
  if (transactional) out.writeInt16BE(out.readInt16BE(ATTRIBUTES_POS) | 0x10, ATTRIBUTES_POS);
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_POS);
  return out;
}
