import * as path from 'node:path';
import { isCompacted } from '../log-config';
import { readOffsetCheckpoint, writeOffsetCheckpoint } from '../offset-checkpoint';
import { partitionDirName } from '../file-names';
import { CleanableLog, CleanerPhase, CleaningResult, cleanLog, planCleaning, worthCleaning } from './cleaner';
import { scanProducers } from './producer-scan';

/** Kafka's file for each compacted partition's first dirty offset, in the data directory. */
export const CLEANER_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';
/** Kafka: log.cleaner.backoff.ms. */
export const DEFAULT_CLEANER_BACKOFF_MS = 15_000;
/** Distinct keys one cleaning maps before it stops at a segment boundary (Kafka sizes this by log.cleaner.dedupe.buffer.size). */
export const DEFAULT_CLEANER_MAX_MAP_KEYS = 4_000_000;

export interface CleanerTarget {
  topic: string;
  partition: number;
  log: CleanableLog;
}

export interface CleanerOptions {
  now: () => number;
  report: (line: string) => void;
  maxMapKeys?: number;
  /** Observes each durable step of a segment's replacement. */
  onPhase?: (phase: CleanerPhase, segmentBaseOffset: number, segments: number) => void;
}

export interface PartitionCleaning extends CleaningResult {
  topic: string;
  partition: number;
}

/**
 * The log cleaner of one data directory (Kafka's LogCleaner with one thread):
 * each pass looks at every partition whose cleanup.policy includes compact,
 * cleans those whose dirty ratio is above min.cleanable.dirty.ratio (or whose
 * oldest dirty record is past max.compaction.lag.ms), and checkpoints where
 * each cleaning ended. Passes never overlap.
 */
export class LogCleaner {
  private readonly checkpointFile: string;
  private readonly firstDirty: Map<string, number>;
  private pass: Promise<PartitionCleaning[]> | undefined;
  private stopped = false;

  constructor(readonly dataDir: string, private readonly options: CleanerOptions) {
    this.checkpointFile = path.join(dataDir, CLEANER_CHECKPOINT_FILE);
    try {
      this.firstDirty = readOffsetCheckpoint(this.checkpointFile);
    } catch (error) {
      // Only the work is lost: every compacted partition is cleaned again from its start.
      options.report(`log cleaner: ${(error as Error).message}; starting with every compacted partition dirty`);
      this.firstDirty = new Map();
    }
  }

  /**
   * One pass over `targets`; with `force`, every compacted partition with a dirty
   * section is cleaned whatever its ratio. A pass already running is awaited first.
   */
  async run(targets: () => CleanerTarget[], force = false): Promise<PartitionCleaning[]> {
    while (this.pass) await this.pass.catch(() => undefined);
    if (this.stopped) return [];
    this.pass = this.runPass(targets(), force);
    try {
      return await this.pass;
    } finally {
      this.pass = undefined;
    }
  }

  /** True once a cleaning of this partition directory has started (its entry stays until the topic is deleted). */
  hasCleaned(partitionDirName: string): boolean {
    return this.firstDirty.has(partitionDirName);
  }

  get busy(): boolean {
    return this.pass !== undefined;
  }

  /** No new pass starts, and a running one stops before its next segment. */
  stop(): void {
    this.stopped = true;
  }

  private async runPass(targets: CleanerTarget[], force: boolean): Promise<PartitionCleaning[]> {
    const done: PartitionCleaning[] = [];
    for (const { topic, partition, log } of targets) {
      if (this.stopped) break;
      if (!log.isOpen || !isCompacted(log.currentConfig)) continue;
      const name = partitionDirName(topic, partition);
      try {
        const now = this.options.now();
        let plan = planCleaning(log, this.firstDirty.get(name), now);
        if (!worthCleaning(plan, log.currentConfig, force)) continue;
        const scan = await scanProducers([...log.allSegments()]);
        if (scan.firstUnstableOffset !== undefined) plan = planCleaning(log, this.firstDirty.get(name), now, scan.firstUnstableOffset);
        if (plan.dirtyBytes === 0) continue;
        if (!this.firstDirty.has(name)) {
          // Recorded before any segment changes: a later start must know this log may have gaps, whatever its policy then.
          this.firstDirty.set(name, plan.firstDirtyOffset);
          this.saveCheckpoint(targets);
        }
        const result = await cleanLog(log, plan, scan, { now, maxMapKeys: this.options.maxMapKeys ?? DEFAULT_CLEANER_MAX_MAP_KEYS, onPhase: this.options.onPhase });
        if (result.endOffset < 0 || this.stopped) continue;
        this.firstDirty.set(name, result.endOffset);
        this.saveCheckpoint(targets);
        done.push({ topic, partition, ...result });
      } catch (error) {
        this.options.report(`log cleaner: cleaning ${name} failed (tried again at the next pass): ${(error as Error).message}`);
      }
    }
    return done;
  }

  private saveCheckpoint(targets: CleanerTarget[]): void {
    const entries = [];
    for (const { topic, partition, log } of targets) {
      const offset = this.firstDirty.get(partitionDirName(topic, partition));
      if (log.isOpen && offset !== undefined) entries.push({ topic, partition, offset });
    }
    writeOffsetCheckpoint(this.checkpointFile, entries);
  }

  /** Forgets a deleted partition's checkpoint, so a topic created again under its name starts dirty. */
  forget(topic: string, partitions: number): void {
    for (let p = 0; p < partitions; p++) this.firstDirty.delete(partitionDirName(topic, p));
  }
}
