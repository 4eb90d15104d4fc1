import { LogConfig } from './log-config';
import { LogSegment, TimestampAndOffset } from './segment';
import { LogStorageError, OffsetOutOfRangeError } from './errors';
import { syncDirectory } from './atomic-file';
import type { ReadAllocator, ReadResult } from '../ports/partition-store';
import type { OpenFileCache } from './open-file-cache';

const EMPTY = Buffer.alloc(0);

/**
 * The base of `PartitionLog`: its ordered run of segments (the last one active) and what only reads or
 * reshapes that run: offset bounds, reads, timestamp lookups, the DeleteRecords start offset and the log
 * cleaner's segment replacement. Appends, rolls, flushes and retention are `PartitionLog`'s.
 */
export abstract class SegmentedLog {
  /** Raised by DeleteRecords; may lie inside the first segment. */
  protected startOffset = 0;

  protected constructor(
    readonly dir: string,
    protected config: LogConfig,
    protected readonly segments: LogSegment[],
    protected readonly now: () => number,
    protected readonly files: OpenFileCache,
  ) {}

  get logStartOffset(): number {
    return Math.max(this.startOffset, this.segments[0].baseOffset);
  }

  get logEndOffset(): number {
    return this.activeSegment.nextOffset;
  }

  /** With a single replica every appended record is committed at once. */
  get highWatermark(): number {
    return this.logEndOffset;
  }

  get sizeInBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  protected get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  get currentConfig(): Readonly<LogConfig> {
    return this.config;
  }

  allSegments(): readonly LogSegment[] {
    return this.segments;
  }

  /**
   * For the log cleaner: `install` puts the cleaned file in place of the first of the consecutive closed
   * segments `olds` (all or nothing), which is opened afresh with rebuilt indexes; then the rest leave the
   * log and `removeRest` deletes their files.
   */
  replaceSegments(olds: readonly LogSegment[], install: () => void, removeRest: () => void): void {
    const index = this.segments.indexOf(olds[0]);
    const consecutive = index >= 0 && olds.every((s, i) => this.segments[index + i] === s);
    if (!consecutive || index + olds.length > this.segments.length - 1) throw new LogStorageError(olds[0].logPath, 'is not a run of closed segments of this log');
    for (const old of olds) old.close();
    try {
      install();
    } catch (error) {
      // Nothing was replaced: the old files are whole and stay in use.
      const reopened = olds.map((old) => LogSegment.open(this.dir, old.baseOffset, this.config, this.files));
      for (const segment of reopened) segment.recover(false, this.config.maxMessageBytes);
      this.segments.splice(index, olds.length, ...reopened);
      throw error;
    }
    const fresh = LogSegment.open(this.dir, olds[0].baseOffset, this.config, this.files);
    fresh.recover(false, this.config.maxMessageBytes);
    fresh.flush();
    this.segments.splice(index, olds.length, fresh);
    removeRest();
  }

  removeSegment(segment: LogSegment): void {
    const index = this.segments.indexOf(segment);
    if (index < 0 || index === this.segments.length - 1) throw new LogStorageError(segment.logPath, 'is not a closed segment after the first');
    this.segments.splice(index, 1);
    segment.deleteFiles();
    syncDirectory(this.dir);
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
  }

  /** Index of the segment that would hold `offset` (largest base offset ≤ offset). */
  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Whole batches starting with the one that contains `offset`, up to `maxBytes`. */
  read(offset: number, maxBytes: number): ReadResult {
    this.checkReadable(offset);
    for (let i = this.segmentIndexFor(offset); i < this.segments.length; i++) {
      const records = this.segments[i].read(offset, maxBytes);
      if (records && records.length > 0) return this.readResult(records);
    }
    return this.readResult(EMPTY);
  }

  /** As read(); a read of more than `syncBytes` copies off the event loop (LogSegment.readAsync). */
  async readAsync(offset: number, maxBytes: number, syncBytes: number, allocate?: ReadAllocator): Promise<ReadResult> {
    this.checkReadable(offset);
    // Taken now: DeleteRecords or retention may change the run of segments while a read is on the thread pool.
    for (const segment of this.segments.slice(this.segmentIndexFor(offset))) {
      const records = await segment.readAsync(offset, maxBytes, syncBytes, allocate);
      if (records && records.length > 0) return this.readResult(records);
    }
    return this.readResult(EMPTY);
  }

  private checkReadable(offset: number): void {
    if (offset < this.logStartOffset || offset > this.logEndOffset) {
      throw new OffsetOutOfRangeError(offset, this.logStartOffset, this.logEndOffset);
    }
  }

  private readResult(records: Buffer): ReadResult {
    return { records, logStartOffset: this.logStartOffset, highWatermark: this.highWatermark, logEndOffset: this.logEndOffset };
  }

  /** The first record with a timestamp ≥ `timestamp`; undefined when every record is older. */
  offsetForTimestamp(timestamp: number): TimestampAndOffset | undefined {
    for (const segment of this.segments) {
      if (segment.nextOffset <= this.logStartOffset) continue;
      const found = segment.offsetForTimestamp(timestamp);
      if (found) return { ...found, offset: Math.max(found.offset, this.logStartOffset) };
    }
    return undefined;
  }

  /** The first record with the largest timestamp (ListOffsets MAX_TIMESTAMP); undefined when the log is empty. */
  maxTimestampOffset(): TimestampAndOffset | undefined {
    let best: LogSegment | undefined;
    for (const segment of this.segments) {
      if (segment.size > 0 && segment.nextOffset > this.logStartOffset && (!best || segment.maxTimestamp > best.maxTimestamp)) best = segment;
    }
    if (!best) return undefined;
    const found = best.offsetForTimestamp(best.maxTimestamp);
    return found && { ...found, offset: Math.max(found.offset, this.logStartOffset) };
  }

  /**
   * Moves the log start up to `offset` (DeleteRecords); OffsetOutOfRangeError past the high watermark. The
   * caller records the new start durably, then calls dropSegmentsBelowLogStart: a crash in between leaves
   * segments that are no longer read, never records that come back.
   */
  moveLogStart(offset: number): number {
    if (offset > this.highWatermark || offset < 0) throw new OffsetOutOfRangeError(offset, this.logStartOffset, this.highWatermark);
    if (offset > this.logStartOffset) this.startOffset = offset;
    return this.logStartOffset;
  }

  /** First segment's base offset (the log start may lie past it). */
  get firstSegmentBase(): number {
    return this.segments[0].baseOffset;
  }

  /** Segment base offsets and sizes, oldest first. */
  describeSegments(): { baseOffset: number; nextOffset: number; size: number }[] {
    return this.segments.map((s) => ({ baseOffset: s.baseOffset, nextOffset: s.nextOffset, size: s.size }));
  }
}
