import {
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_POS,
  CRC_POS,
  CURRENT_MAGIC,
  LAST_OFFSET_DELTA_POS,
  LOG_OVERHEAD,
  MAGIC_POS,
  MAX_TIMESTAMP_POS,
  RECORDS_COUNT_POS,
  computeBatchCrc,
} from '../protocol/record-batch';

export interface BatchSummary {
  position: number;
  size: number;
  recordsCount: number;
  lastOffsetDelta: number;
  maxTimestamp: number;
}

export type BatchProblem = 'truncated' | 'too-large' | 'corrupt';

export interface BatchFault {
  problem: BatchProblem;
  position: number;
  detail: string;
}

/**
 * Checks the batch starting at `pos`, which must end by `end`: length, magic,
 * CRC-32C, and that lastOffsetDelta + 1 equals the record count. A `stored`
 * batch may hold fewer records than its offset span (none at all, even): the
 * log cleaner removes records but keeps a batch's offsets, as Kafka does.
 */
export function checkBatch(buffer: Buffer, pos: number, end: number, maxBatchBytes: number, stored = false): BatchSummary | BatchFault {
  const fault = (problem: BatchProblem, detail: string): BatchFault => ({ problem, position: pos, detail });
  if (end - pos < LOG_OVERHEAD) return fault('truncated', `only ${end - pos} bytes where a batch header needs ${BATCH_HEADER_SIZE}`);
  const batchLength = buffer.readInt32BE(pos + BATCH_LENGTH_POS);
  const size = LOG_OVERHEAD + batchLength;
  if (size < BATCH_HEADER_SIZE) return fault('corrupt', `batch length ${batchLength} is smaller than a batch header`);
  if (size > maxBatchBytes) return fault('too-large', `batch of ${size} bytes exceeds the limit of ${maxBatchBytes}`);
  if (end - pos < size) return fault('truncated', `batch declares ${size} bytes but only ${end - pos} remain`);
  const magic = buffer.readInt8(pos + MAGIC_POS);
  if (magic !== CURRENT_MAGIC) return fault('corrupt', `magic ${magic}; only record batch format v2 (magic 2) is accepted`);
  const storedCrc = buffer.readUInt32BE(pos + CRC_POS);
  const actualCrc = computeBatchCrc(buffer, pos, size);
  if (storedCrc !== actualCrc) {
    return fault('corrupt', `CRC-32C mismatch: stored ${storedCrc.toString(16)}, computed ${actualCrc.toString(16)}`);
  }
  const lastOffsetDelta = buffer.readInt32BE(pos + LAST_OFFSET_DELTA_POS);
  const recordsCount = buffer.readInt32BE(pos + RECORDS_COUNT_POS);
  if (stored ? recordsCount < 0 || lastOffsetDelta < 0 || recordsCount > lastOffsetDelta + 1 : recordsCount < 1 || lastOffsetDelta + 1 !== recordsCount) {
    return fault('corrupt', `lastOffsetDelta ${lastOffsetDelta} + 1 does not equal records count ${recordsCount}`);
  }
  const maxTimestamp = Number(buffer.readBigInt64BE(pos + MAX_TIMESTAMP_POS));
  return { position: pos, size, recordsCount, lastOffsetDelta, maxTimestamp };
}

export function isFault(result: BatchSummary | BatchFault): result is BatchFault {
  return (result as BatchFault).problem !== undefined;
}
