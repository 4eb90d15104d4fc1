import { BASE_OFFSET_POS, BATCH_LENGTH_POS, LAST_OFFSET_DELTA_POS, LOG_OVERHEAD } from '../../protocol/record-batch';
import type { StoredPartition } from '../../ports/partition-store';

export const READ_COMMITTED = 1;

export interface IsolatedRead {
  records: Buffer;
  /** Fetch's AbortedTransactions: null for read_uncommitted, as Kafka sends it. */
  abortedTransactions: { producerId: number; firstOffset: number }[] | null;
}

/**
 * What a read_committed fetch may see of `records` (whole batches read from
 * `log`): the batches below the last stable offset, and the aborted
 * transactions overlapping them, which the client uses to drop aborted data.
 * read_uncommitted sees everything up to the high watermark.
 */
export function isolate(log: StoredPartition, records: Buffer, fetchOffset: number, isolationLevel: number | undefined): IsolatedRead {
  if (isolationLevel !== READ_COMMITTED) return { records, abortedTransactions: null };
  const lastStable = log.lastStableOffset;
  let end = 0;
  let upperBound = fetchOffset;
  while (end + LOG_OVERHEAD <= records.length) {
    const baseOffset = Number(records.readBigInt64BE(end + BASE_OFFSET_POS));
    if (baseOffset >= lastStable) break;
    upperBound = baseOffset + records.readInt32BE(end + LAST_OFFSET_DELTA_POS) + 1;
    end += LOG_OVERHEAD + records.readInt32BE(end + BATCH_LENGTH_POS);
  }
  const visible = end === records.length ? records : records.subarray(0, end);
  const aborted = visible.length === 0 ? [] : log.abortedTransactions(fetchOffset, upperBound);
  return { records: visible, abortedTransactions: aborted.map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset })) };
}
