import * as fs from 'node:fs';
import * as path from 'node:path';
import { LogConfig, deletesOldSegments, isCompacted, maxSegmentMs, segmentJitter, timestampBounds } from './log-config';
import { LogSegment } from './segment';
import { LogStorageError } from './errors';
import { checkInSyncReplicas } from '../ports/store-errors';
import { assignOffsets, validateAppend } from './append-validation';
import { loadSegments } from './log-loader';
import { applyTopicRecordPolicy } from './append-rewrite';
import { SegmentedLog } from './segmented-log';
import type { AbortedTransaction, ActiveProducer, AppendOptions, AppendResult, StoredPartition, TxnMarkerRequest } from '../ports/partition-store';
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

/**
 * One topic-partition: the segments and reads of `SegmentedLog` plus everything that writes: appends (producer
 * state, recompression, timestamps), rolls, the flush policy, retention and close.
 */
export class PartitionLog extends SegmentedLog implements StoredPartition, CleanableLog {
  private unflushedRecords = 0;
  private lastFlushTime: number;
  private flushedOffset: number;
  private backgroundFlush: Promise<void> | undefined;
  /** Segments closed by a roll whose flush on the thread pool has not finished. */
  private readonly rolledUnflushed = new Set<LogSegment>();
  private flushFailure: Error | undefined;
  private closed = false;
  private random: () => number = Math.random;
  /** This active segment's share of segment.jitter.ms, drawn when it started. */
  private rollJitterMs = 0;
  private producers: ProducerStateManager;

  private constructor(dir: string, config: LogConfig, segments: LogSegment[], now: () => number, files: OpenFileCache) {
    super(dir, config, segments, now, files);
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

  /** The topic and partition this log holds, from its directory name (for messages). */
  private get name(): string {
    return path.basename(this.dir);
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

  get isOpen(): boolean {
    return !this.closed;
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
    checkInSyncReplicas(this.name, options.acks, this.config.minInsyncReplicas);
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
    this.flushRolled(previous);
    this.producers.removeExpiredProducers(this.now());
    this.rollJitterMs = segmentJitter(this.config, this.random);
    writeSnapshot(this.dir, previous.nextOffset, this.producers.toSnapshot());
    this.segments.push(LogSegment.open(this.dir, previous.nextOffset, this.config, this.files));
  }

  /**
   * As Kafka's roll, the closed segment's fdatasync runs in the background (a full segment is up to segment.bytes
   * of dirty pages: seconds on a busy disk, which the event loop must not wait for). The recovery point moves once
   * it and every flush before it have finished.
   */
  private flushRolled(segment: LogSegment): void {
    let flushing: Promise<void>;
    try {
      flushing = segment.flushAllAsync();
    } catch {
      segment.flush(); // no descriptor to spare for background work: flush here
      flushing = Promise.resolve();
    }
    this.rolledUnflushed.add(segment);
    this.unflushedRecords = 0;
    this.lastFlushTime = this.now();
    this.trackFlush(flushing.finally(() => this.rolledUnflushed.delete(segment)), segment.nextOffset);
  }

  /** The recovery point moves to `target` once `flushing` and every background flush before it have finished. */
  private trackFlush(flushing: Promise<void>, target: number): void {
    const tracked: Promise<void> = Promise.all([this.backgroundFlush, flushing])
      .then(
        () => {
          if (!this.closed) this.flushedOffset = Math.max(this.flushedOffset, target);
        },
        (error: Error) => {
          if (!this.closed) this.flushFailure = error;
        },
      )
      .finally(() => {
        if (this.backgroundFlush === tracked) this.backgroundFlush = undefined;
      });
    this.backgroundFlush = tracked;
  }

  /** Deletes the segments wholly below the log start (rolling first when that is the log end). */
  dropSegmentsBelowLogStart(): void {
    const start = this.logStartOffset;
    if (this.activeSegment.nextOffset <= start) this.roll();
    while (this.segments.length > 1 && this.segments[0].nextOffset <= start) this.deleteOldestSegment();
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
    this.trackFlush(flushing, target);
  }

  /** Resolves when no background flush is running. */
  async whenFlushed(): Promise<void> {
    await this.backgroundFlush;
  }

  /** Flushes the active segment now, before returning (and the rolled ones whose background flush is still running). */
  flush(): void {
    for (const rolled of this.rolledUnflushed) if (this.segments.includes(rolled)) rolled.flush();
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
