import { BASE_OFFSET_POS, LAST_OFFSET_DELTA_POS, PARTITION_LEADER_EPOCH_POS } from '../protocol/record-batch';
import { checkBatch, isFault } from './batch-check';
import { InvalidBatchError } from './errors';
import type { BatchLocation } from './segment';

export interface ValidatedAppend {
  batches: BatchLocation[];
  recordCount: number;
  maxTimestamp: number;
}

/**
 * Checks every batch in `data` before anything is written, so a rejected
 * append leaves the log untouched. Locations carry offsets relative to 0;
 * the log shifts them when it assigns real offsets.
 */
export function validateAppend(data: Buffer, maxMessageBytes: number, segmentBytes: number): ValidatedAppend {
  if (data.length === 0) throw new InvalidBatchError('CORRUPT_MESSAGE', 0, 0, 'no record batches');
  if (data.length > segmentBytes) {
    throw new InvalidBatchError('RECORD_LIST_TOO_LARGE', 0, 0, `${data.length} bytes exceed segment.bytes ${segmentBytes}`);
  }
  const batches: BatchLocation[] = [];
  let recordCount = 0;
  let maxTimestamp = -1;
  for (let pos = 0; pos < data.length; ) {
    const result = checkBatch(data, pos, data.length, maxMessageBytes);
    if (isFault(result)) {
      const errorName = result.problem === 'too-large' ? 'MESSAGE_TOO_LARGE' : 'CORRUPT_MESSAGE';
      throw new InvalidBatchError(errorName, batches.length, pos, result.detail);
    }
    batches.push({
      position: pos,
      size: result.size,
      baseOffset: recordCount,
      lastOffset: recordCount + result.lastOffsetDelta,
      maxTimestamp: result.maxTimestamp,
    });
    recordCount += result.recordsCount;
    maxTimestamp = Math.max(maxTimestamp, result.maxTimestamp);
    pos += result.size;
  }
  return { batches, recordCount, maxTimestamp };
}

/** Rewrites each batch's base offset (and zeroes its leader epoch); neither is covered by the CRC. */
export function assignOffsets(data: Buffer, validated: ValidatedAppend, firstOffset: number): BatchLocation[] {
  return validated.batches.map((batch) => {
    const baseOffset = firstOffset + batch.baseOffset;
    data.writeBigInt64BE(BigInt(baseOffset), batch.position + BASE_OFFSET_POS);
    data.writeInt32BE(0, batch.position + PARTITION_LEADER_EPOCH_POS);
    return { ...batch, baseOffset, lastOffset: baseOffset + data.readInt32BE(batch.position + LAST_OFFSET_DELTA_POS) };
  });
}
