import { BatchHeader, isControlBatch } from '../protocol/record-batch';
import { isTransactionalBatch, readControlMarker } from '../protocol/control-batch';

/** One entry of a read_committed Fetch answer's aborted_transactions. */
export interface AbortedTransaction {
  producerId: number;
  /** The transaction's first offset in the partition. */
  firstOffset: number;
}

/**
 * The consumer's half of read_committed, as Kafka's consumers do it: the broker stops a fetch at the last stable
 * offset and lists the aborted transactions overlapping it; walking the batches in offset order, a producer is
 * aborting from the batch that reaches its transaction's first offset until its ABORT marker, and its
 * transactional batches meanwhile are aborted data. One filter per fetch answer (the list covers that answer).
 */
export class AbortedTransactionFilter {
  private readonly upcoming: AbortedTransaction[];
  private next = 0;
  private readonly aborting = new Set<number>();

  constructor(aborted: readonly AbortedTransaction[]) {
    this.upcoming = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /**
   * Whether the batch at `pos` (header `header`) holds aborted records. Every batch of the answer must be shown,
   * in order, control batches included: an ABORT marker ends its producer's aborted run. A marker itself is never
   * "aborted" (it holds no records; callers skip control batches anyway).
   */
  isAborted(buffer: Buffer, pos: number, header: BatchHeader): boolean {
    if (header.producerId < 0) return false;
    const lastOffset = header.baseOffset + header.lastOffsetDelta;
    while (this.next < this.upcoming.length && this.upcoming[this.next].firstOffset <= lastOffset) {
      this.aborting.add(this.upcoming[this.next++].producerId);
    }
    if (isControlBatch(header.attributes)) {
      if (readControlMarker(buffer, pos)?.commit === false) this.aborting.delete(header.producerId);
      return false;
    }
    return isTransactionalBatch(header.attributes) && this.aborting.has(header.producerId);
  }
}
