import type { BatchLocation } from './segment-view';

/** How many of a segment's newest batches are remembered: a consumer at the log end reads within them. */
export const RECENT_BATCHES = 512;

/**
 * The locations of a segment's newest batches, in order and running up to its end, kept in memory (typed arrays:
 * nothing allocated per append). A fetch at or near the log end finds its first batch here instead of reading the
 * header of every batch after the sparse index's entry (up to index.interval.bytes of them: one read(2) each).
 */
export class RecentBatches {
  private readonly position = new Float64Array(RECENT_BATCHES);
  private readonly size = new Float64Array(RECENT_BATCHES);
  private readonly baseOffset = new Float64Array(RECENT_BATCHES);
  private readonly lastOffset = new Float64Array(RECENT_BATCHES);
  private readonly maxTimestamp = new Float64Array(RECENT_BATCHES);
  /** Slot of the oldest entry, and how many there are. */
  private head = 0;
  private count = 0;

  /** Remembers the batch that follows the newest one (or starts a new run if it does not follow it). */
  add(loc: BatchLocation): void {
    if (this.count > 0) {
      const newest = (this.head + this.count - 1) % RECENT_BATCHES;
      if (this.position[newest] + this.size[newest] !== loc.position) this.clear();
    }
    const slot = (this.head + this.count) % RECENT_BATCHES;
    this.position[slot] = loc.position;
    this.size[slot] = loc.size;
    this.baseOffset[slot] = loc.baseOffset;
    this.lastOffset[slot] = loc.lastOffset;
    this.maxTimestamp[slot] = loc.maxTimestamp;
    if (this.count < RECENT_BATCHES) this.count++;
    else this.head = (this.head + 1) % RECENT_BATCHES;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  /**
   * The first batch whose last offset is ≥ `offset`, as a scan of the log would find it; null when none is in a
   * segment that ends at byte `end`; undefined when this memory cannot tell (the caller scans the log).
   */
  find(offset: number, end: number): BatchLocation | null | undefined {
    if (this.count === 0 || offset < this.baseOffset[this.head]) return undefined;
    const newest = (this.head + this.count - 1) % RECENT_BATCHES;
    if (this.position[newest] + this.size[newest] !== end) return undefined;
    if (offset > this.lastOffset[newest]) return null;
    let low = 0;
    let high = this.count - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.lastOffset[(this.head + middle) % RECENT_BATCHES] >= offset) high = middle;
      else low = middle + 1;
    }
    const slot = (this.head + low) % RECENT_BATCHES;
    return {
      position: this.position[slot],
      size: this.size[slot],
      baseOffset: this.baseOffset[slot],
      lastOffset: this.lastOffset[slot],
      maxTimestamp: this.maxTimestamp[slot],
    };
  }
}
