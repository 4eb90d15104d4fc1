// Building and reading the records inside a RecordBatch v2.
import {
  ATTRIBUTES_POS,
  BASE_OFFSET_POS,
  BASE_SEQUENCE_POS,
  BASE_TIMESTAMP_POS,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_POS,
  CRC_POS,
  CURRENT_MAGIC,
  LAST_OFFSET_DELTA_POS,
  LOG_OVERHEAD,
  MAGIC_POS,
  MAX_TIMESTAMP_POS,
  PARTITION_LEADER_EPOCH_POS,
  PRODUCER_EPOCH_POS,
  PRODUCER_ID_POS,
  RECORDS_COUNT_POS,
  computeBatchCrc,
} from './record-batch';
import { writeZigzag, zigzagSize } from './varint';
import { compressRecords, UnsupportedCompressionError } from './compression';
import { appendBatchRecords, DecodedRecord, RecordColumns, RecordHeader } from './record-columns';

export { UnsupportedCompressionError };

export { MalformedRecordError } from './record-columns';
export type { DecodedRecord, RecordHeader } from './record-columns';

export interface RecordInput {
  key?: Buffer | null;
  value: Buffer | null;
  timestamp?: number;
  headers?: RecordHeader[];
}

function bytesSize(value: Buffer | null | undefined): number {
  return value == null ? zigzagSize(-1) : zigzagSize(value.length) + value.length;
}

function writeBytes(target: Buffer, pos: number, value: Buffer | null | undefined): number {
  if (value == null) return writeZigzag(target, pos, -1);
  pos = writeZigzag(target, pos, value.length);
  value.copy(target, pos);
  return pos + value.length;
}

/** One uncompressed RecordBatch v2, CRC included, with offset deltas counted from 0. */
export function buildRecordBatch(records: RecordInput[], baseOffset = 0, now = Date.now()): Buffer {
  if (records.length === 0) throw new RangeError('a record batch needs at least one record');
  const baseTimestamp = records[0].timestamp ?? now;
  const bodies = records.map((record, i) => {
    const headers = (record.headers ?? []).map((h) => ({ key: Buffer.from(h.key, 'utf8'), value: h.value }));
    const timestampDelta = (record.timestamp ?? now) - baseTimestamp;
    const size =
      1 +
      zigzagSize(timestampDelta) +
      zigzagSize(i) +
      bytesSize(record.key) +
      bytesSize(record.value) +
      zigzagSize(headers.length) +
      headers.reduce((sum, h) => sum + bytesSize(h.key) + bytesSize(h.value), 0);
    return { record, headers, timestampDelta, size };
  });
  const recordsBytes = bodies.reduce((sum, b) => sum + zigzagSize(b.size) + b.size, 0);
  const batch = Buffer.alloc(BATCH_HEADER_SIZE + recordsBytes);
  let pos = BATCH_HEADER_SIZE;
  let maxTimestamp = baseTimestamp;
  bodies.forEach((body, i) => {
    pos = writeZigzag(batch, pos, body.size);
    batch[pos++] = 0; // record attributes: unused
    pos = writeZigzag(batch, pos, body.timestampDelta);
    pos = writeZigzag(batch, pos, i);
    pos = writeBytes(batch, pos, body.record.key);
    pos = writeBytes(batch, pos, body.record.value);
    pos = writeZigzag(batch, pos, body.headers.length);
    for (const h of body.headers) {
      pos = writeBytes(batch, pos, h.key);
      pos = writeBytes(batch, pos, h.value);
    }
    maxTimestamp = Math.max(maxTimestamp, baseTimestamp + body.timestampDelta);
  });
  batch.writeBigInt64BE(BigInt(baseOffset), BASE_OFFSET_POS);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BATCH_LENGTH_POS);
  batch.writeInt32BE(0, PARTITION_LEADER_EPOCH_POS);
  batch.writeInt8(CURRENT_MAGIC, MAGIC_POS);
  batch.writeInt16BE(0, ATTRIBUTES_POS);
  batch.writeInt32BE(records.length - 1, LAST_OFFSET_DELTA_POS);
  batch.writeBigInt64BE(BigInt(baseTimestamp), BASE_TIMESTAMP_POS);
  batch.writeBigInt64BE(BigInt(maxTimestamp), MAX_TIMESTAMP_POS);
  batch.writeBigInt64BE(-1n, PRODUCER_ID_POS);
  batch.writeInt16BE(-1, PRODUCER_EPOCH_POS);
  batch.writeInt32BE(-1, BASE_SEQUENCE_POS);
  batch.writeInt32BE(records.length, RECORDS_COUNT_POS);
  batch.writeUInt32BE(computeBatchCrc(batch, 0, batch.length), CRC_POS);
  return batch;
}

/** An uncompressed batch (as buildRecordBatch makes) with its records section compressed by `compression`. */
export function compressBatch(batch: Buffer, compression: number): Buffer {
  if (compression === 0) return batch;
  const body = compressRecords(compression, batch.subarray(BATCH_HEADER_SIZE));
  const out = Buffer.concat([batch.subarray(0, BATCH_HEADER_SIZE), body]);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_POS);
  out.writeInt16BE((out.readInt16BE(ATTRIBUTES_POS) & ~0x07) | compression, ATTRIBUTES_POS);
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_POS);
  return out;
}

/** Decodes every record of the batch starting at `pos`, whatever its codec. */
export function decodeRecords(buffer: Buffer, pos = 0): DecodedRecord[] {
  const columns = new RecordColumns();
  appendBatchRecords(columns, buffer, pos);
  return columns.toRecords();
}
