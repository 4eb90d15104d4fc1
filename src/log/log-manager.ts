import * as fs from 'node:fs';
import { DEFAULT_LOG_CONFIG, LogConfig, TopicConfigOverrides, resolveLogConfig } from './log-config';
import { BrokerLogDefaults, configuredFields, describeBrokerLogConfig, describeTopicConfig } from './config-description';
import { PartitionLog } from './partition-log';
import { TopicMetadata, TopicStore } from './topic-store';
import { validateTopicName } from './topic-name';
import { partitionDirName } from './file-names';
import { leaveCleanShutdownMarker, takeCleanShutdownMarker, writeRecoveryPoints } from './log-checkpoints';
import { lockDataDir } from './data-dir-lock';
import { OpenFileCache } from './open-file-cache';
import { BackgroundTasks } from './background-tasks';
import { CleanerOptions, CleanerTarget, DEFAULT_CLEANER_BACKOFF_MS, LogCleaner, PartitionCleaning } from './cleaner/log-cleaner';
import { TopicTable } from './topic-table';
import { loadTopics } from './topic-loader';
import { TopicAdmin } from './topic-admin';
import type { CreateTopicOptions, DescribedConfig, DynamicBrokerConfigs, PartitionStore } from '../ports/partition-store';
import { BROKER_LOG_CONFIG_NAMES, DynamicTopicDefaults, dynamicTopicDefaults } from './dynamic-log-defaults';

export { CLEAN_SHUTDOWN_FILE, LOG_START_CHECKPOINT_FILE, RECOVERY_CHECKPOINT_FILE } from './log-checkpoints';
export { DEFAULT_MAX_PARTITIONS_PER_TOPIC } from './topic-admin';

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

export const DEFAULT_MAX_OPEN_FILES = 1000;

/**
 * All topics of one data directory: their metadata, partition logs and background upkeep.
 * Opening is `topic-loader.ts`, the admin operations `topic-admin.ts`, the checkpoint files `log-checkpoints.ts`.
 */
export class LogManager implements PartitionStore {
  private readonly table: TopicTable;
  private readonly store: TopicStore;
  private readonly files: OpenFileCache;
  private readonly report: (line: string) => void;
  /** The topic defaults in force: the static ones under the dynamic levels. Changed in place, never replaced. */
  private readonly defaults: LogConfig;
  private readonly staticDefaults: Readonly<LogConfig>;
  private dynamicDefaults: DynamicTopicDefaults = { broker: {}, clusterDefault: {} };
  readonly brokerLogConfigNames = BROKER_LOG_CONFIG_NAMES;
  private readonly now: () => number;
  private readonly background: BackgroundTasks;
  private readonly unlock: () => void;
  private readonly cleaner: LogCleaner;
  private readonly admin: TopicAdmin;
  /** True when the previous stop left the clean-shutdown marker. */
  readonly openedClean: boolean;

  private constructor(readonly dataDir: string, private readonly options: LogManagerOptions) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.unlock = lockDataDir(dataDir);
    this.staticDefaults = Object.freeze({ ...DEFAULT_LOG_CONFIG, ...options.defaults });
    this.defaults = { ...this.staticDefaults };
    this.now = options.now ?? Date.now;
    this.report = options.log ?? (() => undefined);
    this.background = new BackgroundTasks(this.report);
    this.files = new OpenFileCache(options.maxOpenFiles ?? DEFAULT_MAX_OPEN_FILES);
    this.store = new TopicStore(dataDir);
    this.table = new TopicTable(dataDir);
    this.cleaner = new LogCleaner(dataDir, {
      now: this.now,
      report: (line) => this.background.reportFailure('log cleaner', line),
      maxMapKeys: options.cleanerMaxMapKeys,
      onPhase: options.onCleanerPhase,
    });
    this.admin = new TopicAdmin({
      dataDir,
      table: this.table,
      store: this.store,
      files: this.files,
      cleaner: this.cleaner,
      defaults: this.defaults,
      maxPartitionsPerTopic: options.maxPartitionsPerTopic,
      maxPartitions: options.maxPartitions,
      now: this.now,
    });
    this.openedClean = takeCleanShutdownMarker(dataDir);
  }

  static open(dataDir: string, options: LogManagerOptions = {}): LogManager {
    const manager = new LogManager(dataDir, options);
    loadTopics({
      dataDir,
      store: manager.store,
      table: manager.table,
      defaults: manager.defaults,
      files: manager.files,
      cleaner: manager.cleaner,
      openedClean: manager.openedClean,
      maxPartitions: options.maxPartitions,
      now: manager.now,
      report: manager.report,
    });
    manager.checkpointRecoveryPoints();
    return manager;
  }

  /** Partitions of every topic together. */
  get partitionCount(): number {
    return this.table.partitionCount;
  }

  get defaultConfig(): Readonly<LogConfig> {
    return this.defaults;
  }

  createTopic(name: string, partitions: number, config: TopicConfigOverrides = {}, options: CreateTopicOptions = {}): TopicMetadata {
    return this.admin.createTopic(name, partitions, config, options);
  }

  deleteTopic(name: string): void {
    this.admin.deleteTopic(name);
  }

  createPartitions(name: string, totalCount: number, options: CreateTopicOptions = {}): void {
    this.admin.createPartitions(name, totalCount, options);
  }

  deleteRecords(topicName: string, partition: number, offset: number): number {
    return this.admin.deleteRecords(topicName, partition, offset);
  }

  alterTopicConfig(name: string, config: TopicConfigOverrides, options: CreateTopicOptions = {}): void {
    this.admin.alterTopicConfig(name, config, options);
  }

  private get brokerDefaults(): BrokerLogDefaults {
    return { config: this.defaults, staticConfig: this.staticDefaults, configured: configuredFields(this.options.defaults), dynamic: this.dynamicDefaults };
  }

  setDynamicBrokerDefaults(configs: DynamicBrokerConfigs, options: CreateTopicOptions = {}): void {
    const dynamic = dynamicTopicDefaults(configs);
    const next = resolveLogConfig({ ...dynamic.clusterDefault, ...dynamic.broker }, this.staticDefaults);
    // Every topic must still resolve (min.compaction.lag.ms ≤ max.compaction.lag.ms across levels) before any changes.
    const topics = this.table.list().map((metadata) => ({ name: metadata.name, config: resolveLogConfig(metadata.config, next) }));
    if (options.validateOnly) return;
    Object.assign(this.defaults, next);
    this.dynamicDefaults = dynamic;
    for (const { name, config } of topics) {
      for (const log of this.table.get(name).logs) log?.updateConfig(config);
    }
  }

  describeTopicConfig(name: string, overrides?: TopicConfigOverrides): DescribedConfig[] {
    return describeTopicConfig(overrides ?? this.table.get(name).metadata.config, this.brokerDefaults);
  }

  describeBrokerConfig(): DescribedConfig[] {
    return describeBrokerLogConfig(this.brokerDefaults);
  }

  checkTopicName(name: string): void {
    validateTopicName(name);
  }

  hasTopic(name: string): boolean {
    return this.table.has(name);
  }

  listTopics(): TopicMetadata[] {
    return this.table.list();
  }

  describeTopic(name: string): TopicMetadata {
    return this.table.get(name).metadata;
  }

  topicNameById(topicId: string): string | undefined {
    return this.table.nameById(topicId);
  }

  topicConfig(name: string): LogConfig {
    return resolveLogConfig(this.table.get(name).metadata.config, this.defaults);
  }

  partition(topicName: string, partition: number): PartitionLog {
    return this.table.partition(topicName, partition);
  }

  flushDue(): void {
    for (const { log } of this.table.openPartitions()) log.flushIfDue();
  }

  /** Applies retention to every partition; one that fails (say, EMFILE while rolling) is reported and the rest go on. */
  enforceRetention(): number {
    let deleted = 0;
    for (const { topic, partition, log } of this.table.openPartitions()) {
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
    return [...this.table.openPartitions()];
  }

  checkpointRecoveryPoints(): void {
    writeRecoveryPoints(this.dataDir, this.table.openPartitions());
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
    for (const { log } of this.table.openPartitions()) log.close();
    this.checkpointRecoveryPoints();
    leaveCleanShutdownMarker(this.dataDir);
    this.unlock();
  }
}
