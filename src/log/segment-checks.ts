import { BASE_OFFSET_POS, BATCH_HEADER_SIZE, BATCH_LENGTH_POS, LOG_OVERHEAD, PARTITION_LEADER_EPOCH_POS } from '../protocol/record-batch';
import { checkBatch, isFault } from './batch-check';
import type { SegmentView } from './segment-view';

/**
 * True when both indexes agree with the log file: every offset-index entry
 * points at the start of the batch it names, and every time-index entry names
 * a batch's last offset and the largest timestamp seen up to it.
 */
export function indexesMatchLog(segment: SegmentView): boolean {
  const { offsetIndex, timeIndex } = segment;
  let previous = { offset: -1, position: -1 };
  for (let i = 0; i < offsetIndex.entries; i++) {
    const entry = offsetIndex.entryAt(i);
    if (entry.offset <= previous.offset || entry.position <= previous.position) return false;
    const batch = segment.locate(entry.position);
    if (!batch || batch.lastOffset !== entry.offset || batch.position + batch.size > segment.size) return false;
    previous = entry;
  }
  let previousTime = { timestamp: -Infinity, offset: -1 };
  for (let i = 0; i < timeIndex.entries; i++) {
    const entry = timeIndex.entryAt(i);
    if (entry.timestamp <= previousTime.timestamp || entry.offset < previousTime.offset) return false;
    const batch = entry.offset < segment.nextOffset ? segment.findBatch(entry.offset) : undefined;
    if (!batch || batch.lastOffset !== entry.offset || batch.maxTimestamp !== entry.timestamp) return false;
    previousTime = entry;
  }
  return true;
}

/**
 * What is wrong with the batch at `position` (length, magic, CRC, offset continuity (or, with `allowOffsetGaps`,
 * growth), leader epoch), or undefined when it is sound. `segment.nextOffset` is the offset it must start at.
 */
export function batchFaultAt(segment: SegmentView, position: number, maxBatchBytes: number, allowOffsetGaps: boolean): string | undefined {
  const remaining = segment.size - position;
  if (remaining < BATCH_HEADER_SIZE) return `${remaining} trailing bytes at byte ${position}`;
  const header = segment.readBytes(position, BATCH_HEADER_SIZE);
  const size = LOG_OVERHEAD + header.readInt32BE(BATCH_LENGTH_POS);
  if (size < BATCH_HEADER_SIZE || size > Math.min(remaining, maxBatchBytes)) return `bad batch length ${size} at byte ${position}`;
  const batch = segment.readBytes(position, size);
  const check = checkBatch(batch, 0, size, maxBatchBytes, true);
  if (isFault(check)) return `${check.detail} at byte ${position}`;
  const baseOffset = Number(batch.readBigInt64BE(BASE_OFFSET_POS));
  const { nextOffset } = segment;
  // The base offset is outside the CRC: continuity is its check. Only a log the cleaner may have
  // rewritten has gaps (where it dropped whole batches), and there offsets must still grow within the segment's range.
  const expected = allowOffsetGaps ? baseOffset >= nextOffset && baseOffset - segment.baseOffset <= 0x7fffffff : baseOffset === nextOffset;
  if (!expected) return `base offset ${baseOffset} where ${allowOffsetGaps ? 'at least ' : ''}${nextOffset} was expected, at byte ${position}`;
  if (batch.readInt32BE(PARTITION_LEADER_EPOCH_POS) !== 0) return `unexpected partition leader epoch at byte ${position}`;
  return undefined;
}
