import * as fs from 'node:fs';
import * as path from 'node:path';
import { LogConfig, deletesOldSegments, isCompacted, maxSegmentMs, segmentJitter, timestampBounds } from './log-config';
import { LogSegment, TimestampAndOffset } from './segment';
import { LogStorageError, NotEnoughReplicasError, OffsetOutOfRangeError } from './errors';
import { assignOffsets, validateAppend } from './append-validation';
import { loadSegments } from './log-loader';
import { applyTopicRecordPolicy } from './append-rewrite';
import { syncDirectory } from './atomic-file';
import type { AbortedTransaction, ActiveProducer, AppendOptions, AppendResult, ReadResult, StoredPartition, TxnMarkerRequest } from '../ports/partition-store';
import { AppendOrigin, ProducerStateManager, producerBatchAt } from './producer-state';
import { loadProducerState } from './producer-state-loader';
import { writeSnapshot } from './producer-snapshot';
import { buildControlBatch } from '../protocol/control-batch';
import { MIN_OPEN_FILES, OpenFileCache } from './open-file-cache';
import type { CleanableLog } from './cleaner/cleaner';

export type { AppendResult, ReadResult } from '../ports/partition-store';

export interface OpenOptions {
  /** Everything below this offset was flushed before the last stop; recovery starts at its segment. */
  recoveryPoint?: number;
  /** The last stop was clean: skip validation, only check the indexes. */
  cleanShutdown?: boolean;
  now?: () => number;
  /** Where the segments' file descriptors come from; a data directory shares one cache across partitions. */
  files?: OpenFileCache;
  /** The log cleaner may have rewritten this log: offsets may skip between batches (see log-loader). */
  mayHaveBeenCleaned?: boolean;
  /** A log start offset moved up by DeleteRecords before the last stop (Kafka's log-start-offset-checkpoint). */
  logStartOffset?: number;
  /** Draws each segment's roll jitter (segment.jitter.ms); Math.random unless a test fixes it. */
  random?: () => number;
}

const MAX_RELATIVE_OFFSET = 0x7fffffff;

/** One topic-partition: an ordered run of segments with a single active (last) one. */
export class PartitionLog implements StoredPartition, CleanableLog {
  private unflushedRecords = 0;
  private lastFlushTime: number;
  private flushedOffset: number;
  private backgroundFlush: Promise<void> | undefined;
  private flushFailure: Error | undefined;
  private closed = false;
  /** Raised by DeleteRecords; may lie inside the first segment. */
  private startOffset = 0;
  private random: () => number = Math.random;
  /** This active segment's share of segment.jitter.ms, drawn when it started. */
  private rollJitterMs = 0;
  private producers: ProducerStateManager;

  private constructor(
    readonly dir: string,
    private config: LogConfig,
    private readonly segments: LogSegment[],
    private readonly now: () => number,
    private readonly files: OpenFileCache,
  ) {
    this.lastFlushTime = now();
    this.flushedOffset = this.logEndOffset;
    this.producers = new ProducerStateManager(path.basename(dir));
  }

  static open(dir: string, config: LogConfig, options: OpenOptions = {}): PartitionLog {
    fs.mkdirSync(dir, { recursive: true });
    const files = options.files ?? new OpenFileCache(MIN_OPEN_FILES);
    const allowOffsetGaps = (options.mayHaveBeenCleaned ?? false) || isCompacted(config);
    const segments = loadSegments(dir, config, options.cleanShutdown ?? false, options.recoveryPoint ?? 0, files, allowOffsetGaps);
    const log = new PartitionLog(dir, config, segments, options.now ?? Date.now, files);
    log.startOffset = Math.min(options.logStartOffset ?? 0, log.logEndOffset);
    log.random = options.random ?? Math.random;
    log.rollJitterMs = segmentJitter(config, log.random);
    const loaded = loadProducerState(dir, path.basename(dir), log);
    log.producers = loaded.state;
    // As Kafka's LogLoader: a snapshot after replaying, so the next start replays nothing twice.
    if (loaded.replayedBatches > 0) writeSnapshot(dir, log.logEndOffset, log.producers.toSnapshot());
    return log;
  }

  get logStartOffset(): number {
    return Math.max(this.startOffset, this.segments[0].baseOffset);
  }

  /** The topic and partition this log holds, from its directory name (for messages). */
  private get name(): string {
    return path.basename(this.dir);
  }

  get logEndOffset(): number {
    return this.activeSegment.nextOffset;
  }

  /** With a single replica every appended record is committed at once. */
  get highWatermark(): number {
    return this.logEndOffset;
  }

  get lastStableOffset(): number {
    return Math.min(this.producers.firstUnstableOffset ?? this.highWatermark, this.highWatermark);
  }

  abortedTransactions(fromOffset: number, upperBoundOffset: number): AbortedTransaction[] {
    return this.producers.abortedTransactions(fromOffset, upperBoundOffset);
  }

  hasOpenTransaction(producerId: number): boolean {
    return this.producers.hasOpenTransaction(producerId);
  }

  activeProducers(): ActiveProducer[] {
    return this.producers.activeProducers();
  }

  /** The offset below which everything has been flushed to disk. */
  get recoveryPoint(): number {
    return this.flushedOffset;
  }

  get sizeInBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  private get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  get currentConfig(): Readonly<LogConfig> {
    return this.config;
  }

  get isOpen(): boolean {
    return !this.closed;
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

  /** Validates, assigns offsets, writes and (per the flush policy) flushes one or more batches. */
  append(data: Buffer, options: AppendOptions = {}): AppendResult {
    return this.appendFrom(data, 'client', options);
  }

  writeTxnMarker(marker: TxnMarkerRequest): AppendResult {
    return this.appendFrom(buildControlBatch(marker, this.now()), 'coordinator', {});
  }

  private appendFrom(data: Buffer, origin: AppendOrigin, options: AppendOptions): AppendResult {
    if (this.flushFailure) throw new LogStorageError(this.dir, `an earlier flush failed: ${this.flushFailure.message}`);
    if (options.acks === -1 && this.config.minInsyncReplicas > 1) {
      const cut = this.name.lastIndexOf('-');
      throw new NotEnoughReplicasError(this.name.slice(0, cut), Number(this.name.slice(cut + 1)), this.config.minInsyncReplicas);
    }
    const now = this.now();
    const logAppendTime = this.config.messageTimestampType === 'LogAppendTime';
    const timestamps = { type: this.config.messageTimestampType, now, ...timestampBounds(this.config) };
    let validated = validateAppend(data, this.config.maxMessageBytes, this.config.segmentBytes, timestamps);
    const rewritten = applyTopicRecordPolicy(data, validated, this.config, this.dir);
    if (rewritten !== data) {
      // Recompressed: sizes changed, so the limits are checked again on what will be stored (as Kafka does).
      data = rewritten;
      validated = validateAppend(data, this.config.maxMessageBytes, this.config.segmentBytes, timestamps);
    }
    const baseOffset = this.logEndOffset;
    const producerState = this.producers.prepare(validated.batches.map((b) => producerBatchAt(data, b.position, baseOffset + b.baseOffset)), origin);
    if (producerState.kind === 'duplicate') {
      const { firstOffset, lastOffset } = producerState;
      // As Kafka: the first append's offsets, and no log append time for a duplicate.
      return { logAppendTimeMs: -1, baseOffset: firstOffset, lastOffset, recordCount: lastOffset - firstOffset + 1, appendTime: now, logStartOffset: this.logStartOffset };
    }
    this.maybeRoll(data.length, validated.maxTimestamp, baseOffset + validated.recordCount - 1);
    const batches = assignOffsets(data, validated, baseOffset);
    this.activeSegment.append(data, batches);
    this.producers.commit(producerState);
    this.unflushedRecords += validated.recordCount;
    const appendTime = now;
    if (this.unflushedRecords >= this.config.flushMessages) this.flush();
    else this.flushIfDue(appendTime);
    return {
      logAppendTimeMs: logAppendTime ? now : -1,
      baseOffset,
      lastOffset: baseOffset + validated.recordCount - 1,
      recordCount: validated.recordCount,
      appendTime,
      logStartOffset: this.logStartOffset,
    };
  }

  private maybeRoll(incomingBytes: number, incomingMaxTimestamp: number, incomingLastOffset: number): void {
    const active = this.activeSegment;
    if (active.size === 0) return;
    const full = active.size + incomingBytes > this.config.segmentBytes;
    const old = incomingMaxTimestamp - active.firstBatchTimestamp > maxSegmentMs(this.config) - this.rollJitterMs;
    const offsetsOverflow = incomingLastOffset - active.baseOffset > MAX_RELATIVE_OFFSET;
    if (full || old || offsetsOverflow || active.indexIsFull) this.roll();
  }

  /** Closes the active segment for writing (flushing it) and starts a new one at the log end. */
  roll(): void {
    const previous = this.activeSegment;
    if (previous.size === 0) return;
    previous.flush();
    this.producers.removeExpiredProducers(this.now());
    this.rollJitterMs = segmentJitter(this.config, this.random);
    writeSnapshot(this.dir, previous.nextOffset, this.producers.toSnapshot());
    this.segments.push(LogSegment.open(this.dir, previous.nextOffset, this.config, this.files));
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
    const result = (records: Buffer): ReadResult => ({
      records,
      logStartOffset: this.logStartOffset,
      highWatermark: this.highWatermark,
      logEndOffset: this.logEndOffset,
    });
    if (offset < this.logStartOffset || offset > this.logEndOffset) {
      throw new OffsetOutOfRangeError(offset, this.logStartOffset, this.logEndOffset);
    }
    for (let i = this.segmentIndexFor(offset); i < this.segments.length; i++) {
      const records = this.segments[i].read(offset, maxBytes);
      if (records && records.length > 0) return result(records);
    }
    return result(Buffer.alloc(0));
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

  /** Deletes the segments wholly below the log start (rolling first when that is the log end). */
  dropSegmentsBelowLogStart(): void {
    const start = this.logStartOffset;
    if (this.activeSegment.nextOffset <= start) this.roll();
    while (this.segments.length > 1 && this.segments[0].nextOffset <= start) this.deleteOldestSegment();
  }

  /** First segment's base offset (the log start may lie past it). */
  get firstSegmentBase(): number {
    return this.segments[0].baseOffset;
  }

  /**
   * Once flush.ms has passed, starts an fdatasync on libuv's thread pool so that
   * appends go on meanwhile; the recovery point moves when it completes.
   */
  flushIfDue(now = this.now()): void {
    const { flushMs } = this.config;
    if (this.backgroundFlush || this.unflushedRecords === 0 || flushMs < 0 || now - this.lastFlushTime < flushMs) return;
    const target = this.logEndOffset;
    let flushing: Promise<void>;
    try {
      flushing = this.activeSegment.flushAsync();
    } catch {
      // No descriptor to flush with (EMFILE, or too many flushes in flight): the next check tries again.
      return;
    }
    this.unflushedRecords = 0;
    this.lastFlushTime = now;
    this.backgroundFlush = flushing
      .then(
        () => {
          if (!this.closed) this.flushedOffset = Math.max(this.flushedOffset, target);
        },
        (error: Error) => {
          if (!this.closed) this.flushFailure = error;
        },
      )
      .finally(() => {
        this.backgroundFlush = undefined;
      });
  }

  /** Resolves when no background flush is running. */
  async whenFlushed(): Promise<void> {
    await this.backgroundFlush;
  }

  /** Flushes the active segment now, before returning. */
  flush(): void {
    this.activeSegment.flush();
    this.unflushedRecords = 0;
    this.lastFlushTime = this.now();
    this.flushedOffset = this.logEndOffset;
  }

  /** Deletes whole oldest segments past retention.ms or retention.bytes (cleanup.policy with delete only); returns how many went. */
  enforceRetention(now = this.now()): number {
    let deleted = 0;
    if (!deletesOldSegments(this.config)) return 0;
    const { retentionMs, retentionBytes } = this.config;
    const expired = (s: LogSegment) => retentionMs >= 0 && s.size > 0 && s.maxTimestamp < now - retentionMs;
    while (expired(this.segments[0])) {
      if (this.segments.length === 1) this.roll();
      this.deleteOldestSegment();
      deleted++;
    }
    if (retentionBytes >= 0) {
      let excess = this.sizeInBytes - retentionBytes;
      while (this.segments.length > 1 && excess >= this.segments[0].size) {
        excess -= this.segments[0].size;
        this.deleteOldestSegment();
        deleted++;
      }
    }
    return deleted;
  }

  private deleteOldestSegment(): void {
    const oldest = this.segments.shift();
    oldest?.deleteFiles();
    this.producers.truncateHead(this.logStartOffset);
  }

  /** Segment base offsets and sizes, oldest first. */
  describeSegments(): { baseOffset: number; nextOffset: number; size: number }[] {
    return this.segments.map((s) => ({ baseOffset: s.baseOffset, nextOffset: s.nextOffset, size: s.size }));
  }

  close(): void {
    this.flush();
    this.producers.removeExpiredProducers(this.now());
    writeSnapshot(this.dir, this.logEndOffset, this.producers.toSnapshot());
    this.closed = true;
    for (const segment of this.segments) segment.close();
  }

  /** Removes the partition's directory and everything in it. */
  deleteAll(): void {
    this.closed = true;
    for (const segment of this.segments) segment.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
