// Kafka RecordBatch v2 ("magic 2") header layout and checks.
// Sizes and positions follow Kafka's DefaultRecordBatch.
import { crc32c } from './crc32c';

export const BASE_OFFSET_POS = 0;
export const BATCH_LENGTH_POS = 8;
export const LOG_OVERHEAD = 12; // baseOffset + batchLength precede the length-counted part
export const PARTITION_LEADER_EPOCH_POS = 12;
export const MAGIC_POS = 16;
export const CRC_POS = 17;
export const ATTRIBUTES_POS = 21;
export const LAST_OFFSET_DELTA_POS = 23;
export const BASE_TIMESTAMP_POS = 27;
export const MAX_TIMESTAMP_POS = 35;
export const PRODUCER_ID_POS = 43;
export const PRODUCER_EPOCH_POS = 51;
export const BASE_SEQUENCE_POS = 53;
export const RECORDS_COUNT_POS = 57;
export const BATCH_HEADER_SIZE = 61;

export const CURRENT_MAGIC = 2;

export const enum Compression {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

export const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export interface BatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/** Total bytes of the batch starting at `pos`, including the 12-byte log overhead. */
export function batchSizeAt(buffer: Buffer, pos: number): number {
  return LOG_OVERHEAD + buffer.readInt32BE(pos + BATCH_LENGTH_POS);
}

export function readBatchHeader(buffer: Buffer, pos = 0): BatchHeader {
  return {
    baseOffset: Number(buffer.readBigInt64BE(pos + BASE_OFFSET_POS)),
    batchLength: buffer.readInt32BE(pos + BATCH_LENGTH_POS),
    partitionLeaderEpoch: buffer.readInt32BE(pos + PARTITION_LEADER_EPOCH_POS),
    magic: buffer.readInt8(pos + MAGIC_POS),
    crc: buffer.readUInt32BE(pos + CRC_POS),
    attributes: buffer.readInt16BE(pos + ATTRIBUTES_POS),
    lastOffsetDelta: buffer.readInt32BE(pos + LAST_OFFSET_DELTA_POS),
    baseTimestamp: Number(buffer.readBigInt64BE(pos + BASE_TIMESTAMP_POS)),
    maxTimestamp: Number(buffer.readBigInt64BE(pos + MAX_TIMESTAMP_POS)),
    producerId: Number(buffer.readBigInt64BE(pos + PRODUCER_ID_POS)),
    producerEpoch: buffer.readInt16BE(pos + PRODUCER_EPOCH_POS),
    baseSequence: buffer.readInt32BE(pos + BASE_SEQUENCE_POS),
    recordsCount: buffer.readInt32BE(pos + RECORDS_COUNT_POS),
  };
}

export function compressionOf(attributes: number): number {
  return attributes & 0x07;
}

export function isControlBatch(attributes: number): boolean {
  return (attributes & 0x20) !== 0;
}

export function usesLogAppendTime(attributes: number): boolean {
  return (attributes & 0x08) !== 0;
}

/** The CRC a batch should carry: CRC-32C over everything from the attributes to its end. */
export function computeBatchCrc(buffer: Buffer, pos: number, size: number): number {
  return crc32c(buffer, pos + ATTRIBUTES_POS, pos + size);
}

export function writeBaseOffset(buffer: Buffer, pos: number, baseOffset: number): void {
  buffer.writeBigInt64BE(BigInt(baseOffset), pos + BASE_OFFSET_POS);
}

/** Offset of the last record in the batch at `pos`. */
export function lastOffsetAt(buffer: Buffer, pos: number): number {
  return Number(buffer.readBigInt64BE(pos + BASE_OFFSET_POS)) + buffer.readInt32BE(pos + LAST_OFFSET_DELTA_POS);
}

export function maxTimestampAt(buffer: Buffer, pos: number): number {
  return Number(buffer.readBigInt64BE(pos + MAX_TIMESTAMP_POS));
}

/** Data records in whole v2 batches (control batches, a truncated tail and other magics count nothing): what Fetch hands consumers. */
export function dataRecordsIn(buffer: Buffer): number {
  let count = 0;
  for (let pos = 0; pos + BATCH_HEADER_SIZE <= buffer.length; pos += batchSizeAt(buffer, pos)) {
    if (buffer.readInt8(pos + MAGIC_POS) !== CURRENT_MAGIC || pos + batchSizeAt(buffer, pos) > buffer.length) break;
    if (!isControlBatch(buffer.readInt16BE(pos + ATTRIBUTES_POS))) count += buffer.readInt32BE(pos + RECORDS_COUNT_POS);
  }
  return count;
}
