import {
  ATTRIBUTES_POS, BASE_OFFSET_POS, BASE_TIMESTAMP_POS, BATCH_HEADER_SIZE, COMPRESSION_NAMES, CRC_POS, LAST_OFFSET_DELTA_POS,
  MAX_TIMESTAMP_POS, PARTITION_LEADER_EPOCH_POS, compressionOf, computeBatchCrc,
} from '../protocol/record-batch';
import { decompressRecords, UnsupportedCompressionError } from '../protocol/compression';
import { checkBatch, isFault } from './batch-check';
import { InvalidBatchError } from './errors';
import type { BatchLocation } from './segment';

/** The attributes bit that marks a batch's timestamps as the broker's append time. */
const LOG_APPEND_TIME_BIT = 0x08;

export interface ValidatedAppend {
  batches: BatchLocation[];
  recordCount: number;
  /** The largest timestamp of the append, as it will be stored (recomputed, or the append time). */
  maxTimestamp: number;
  /** Per batch, the attributes the stored header gets (the timestamp-type bit set or cleared). */
  attributes: number[];
}

/** How timestamps are treated (a topic's message.timestamp.* settings); absent: CreateTime without limits. */
export interface TimestampRules {
  type: 'CreateTime' | 'LogAppendTime';
  /** The broker's clock at this append. */
  now: number;
  /** How far a CreateTime timestamp may lie before / after `now` (Number.MAX_SAFE_INTEGER: no limit). */
  beforeMaxMs: number;
  afterMaxMs: number;
}

const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * Checks every batch in `data` before anything is written, so a rejected
 * append leaves the log untouched. As Kafka's LogValidator does, the stored
 * maxTimestamp is never the producer's claim: it is recomputed from the
 * records (CreateTime; sarama, for one, writes -1 there) or is the append
 * time (LogAppendTime). Locations carry offsets relative to 0; the log
 * shifts them when it assigns real offsets.
 */
export function validateAppend(data: Buffer, maxMessageBytes: number, segmentBytes: number, rules?: TimestampRules): ValidatedAppend {
  if (data.length === 0) throw new InvalidBatchError('CORRUPT_MESSAGE', 0, 0, 'no record batches');
  if (data.length > segmentBytes) {
    throw new InvalidBatchError('RECORD_LIST_TOO_LARGE', 0, 0, `${data.length} bytes exceed segment.bytes ${segmentBytes}`);
  }
  const batches: BatchLocation[] = [];
  const attributes: number[] = [];
  let recordCount = 0;
  let maxTimestamp = -1;
  for (let pos = 0; pos < data.length; ) {
    const result = checkBatch(data, pos, data.length, maxMessageBytes);
    if (isFault(result)) {
      const errorName = result.problem === 'too-large' ? 'MESSAGE_TOO_LARGE' : 'CORRUPT_MESSAGE';
      throw new InvalidBatchError(errorName, batches.length, pos, result.detail);
    }
    const stored = storedTimestamps(data, pos, result.size, result.recordsCount, batches.length, rules);
    batches.push({
      position: pos,
      size: result.size,
      baseOffset: recordCount,
      lastOffset: recordCount + result.lastOffsetDelta,
      maxTimestamp: stored.maxTimestamp,
    });
    attributes.push(stored.attributes);
    recordCount += result.recordsCount;
    maxTimestamp = Math.max(maxTimestamp, stored.maxTimestamp);
    pos += result.size;
  }
  return { batches, recordCount, maxTimestamp, attributes };
}

function storedTimestamps(data: Buffer, pos: number, size: number, count: number, batchIndex: number, rules: TimestampRules | undefined) {
  const given = data.readInt16BE(pos + ATTRIBUTES_POS);
  if (rules?.type === 'LogAppendTime') return { maxTimestamp: rules.now, attributes: given | LOG_APPEND_TIME_BIT };
  const compression = compressionOf(given);
  let body = data;
  let start = pos + BATCH_HEADER_SIZE;
  let end = pos + size;
  if (compression !== 0) {
    try {
      body = decompressRecords(compression, data.subarray(start, end));
    } catch (error) {
      if (error instanceof UnsupportedCompressionError) throw new InvalidBatchError('CORRUPT_MESSAGE', batchIndex, pos, error.message);
      throw new InvalidBatchError('CORRUPT_MESSAGE', batchIndex, pos, `cannot decompress ${COMPRESSION_NAMES[compression]}: ${(error as Error).message}`);
    }
    start = 0;
    end = body.length;
  }
  const baseTimestamp = Number(data.readBigInt64BE(pos + BASE_TIMESTAMP_POS));
  const limited = rules !== undefined && (rules.beforeMaxMs < NO_LIMIT || rules.afterMaxMs < NO_LIMIT);
  const check = !limited || !rules ? undefined : (timestamp: number, recordIndex: number) => {
    const earliest = rules.now - rules.beforeMaxMs;
    const latest = rules.now + rules.afterMaxMs;
    if (timestamp >= 0 && (timestamp < earliest || timestamp > latest)) {
      throw new InvalidBatchError(
        'INVALID_TIMESTAMP',
        batchIndex,
        pos,
        `timestamp ${timestamp} of record ${recordIndex} is out of range; it must be within [${earliest}, ${latest}] (message.timestamp.before.max.ms, message.timestamp.after.max.ms)`,
      );
    }
  };
  const maxTimestamp = maxRecordTimestamp(body, start, end, count, baseTimestamp, check, (detail) => new InvalidBatchError('CORRUPT_MESSAGE', batchIndex, pos, detail));
  return { maxTimestamp, attributes: given & ~LOG_APPEND_TIME_BIT };
}

/** Where readVarint left off; module state keeps the per-record walk free of allocations (it runs for every record appended). */
let cursor = 0;

/** A zigzag varint at `pos` (up to 2^53 in magnitude); NaN when it runs past `end` or is too long. */
function readVarint(buffer: Buffer, pos: number, end: number): number {
  let n = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    if (pos >= end) return NaN;
    const byte = buffer[pos++];
    n += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      cursor = pos;
      return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
    }
    scale *= 128;
  }
  return NaN;
}

/** The largest record timestamp, reading each record's length and timestamp delta only. */
function maxRecordTimestamp(
  body: Buffer, start: number, end: number, count: number, baseTimestamp: number,
  check: ((timestamp: number, recordIndex: number) => void) | undefined,
  corrupt: (detail: string) => Error,
): number {
  let max = -1;
  let p = start;
  for (let i = 0; i < count; i++) {
    const length = readVarint(body, p, end);
    const recordEnd = cursor + length;
    if (!(length >= 2) || recordEnd > end) throw corrupt(`record ${i}: length ${length} runs past the records' end`);
    const delta = readVarint(body, cursor + 1, recordEnd); // after the attributes byte
    if (Number.isNaN(delta)) throw corrupt(`record ${i}: its timestamp delta is not a varint`);
    const timestamp = baseTimestamp + delta;
    if (check) check(timestamp, i);
    if (timestamp > max) max = timestamp;
    p = recordEnd;
  }
  if (p !== end) throw corrupt(`${end - p} bytes follow the last of ${count} records`);
  return max;
}

/**
 * Rewrites each batch's base offset (and zeroes its leader epoch); neither is covered by the CRC.
 * Where the stored max timestamp or timestamp type differs from the producer's, those and the CRC
 * are rewritten as well.
 */
export function assignOffsets(data: Buffer, validated: ValidatedAppend, firstOffset: number): BatchLocation[] {
  return validated.batches.map((batch, i) => {
    const baseOffset = firstOffset + batch.baseOffset;
    data.writeBigInt64BE(BigInt(baseOffset), batch.position + BASE_OFFSET_POS);
    data.writeInt32BE(0, batch.position + PARTITION_LEADER_EPOCH_POS);
    const attributes = validated.attributes?.[i];
    const claimed = Number(data.readBigInt64BE(batch.position + MAX_TIMESTAMP_POS));
    const claimedAttributes = data.readInt16BE(batch.position + ATTRIBUTES_POS);
    if (attributes !== undefined && (claimed !== batch.maxTimestamp || claimedAttributes !== attributes)) {
      data.writeInt16BE(attributes, batch.position + ATTRIBUTES_POS);
      data.writeBigInt64BE(BigInt(batch.maxTimestamp), batch.position + MAX_TIMESTAMP_POS);
      data.writeUInt32BE(computeBatchCrc(data, batch.position, batch.size), batch.position + CRC_POS);
    }
    return { ...batch, baseOffset, lastOffset: baseOffset + data.readInt32BE(batch.position + LAST_OFFSET_DELTA_POS) };
  });
}

