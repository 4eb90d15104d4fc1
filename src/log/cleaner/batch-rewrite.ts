import {
  ATTRIBUTES_POS,
  BASE_TIMESTAMP_POS,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_POS,
  CRC_POS,
  LOG_OVERHEAD,
  MAX_TIMESTAMP_POS,
  RECORDS_COUNT_POS,
  BatchHeader,
  compressionOf,
  computeBatchCrc,
  readBatchHeader,
  usesLogAppendTime,
} from '../../protocol/record-batch';
import { compressRecords, decompressRecords } from '../../protocol/compression';
import { MalformedRecordError } from '../../protocol/records';
import { readZigzag, writeZigzag, zigzagSize } from '../../protocol/varint';

/** Kafka's DefaultRecordBatch DELETE_HORIZON_FLAG_MASK (KIP-534): the base timestamp holds the delete horizon. */
export const DELETE_HORIZON_FLAG = 0x40;

/** One record as stored: its offset, timestamp and key, plus its key/value/headers bytes kept verbatim. */
export interface RawRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  isTombstone: boolean;
  /** Key, value and headers exactly as encoded; re-used when the batch is rebuilt. */
  tail: Buffer;
}

export function deleteHorizonOf(header: BatchHeader): number | undefined {
  return (header.attributes & DELETE_HORIZON_FLAG) !== 0 ? header.baseTimestamp : undefined;
}

function skipBytes(body: Buffer, pos: number, end: number): { bytes: Buffer | null; next: number } {
  const length = readZigzag(body, pos, end);
  if (length.value < 0) return { bytes: null, next: length.next };
  if (length.next + length.value > end) throw new Error(`a field of ${length.value} bytes runs past the record end`);
  return { bytes: body.subarray(length.next, length.next + length.value), next: length.next + length.value };
}

/** The records of the whole batch `batch` (position 0), whatever its codec, without decoding headers. */
export function readRawRecords(batch: Buffer): RawRecord[] {
  const header = readBatchHeader(batch);
  const end = LOG_OVERHEAD + header.batchLength;
  const codec = compressionOf(header.attributes);
  const body = codec === 0 ? batch.subarray(BATCH_HEADER_SIZE, end) : decompressRecords(codec, batch.subarray(BATCH_HEADER_SIZE, end));
  const records: RawRecord[] = [];
  let p = 0;
  for (let i = 0; i < header.recordsCount; i++) {
    try {
      const length = readZigzag(body, p, body.length);
      const recordEnd = length.next + length.value;
      if (length.value < 0 || recordEnd > body.length) throw new Error(`length ${length.value} runs past the batch end`);
      const timestampDelta = readZigzag(body, length.next + 1, recordEnd);
      const offsetDelta = readZigzag(body, timestampDelta.next, recordEnd);
      const key = skipBytes(body, offsetDelta.next, recordEnd);
      const value = skipBytes(body, key.next, recordEnd);
      records.push({
        offset: header.baseOffset + offsetDelta.value,
        timestamp: header.baseTimestamp + timestampDelta.value,
        key: key.bytes,
        isTombstone: value.bytes === null,
        tail: body.subarray(offsetDelta.next, recordEnd),
      });
      p = recordEnd;
    } catch (error) {
      throw new MalformedRecordError(header.baseOffset, i, (error as Error).message);
    }
  }
  return records;
}

export interface RebuildOptions {
  /** Sets the delete-horizon flag with this horizon as the base timestamp. */
  deleteHorizon?: number;
  /** The codec of the rebuilt batch; the original's by default. */
  compression?: number;
}

/**
 * `original` (a whole batch) holding only `records`: base offset, last offset
 * delta, producer fields and flags stay (Kafka keeps the last offset so that a
 * producer's last sequence survives cleaning); counts, timestamps, length and
 * CRC are recomputed. `records` may be empty (a batch kept for its producer state).
 */
export function rebuildBatch(original: Buffer, records: readonly RawRecord[], options: RebuildOptions = {}): Buffer {
  const header = readBatchHeader(original);
  const logAppendTime = usesLogAppendTime(header.attributes);
  const baseTimestamp = options.deleteHorizon ?? (records.length > 0 ? records[0].timestamp : header.baseTimestamp);
  let maxTimestamp = records.length > 0 && !logAppendTime ? -1 : header.maxTimestamp;
  const bodies = records.map((record) => {
    const timestampDelta = record.timestamp - baseTimestamp;
    const offsetDelta = record.offset - header.baseOffset;
    if (!logAppendTime) maxTimestamp = Math.max(maxTimestamp, record.timestamp);
    const size = 1 + zigzagSize(timestampDelta) + zigzagSize(offsetDelta) + record.tail.length;
    return { record, timestampDelta, offsetDelta, size };
  });
  const plain = Buffer.alloc(bodies.reduce((sum, b) => sum + zigzagSize(b.size) + b.size, 0));
  let pos = 0;
  for (const body of bodies) {
    pos = writeZigzag(plain, pos, body.size);
    plain[pos++] = 0; // record attributes: unused in v2
    pos = writeZigzag(plain, pos, body.timestampDelta);
    pos = writeZigzag(plain, pos, body.offsetDelta);
    pos += body.record.tail.copy(plain, pos);
  }
  const codec = options.compression ?? compressionOf(header.attributes);
  const section = codec === 0 || records.length === 0 ? plain : compressRecords(codec, plain);
  const out = Buffer.alloc(BATCH_HEADER_SIZE + section.length);
  original.copy(out, 0, 0, BATCH_HEADER_SIZE);
  section.copy(out, BATCH_HEADER_SIZE);
  let attributes = (header.attributes & ~0x07) | (records.length === 0 ? 0 : codec);
  if (options.deleteHorizon !== undefined) attributes |= DELETE_HORIZON_FLAG;
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_POS);
  out.writeInt16BE(attributes, ATTRIBUTES_POS);
  out.writeBigInt64BE(BigInt(baseTimestamp), BASE_TIMESTAMP_POS);
  out.writeBigInt64BE(BigInt(maxTimestamp), MAX_TIMESTAMP_POS);
  out.writeInt32BE(records.length, RECORDS_COUNT_POS);
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_POS);
  return out;
}
