import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DEFAULT_LOG_CONFIG, LogConfig, TopicConfigOverrides, normalizeOverrides, resolveLogConfig, usableOverrides } from './log-config';
import { BrokerLogDefaults, configuredFields, describeBrokerLogConfig, describeTopicConfig } from './config-description';
import { PartitionLog } from './partition-log';
import { TopicMetadata, TopicStore } from './topic-store';
import { validateTopicName } from './topic-name';
import { deleteDirName, partitionDirName } from './file-names';
import { reconcileTopicDirs } from './data-dir-scan';
import { readOffsetCheckpoint, writeOffsetCheckpoint } from './offset-checkpoint';
import { syncDirectory } from './atomic-file';
import { checkPartitionRoom } from './partition-limits';
import { lockDataDir } from './data-dir-lock';
import { LogStorageError, TopicExistsError, UnknownTopicError } from './errors';
import { OpenFileCache } from './open-file-cache';
import { BackgroundTasks } from './background-tasks';
import { CleanerOptions, CleanerTarget, DEFAULT_CLEANER_BACKOFF_MS, LogCleaner, PartitionCleaning } from './cleaner/log-cleaner';
import { KafkaError } from '../protocol/error-codes';
import type { CreateTopicOptions, DescribedConfig, PartitionStore } from '../ports/partition-store';

export const CLEAN_SHUTDOWN_FILE = '.sluice_cleanshutdown';
export const RECOVERY_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
/** Kafka's file of log start offsets moved up by DeleteRecords (partitions whose start lies past their first segment). */
export const LOG_START_CHECKPOINT_FILE = 'log-start-offset-checkpoint';

export interface LogManagerOptions {
  defaults?: Partial<LogConfig>;
  now?: () => number;
  /** How often background work looks for due flushes (Kafka: log.flush.scheduler.interval.ms). */
  flushCheckIntervalMs?: number;
  /** Kafka: log.retention.check.interval.ms. */
  retentionCheckIntervalMs?: number;
  /** Kafka: log.flush.offset.checkpoint.interval.ms. */
  recoveryPointCheckpointIntervalMs?: number;
  maxPartitionsPerTopic?: number;
  /** Partitions of all topics together that creating topics may reach (sluice's max.partitions). */
  maxPartitions?: number;
  /** How many segment files may hold a descriptor at once, across all partitions. */
  maxOpenFiles?: number;
  /** Kafka: log.cleaner.backoff.ms, the pause between the log cleaner's passes. */
  cleanerBackoffMs?: number;
  /** Distinct keys one cleaning may map (Kafka bounds this with log.cleaner.dedupe.buffer.size). */
  cleanerMaxMapKeys?: number;
  /** Observes each durable step of the cleaner's segment replacement (the crash test kills the process there). */
  onCleanerPhase?: CleanerOptions['onPhase'];
  /** Where problems that do not stop the log (a partition skipped at start, a failing timer) are reported. */
  log?: (line: string) => void;
}

export const DEFAULT_MAX_PARTITIONS_PER_TOPIC = 1000;
export const DEFAULT_MAX_OPEN_FILES = 1000;

interface Topic {
  metadata: TopicMetadata;
  /** undefined for a partition whose directory could not be opened at start; `unavailable` says why. */
  logs: (PartitionLog | undefined)[];
  unavailable: Map<number, string>;
}

/** All topics of one data directory: their metadata, partition logs and background upkeep. */
export class LogManager implements PartitionStore {
  private readonly topics = new Map<string, Topic>();
  private readonly namesById = new Map<string, string>();
  private readonly store: TopicStore;
  private readonly files: OpenFileCache;
  private readonly report: (line: string) => void;
  private readonly defaults: LogConfig;
  private readonly now: () => number;
  private readonly background: BackgroundTasks;
  private readonly unlock: () => void;
  private readonly cleaner: LogCleaner;
  /** True when the previous stop left the clean-shutdown marker. */
  readonly openedClean: boolean;

  private constructor(readonly dataDir: string, private readonly options: LogManagerOptions) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.unlock = lockDataDir(dataDir);
    this.defaults = { ...DEFAULT_LOG_CONFIG, ...options.defaults };
    this.now = options.now ?? Date.now;
    this.report = options.log ?? (() => undefined);
    this.background = new BackgroundTasks(this.report);
    this.files = new OpenFileCache(options.maxOpenFiles ?? DEFAULT_MAX_OPEN_FILES);
    this.store = new TopicStore(dataDir);
    this.cleaner = new LogCleaner(dataDir, {
      now: this.now,
      report: (line) => this.background.reportFailure('log cleaner', line),
      maxMapKeys: options.cleanerMaxMapKeys,
      onPhase: options.onCleanerPhase,
    });
    const marker = path.join(dataDir, CLEAN_SHUTDOWN_FILE);
    this.openedClean = fs.existsSync(marker);
    if (this.openedClean) {
      fs.rmSync(marker);
      syncDirectory(dataDir);
    }
  }

  static open(dataDir: string, options: LogManagerOptions = {}): LogManager {
    const manager = new LogManager(dataDir, options);
    manager.loadTopics();
    manager.checkpointRecoveryPoints();
    return manager;
  }

  /**
   * Reads every topic and opens its partitions. Nothing a client could have
   * created stops the start: a directory that cannot be opened is reported,
   * skipped, and answers KAFKA_STORAGE_ERROR until the next start.
   */
  private loadTopics(): void {
    const recoveryPoints = readOffsetCheckpoint(path.join(this.dataDir, RECOVERY_CHECKPOINT_FILE));
    let logStarts = new Map<string, number>();
    this.attempt(`reading ${LOG_START_CHECKPOINT_FILE}`, () => {
      logStarts = readOffsetCheckpoint(path.join(this.dataDir, LOG_START_CHECKPOINT_FILE));
    });
    const known = new Map(this.store.loadAll().map((t) => [t.name, t]));
    const changed = reconcileTopicDirs(this.dataDir, known, this.now, (what, step) => this.attempt(what, step));
    for (const metadata of known.values()) {
      if (metadata.topicId === '') {
        metadata.topicId = randomUUID();
        changed.add(metadata.name);
      }
      if (changed.has(metadata.name)) this.attempt(`saving the metadata of ${metadata.name}`, () => this.store.save(metadata));
      const { kept, refused } = usableOverrides(metadata.config, this.defaults);
      for (const why of refused) this.report(`topic ${metadata.name}: stored config ${why}; set aside, the default applies until the config is altered`);
      metadata.config = kept;
      const config = resolveLogConfig(metadata.config, this.defaults);
      const topic: Topic = { metadata, logs: [], unavailable: new Map() };
      for (let p = 0; p < metadata.partitions; p++) {
        const dirName = partitionDirName(metadata.name, p);
        try {
          topic.logs.push(PartitionLog.open(path.join(this.dataDir, dirName), config, {
            cleanShutdown: this.openedClean,
            recoveryPoint: recoveryPoints.get(dirName) ?? 0,
            mayHaveBeenCleaned: this.cleaner.hasCleaned(dirName),
            logStartOffset: logStarts.get(dirName),
            now: this.now,
            files: this.files,
          }));
        } catch (error) {
          this.report(`partition directory ${dirName} cannot be opened and is skipped: ${(error as Error).message}`);
          topic.logs.push(undefined);
          topic.unavailable.set(p, (error as Error).message);
        }
      }
      this.topics.set(metadata.name, topic);
      this.namesById.set(metadata.topicId, metadata.name);
    }
    const cap = this.options.maxPartitions;
    if (cap !== undefined && this.partitionCount > cap) {
      this.report(`${this.partitionCount} partitions are stored, more than max.partitions (${cap}): no topic can be created until some are deleted`);
    }
  }

  /** Runs `step`; a failure is reported, not thrown. True when it succeeded. */
  private attempt(what: string, step: () => void): boolean {
    try {
      step();
      return true;
    } catch (error) {
      this.report(`${what} failed, skipped: ${(error as Error).message}`);
      return false;
    }
  }

  /** Partitions of every topic together. */
  get partitionCount(): number {
    let count = 0;
    for (const { metadata } of this.topics.values()) count += metadata.partitions;
    return count;
  }

  get defaultConfig(): Readonly<LogConfig> {
    return this.defaults;
  }

  createTopic(name: string, partitions: number, config: TopicConfigOverrides = {}, options: CreateTopicOptions = {}): TopicMetadata {
    validateTopicName(name);
    if (this.topics.has(name)) throw new TopicExistsError(name);
    this.checkRoomFor(name, partitions);
    const logConfig = resolveLogConfig(config, this.defaults);
    const metadata: TopicMetadata = { name, topicId: randomUUID(), partitions, config: normalizeOverrides(config), createdAt: new Date(this.now()).toISOString() };
    if (options.validateOnly) return metadata;
    const logs: PartitionLog[] = [];
    try {
      for (let p = 0; p < partitions; p++) {
        logs.push(PartitionLog.open(path.join(this.dataDir, partitionDirName(name, p)), logConfig, { now: this.now, cleanShutdown: true, files: this.files }));
      }
      this.store.save(metadata);
    } catch (error) {
      // A topic is created whole or not at all: no directory is left for the next start to adopt.
      for (const log of logs) log.deleteAll();
      for (let p = logs.length; p < partitions; p++) fs.rmSync(path.join(this.dataDir, partitionDirName(name, p)), { recursive: true, force: true });
      this.store.remove(name);
      throw error;
    }
    this.topics.set(name, { metadata, logs, unavailable: new Map() });
    this.namesById.set(metadata.topicId, name);
    return metadata;
  }

  /** `partitions` new ones, making `total` for the topic. */
  private checkRoomFor(name: string, partitions: number, total = partitions): void {
    const perTopic = this.options.maxPartitionsPerTopic ?? DEFAULT_MAX_PARTITIONS_PER_TOPIC;
    checkPartitionRoom({ topic: name, adding: partitions, total, perTopic, stored: this.partitionCount, cap: this.options.maxPartitions });
  }

  /** Renames the partition directories aside first, so a crash mid-delete never leaves half a topic. */
  deleteTopic(name: string): void {
    const topic = this.topic(name);
    const uniqueId = randomUUID().replace(/-/g, '');
    const renamed: string[] = [];
    topic.logs.forEach((log, p) => {
      log?.close();
      const dir = path.join(this.dataDir, partitionDirName(name, p));
      if (!log && !fs.existsSync(dir)) return;
      const aside = path.join(this.dataDir, deleteDirName(name, p, uniqueId));
      fs.renameSync(dir, aside);
      renamed.push(aside);
    });
    this.store.remove(name);
    this.topics.delete(name);
    this.cleaner.forget(name, topic.metadata.partitions);
    this.namesById.delete(topic.metadata.topicId);
    // A topic created again under this name must not inherit the deleted one's start offsets.
    this.checkpointLogStarts();
    for (const dir of renamed) fs.rmSync(dir, { recursive: true, force: true });
  }

  /** Adds partitions at the end of the topic; the metadata is saved after their directories exist. */
  createPartitions(name: string, totalCount: number, options: CreateTopicOptions = {}): void {
    const topic = this.topic(name);
    const current = topic.metadata.partitions;
    if (!Number.isInteger(totalCount) || totalCount <= current) {
      throw new KafkaError('INVALID_PARTITIONS', `Topic currently has ${current} partitions, which is higher than the requested ${totalCount}.`);
    }
    this.checkRoomFor(name, totalCount - current, totalCount);
    if (options.validateOnly) return;
    const config = resolveLogConfig(topic.metadata.config, this.defaults);
    const added: PartitionLog[] = [];
    try {
      for (let p = current; p < totalCount; p++) {
        added.push(PartitionLog.open(path.join(this.dataDir, partitionDirName(name, p)), config, { now: this.now, cleanShutdown: true, files: this.files }));
      }
      const metadata = { ...topic.metadata, partitions: totalCount };
      this.store.save(metadata);
      topic.metadata = metadata;
    } catch (error) {
      for (const log of added) log.deleteAll();
      throw error;
    }
    topic.logs.push(...added);
  }

  /** DeleteRecords: the new start is written to disk before it is answered. */
  deleteRecords(topicName: string, partition: number, offset: number): number {
    const log = this.partition(topicName, partition);
    const before = log.logStartOffset;
    const after = log.moveLogStart(offset === -1 ? log.highWatermark : offset);
    if (after !== before) this.checkpointLogStarts();
    log.dropSegmentsBelowLogStart();
    return after;
  }

  private checkpointLogStarts(): void {
    const moved = [...this.allLogs()]
      .filter(({ log }) => log.logStartOffset > log.firstSegmentBase)
      .map(({ topic, partition, log }) => ({ topic, partition, offset: log.logStartOffset }));
    const file = path.join(this.dataDir, LOG_START_CHECKPOINT_FILE);
    if (moved.length > 0 || fs.existsSync(file)) writeOffsetCheckpoint(file, moved);
  }

  private get brokerDefaults(): BrokerLogDefaults {
    return { config: this.defaults, configured: configuredFields(this.options.defaults) };
  }

  describeTopicConfig(name: string, overrides?: TopicConfigOverrides): DescribedConfig[] {
    return describeTopicConfig(overrides ?? this.topic(name).metadata.config, this.brokerDefaults);
  }

  describeBrokerConfig(): DescribedConfig[] {
    return describeBrokerLogConfig(this.brokerDefaults);
  }

  private topic(name: string): Topic {
    const topic = this.topics.get(name);
    if (!topic) throw new UnknownTopicError(name);
    return topic;
  }

  checkTopicName(name: string): void {
    validateTopicName(name);
  }

  hasTopic(name: string): boolean {
    return this.topics.has(name);
  }

  listTopics(): TopicMetadata[] {
    return [...this.topics.values()].map((t) => t.metadata).sort((a, b) => a.name.localeCompare(b.name));
  }

  describeTopic(name: string): TopicMetadata {
    return this.topic(name).metadata;
  }

  topicNameById(topicId: string): string | undefined {
    return this.namesById.get(topicId);
  }

  topicConfig(name: string): LogConfig {
    return resolveLogConfig(this.topic(name).metadata.config, this.defaults);
  }

  /** Changes a topic's overrides; takes effect on its partitions at once. */
  alterTopicConfig(name: string, config: TopicConfigOverrides, options: CreateTopicOptions = {}): void {
    const topic = this.topic(name);
    const resolved = resolveLogConfig(config, this.defaults);
    if (options.validateOnly) return;
    topic.metadata = { ...topic.metadata, config: normalizeOverrides(config) };
    this.store.save(topic.metadata);
    for (const log of topic.logs) log?.updateConfig(resolved);
  }

  partition(topicName: string, partition: number): PartitionLog {
    const topic = this.topic(topicName);
    const log = topic.logs[partition];
    if (log) return log;
    const why = topic.unavailable.get(partition);
    if (why !== undefined) throw new LogStorageError(path.join(this.dataDir, partitionDirName(topicName, partition)), `could not be opened at start: ${why}`);
    throw new UnknownTopicError(topicName, partition);
  }

  private *allLogs(): Generator<{ topic: string; partition: number; log: PartitionLog }> {
    for (const [topic, { logs }] of this.topics) {
      for (let p = 0; p < logs.length; p++) {
        const log = logs[p];
        if (log) yield { topic, partition: p, log };
      }
    }
  }

  flushDue(): void {
    for (const { log } of this.allLogs()) log.flushIfDue();
  }

  /** Applies retention to every partition; one that fails (say, EMFILE while rolling) is reported and the rest go on. */
  enforceRetention(): number {
    let deleted = 0;
    for (const { topic, partition, log } of this.allLogs()) {
      try {
        deleted += log.enforceRetention();
      } catch (error) {
        this.background.reportFailure('retention', `retention of ${partitionDirName(topic, partition)} failed: ${(error as Error).message}`);
      }
    }
    return deleted;
  }

  /**
   * Runs the log cleaner now over every partition whose cleanup.policy includes
   * compact. With `force` (the default here) each one with a dirty section is
   * cleaned whatever min.cleanable.dirty.ratio says; the timer's passes respect it.
   */
  cleanNow(force = true): Promise<PartitionCleaning[]> {
    return this.cleaner.run(() => this.cleanerTargets(), force);
  }

  private cleanerTargets(): CleanerTarget[] {
    return [...this.allLogs()];
  }

  checkpointRecoveryPoints(): void {
    const offsets = [...this.allLogs()].map(({ topic, partition, log }) => ({ topic, partition, offset: log.recoveryPoint }));
    writeOffsetCheckpoint(path.join(this.dataDir, RECOVERY_CHECKPOINT_FILE), offsets);
  }

  startBackgroundTasks(): void {
    if (this.background.running) return;
    this.background.every(this.options.flushCheckIntervalMs ?? 100, 'flush', () => this.flushDue());
    this.background.every(this.options.retentionCheckIntervalMs ?? 300_000, 'retention', () => this.enforceRetention());
    this.background.every(this.options.recoveryPointCheckpointIntervalMs ?? 60_000, 'recovery-point checkpoint', () => this.checkpointRecoveryPoints());
    this.background.every(this.options.cleanerBackoffMs ?? DEFAULT_CLEANER_BACKOFF_MS, 'log cleaner', () => {
      if (!this.cleaner.busy) this.cleanNow(false).catch((error: Error) => this.background.reportFailure('log cleaner', `log cleaner failed: ${error.message}`));
    });
  }

  /** Flushes everything, records recovery points and leaves the marker that lets the next open skip recovery. */
  close(): void {
    this.background.stop();
    this.cleaner.stop();
    for (const { log } of this.allLogs()) log.close();
    this.checkpointRecoveryPoints();
    fs.writeFileSync(path.join(this.dataDir, CLEAN_SHUTDOWN_FILE), '');
    syncDirectory(this.dataDir);
    this.unlock();
  }
}

