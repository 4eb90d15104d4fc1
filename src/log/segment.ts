import * as fs from 'node:fs';
import {
  BASE_OFFSET_POS,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_POS,
  LAST_OFFSET_DELTA_POS,
  LOG_OVERHEAD,
  MAX_TIMESTAMP_POS,
  compressionOf,
  ATTRIBUTES_POS,
} from '../protocol/record-batch';
import { decodeRecords } from '../protocol/records';
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, segmentFile } from './file-names';
import { OffsetIndex } from './offset-index';
import { RecentBatches } from './recent-batches';
import { TimeIndex } from './time-index';
import { CachedFile, MIN_OPEN_FILES, OpenFileCache } from './open-file-cache';
import { batchFaultAt, indexesMatchLog } from './segment-checks';
import type { BatchLocation, SegmentView, TimestampAndOffset } from './segment-view';
import type { ReadAllocator } from '../ports/partition-store';

export type { BatchLocation, TimestampAndOffset } from './segment-view';

export interface SegmentSettings {
  indexIntervalBytes: number;
  segmentIndexBytes: number;
}

export interface RecoveryResult {
  batches: number;
  truncatedBytes: number;
  reason?: string;
}

/**
 * One .log file of whole batches plus its sparse .index and .timeindex,
 * named by the segment's base offset.
 */
export class LogSegment implements SegmentView {
  private readonly file: CachedFile;
  private readonly header = Buffer.alloc(BATCH_HEADER_SIZE);
  private readonly recent = new RecentBatches();
  private bytesSinceLastIndexEntry = 0;
  size: number;
  nextOffset: number;
  maxTimestamp = -1;
  private offsetOfMaxTimestamp: number;
  firstBatchTimestamp = -1;
  /** The index misses entries the indexing rule would have written for the tail of the log. */
  private indexLagsLog = false;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private readonly settings: SegmentSettings,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    files: OpenFileCache,
  ) {
    this.file = files.file(this.logPath);
    this.size = this.file.withFd((fd) => fs.fstatSync(fd).size);
    this.nextOffset = baseOffset;
    this.offsetOfMaxTimestamp = baseOffset;
  }

  get logPath(): string {
    return segmentFile(this.dir, this.baseOffset, LOG_SUFFIX);
  }

  /**
   * Opens (creating if absent) the segment at `baseOffset`; trusts its indexes until told to recover.
   * Its three files hold descriptors from `files` only while in use.
   */
  static open(dir: string, baseOffset: number, settings: SegmentSettings, files = new OpenFileCache(MIN_OPEN_FILES)): LogSegment {
    const offsetIndex = new OffsetIndex(segmentFile(dir, baseOffset, INDEX_SUFFIX), baseOffset, settings.segmentIndexBytes, files);
    const timeIndex = new TimeIndex(segmentFile(dir, baseOffset, TIME_INDEX_SUFFIX), baseOffset, settings.segmentIndexBytes, files);
    const segment = new LogSegment(dir, baseOffset, settings, offsetIndex, timeIndex, files);
    segment.loadTail();
    return segment;
  }

  /** Reads the header of the batch at `position`, or undefined past the end. */
  locate(position: number): BatchLocation | undefined {
    if (position + BATCH_HEADER_SIZE > this.size) return undefined;
    this.file.withFd((fd) => fs.readSync(fd, this.header, 0, BATCH_HEADER_SIZE, position));
    const baseOffset = Number(this.header.readBigInt64BE(BASE_OFFSET_POS));
    return {
      position,
      size: LOG_OVERHEAD + this.header.readInt32BE(BATCH_LENGTH_POS),
      baseOffset,
      lastOffset: baseOffset + this.header.readInt32BE(LAST_OFFSET_DELTA_POS),
      maxTimestamp: Number(this.header.readBigInt64BE(MAX_TIMESTAMP_POS)),
    };
  }

  /** `length` bytes of the log file from `position` (fewer at its end). */
  readBytes(position: number, length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length);
    const got = this.file.withFd((fd) => fs.readSync(fd, buffer, 0, length, position));
    return buffer.subarray(0, got);
  }

  /** Complete batches from `position` on; stops at a torn or implausible length (recovery judges those). */
  *batchesFrom(position: number): Generator<BatchLocation> {
    for (let loc = this.locate(position); loc; loc = this.locate(loc.position + loc.size)) {
      if (loc.size < BATCH_HEADER_SIZE || loc.position + loc.size > this.size) return;
      yield loc;
    }
  }

  /** Sets offsets and timestamps from the index's last entry plus a scan of what follows it. */
  private loadTail(): void {
    const lastIndexed = this.offsetIndex.lastEntry();
    const lastTime = this.timeIndex.lastEntry();
    if (lastTime) {
      this.maxTimestamp = lastTime.timestamp;
      this.offsetOfMaxTimestamp = lastTime.offset;
    }
    const start = lastIndexed?.position ?? 0;
    let sinceEntry = 0;
    for (const loc of this.batchesFrom(start)) {
      if (sinceEntry > this.settings.indexIntervalBytes) this.indexLagsLog = true;
      sinceEntry += loc.size;
      this.noteBatch(loc);
    }
    this.bytesSinceLastIndexEntry = sinceEntry;
    const first = this.locate(0);
    this.firstBatchTimestamp = first ? first.maxTimestamp : -1;
  }

  private noteBatch(loc: BatchLocation): void {
    this.recent.add(loc);
    this.nextOffset = loc.lastOffset + 1;
    if (loc.maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = loc.maxTimestamp;
      this.offsetOfMaxTimestamp = loc.lastOffset;
    }
    if (this.firstBatchTimestamp < 0) this.firstBatchTimestamp = loc.maxTimestamp;
  }

  /** Kafka's indexing rule: an entry once more than index.interval.bytes were written since the last. */
  private indexBatch(loc: BatchLocation): void {
    this.noteBatch(loc);
    if (this.bytesSinceLastIndexEntry > this.settings.indexIntervalBytes) {
      this.offsetIndex.append(loc.lastOffset, loc.position);
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += loc.size;
  }

  get indexIsFull(): boolean {
    return this.offsetIndex.isFull || this.timeIndex.isFull;
  }

  /** Writes already-validated batches with assigned offsets; `batches` positions are relative to `data`. */
  append(data: Buffer, batches: readonly BatchLocation[]): void {
    const start = this.size;
    // Both indexes hold a descriptor before the log is written: running out of them fails the append, not half of it.
    this.offsetIndex.ensureOpen();
    this.timeIndex.ensureOpen();
    this.file.withFd((fd) => {
      try {
        let written = 0;
        while (written < data.length) written += fs.writeSync(fd, data, written, data.length - written, start + written);
      } catch (error) {
        fs.ftruncateSync(fd, start);
        throw error;
      }
    });
    this.size = start + data.length;
    for (const batch of batches) this.indexBatch({ ...batch, position: start + batch.position });
  }

  /** The first batch whose last offset is ≥ `offset`, found through the sparse index. */
  findBatch(offset: number): BatchLocation | undefined {
    const recent = this.recent.find(offset, this.size);
    if (recent !== undefined) return recent ?? undefined;
    for (const loc of this.batchesFrom(this.offsetIndex.lookup(offset).position)) {
      if (loc.lastOffset >= offset) return loc;
    }
    return undefined;
  }

  /** Whole batches from the one holding `offset`, up to `maxBytes` (the first batch is always whole). */
  read(offset: number, maxBytes: number): Buffer | undefined {
    const first = this.findBatch(offset);
    return first ? this.readFrom(first, maxBytes) : undefined;
  }

  private readFrom(first: BatchLocation, maxBytes: number, allocate: ReadAllocator = Buffer.allocUnsafe): Buffer {
    const want = this.readLength(first, maxBytes);
    const buffer = allocate(want);
    const got = this.file.withFd((fd) => fs.readSync(fd, buffer, 0, want, first.position));
    return wholeBatches(buffer, got);
  }

  /**
   * As read(), but a read of more than `syncBytes` copies on libuv's thread pool, so that the event loop goes on
   * serving other clients meanwhile. The descriptor is held until the copy ends: a segment deleted or replaced
   * meanwhile (retention, the cleaner) is still read whole, as it was when the read began.
   */
  async readAsync(offset: number, maxBytes: number, syncBytes: number, allocate: ReadAllocator = Buffer.allocUnsafe): Promise<Buffer | undefined> {
    const first = this.findBatch(offset);
    if (!first) return undefined;
    const want = this.readLength(first, maxBytes);
    if (want <= syncBytes) return this.readFrom(first, maxBytes, allocate);
    let reading: Promise<Buffer>;
    try {
      reading = this.file.withFdAsync((fd) => new Promise<Buffer>((resolve, reject) => {
        const buffer = allocate(want); // only once the read is taken on: the fallback below allocates its own
        fs.read(fd, buffer, 0, want, first.position, (error, got) => (error ? reject(error) : resolve(wholeBatches(buffer, got))));
      }));
    } catch {
      return this.readFrom(first, maxBytes, allocate); // every slot for background work is taken: read here instead
    }
    return reading;
  }

  private readLength(first: BatchLocation, maxBytes: number): number {
    return Math.max(first.size, Math.min(maxBytes, this.size - first.position));
  }

  /** The first record whose timestamp is ≥ `timestamp`, or undefined if this segment holds none. */
  offsetForTimestamp(timestamp: number): TimestampAndOffset | undefined {
    if (this.maxTimestamp < timestamp) return undefined;
    const before = this.timeIndex.lookupBefore(timestamp);
    const start = before ? this.offsetIndex.lookup(before.offset).position : 0;
    for (const loc of this.batchesFrom(start)) {
      if (loc.maxTimestamp < timestamp) continue;
      const batch = Buffer.allocUnsafe(loc.size);
      this.file.withFd((fd) => fs.readSync(fd, batch, 0, loc.size, loc.position));
      // A compressed batch is not opened here: its base offset is a safe, never-later answer.
      if (compressionOf(batch.readInt16BE(ATTRIBUTES_POS)) !== 0) return { offset: loc.baseOffset, timestamp: loc.maxTimestamp };
      const hit = decodeRecords(batch).find((record) => record.timestamp >= timestamp);
      return hit ? { offset: hit.offset, timestamp: hit.timestamp } : { offset: loc.baseOffset, timestamp: loc.maxTimestamp };
    }
    return undefined;
  }

  /** True when both indexes agree with the log file (see `indexesMatchLog`) and none lags behind it. */
  indexesAreConsistent(): boolean {
    if (this.indexLagsLog) return false;
    return indexesMatchLog(this);
  }

  /**
   * Re-reads every batch, rebuilding both indexes. With `validate`, checks each
   * batch (length, magic, CRC, offset continuity (or, with `allowOffsetGaps`, growth), leader epoch) and truncates the
   * file at the first bad one.
   */
  recover(validate: boolean, maxBatchBytes: number, allowOffsetGaps = false): RecoveryResult {
    this.recent.clear();
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.indexLagsLog = false;
    this.bytesSinceLastIndexEntry = 0;
    this.maxTimestamp = -1;
    this.firstBatchTimestamp = -1;
    this.nextOffset = this.baseOffset;
    let position = 0;
    let batches = 0;
    let reason: string | undefined;
    while (position < this.size) {
      const fault = validate ? batchFaultAt(this, position, maxBatchBytes, allowOffsetGaps) : undefined;
      const loc = fault === undefined ? this.locate(position) : undefined;
      if (!loc || loc.size < BATCH_HEADER_SIZE || loc.position + loc.size > this.size) {
        reason = fault ?? `incomplete batch at byte ${position}`;
        break;
      }
      this.indexBatch(loc);
      position += loc.size;
      batches++;
    }
    const truncatedBytes = this.size - position;
    if (truncatedBytes > 0) this.truncateBytes(position);
    return { batches, truncatedBytes, reason };
  }

  private truncateBytes(position: number): void {
    this.file.withFd((fd) => fs.ftruncateSync(fd, position));
    this.size = position;
    this.recent.clear();
  }

  flush(): void {
    this.file.withFd((fd) => fs.fdatasyncSync(fd));
    this.offsetIndex.flush();
    this.timeIndex.flush();
  }

  /** Async fdatasync of the log file and both indexes (a segment closed by a roll), off the event loop. */
  flushAllAsync(): Promise<void> {
    const pending = [this.flushAsync()];
    try {
      pending.push(this.offsetIndex.flushAsync(), this.timeIndex.flushAsync());
    } catch (error) {
      return Promise.all(pending).then(() => Promise.reject(error));
    }
    return Promise.all(pending).then(() => undefined);
  }

  /** Async fdatasync of the log file, off the event loop. */
  flushAsync(): Promise<void> {
    return this.file.withFdAsync((fd) => new Promise((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve()))));
  }

  close(): void {
    this.file.close();
    this.offsetIndex.close();
    this.timeIndex.close();
  }

  deleteFiles(): void {
    this.close();
    for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
      fs.rmSync(segmentFile(this.dir, this.baseOffset, suffix), { force: true });
    }
  }
}

/** The whole batches at the start of the first `got` bytes of `buffer`. */
function wholeBatches(buffer: Buffer, got: number): Buffer {
  let end = 0;
  while (end + LOG_OVERHEAD <= got) {
    const size = LOG_OVERHEAD + buffer.readInt32BE(end + BATCH_LENGTH_POS);
    if (end + size > got) break;
    end += size;
  }
  return buffer.subarray(0, end);
}
