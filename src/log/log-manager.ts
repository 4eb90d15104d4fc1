import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_LOG_CONFIG, LogConfig, TopicConfigOverrides, resolveLogConfig } from './log-config';
import { PartitionLog } from './partition-log';
import { TopicMetadata, TopicStore } from './topic-store';
import { validateTopicName } from './topic-name';
import { DELETE_DIR_SUFFIX, parsePartitionDirName, partitionDirName } from './file-names';
import { readOffsetCheckpoint, writeOffsetCheckpoint } from './offset-checkpoint';
import { syncDirectory } from './atomic-file';
import { lockDataDir } from './data-dir-lock';
import { TopicExistsError, UnknownTopicError } from './errors';
import { KafkaError } from '../protocol/error-codes';
import type { CreateTopicOptions, PartitionStore } from '../ports/partition-store';

export const CLEAN_SHUTDOWN_FILE = '.sluice_cleanshutdown';
export const RECOVERY_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';

export interface LogManagerOptions {
  defaults?: Partial<LogConfig>;
  now?: () => number;
  /** How often background work looks for due flushes (Kafka: log.flush.scheduler.interval.ms). */
  flushCheckIntervalMs?: number;
  /** Kafka: log.retention.check.interval.ms. */
  retentionCheckIntervalMs?: number;
  /** Each partition holds three open files per segment, so a topic may not ask for more than this. */
  maxPartitionsPerTopic?: number;
}

export const DEFAULT_MAX_PARTITIONS_PER_TOPIC = 1000;

interface Topic {
  metadata: TopicMetadata;
  logs: PartitionLog[];
}

/** All topics of one data directory: their metadata, partition logs and background upkeep. */
export class LogManager implements PartitionStore {
  private readonly topics = new Map<string, Topic>();
  private readonly store: TopicStore;
  private readonly defaults: LogConfig;
  private readonly now: () => number;
  private timers: NodeJS.Timeout[] = [];
  private readonly unlock: () => void;
  /** True when the previous stop left the clean-shutdown marker. */
  readonly openedClean: boolean;

  private constructor(readonly dataDir: string, private readonly options: LogManagerOptions) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.unlock = lockDataDir(dataDir);
    this.defaults = { ...DEFAULT_LOG_CONFIG, ...options.defaults };
    this.now = options.now ?? Date.now;
    this.store = new TopicStore(dataDir);
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

  private loadTopics(): void {
    const recoveryPoints = readOffsetCheckpoint(path.join(this.dataDir, RECOVERY_CHECKPOINT_FILE));
    const known = new Map(this.store.loadAll(this.defaults).map((t) => [t.name, t]));
    const dirs = fs.readdirSync(this.dataDir, { withFileTypes: true }).filter((d) => d.isDirectory());
    for (const dir of dirs) {
      if (dir.name.endsWith(DELETE_DIR_SUFFIX)) fs.rmSync(path.join(this.dataDir, dir.name), { recursive: true, force: true });
    }
    for (const dir of dirs) {
      const parsed = parsePartitionDirName(dir.name);
      if (!parsed || dir.name.endsWith(DELETE_DIR_SUFFIX)) continue;
      // Data without metadata is adopted, never deleted: nothing accepted is lost.
      const existing = known.get(parsed.topic);
      if (!existing) {
        validateTopicName(parsed.topic);
        known.set(parsed.topic, { name: parsed.topic, partitions: parsed.partition + 1, config: {}, createdAt: new Date(this.now()).toISOString() });
      } else if (existing.partitions <= parsed.partition) {
        existing.partitions = parsed.partition + 1;
      }
    }
    for (const metadata of known.values()) {
      this.store.save(metadata);
      const config = resolveLogConfig(metadata.config, this.defaults);
      const logs = Array.from({ length: metadata.partitions }, (_, p) => {
        const dirName = partitionDirName(metadata.name, p);
        return PartitionLog.open(path.join(this.dataDir, dirName), config, {
          cleanShutdown: this.openedClean,
          recoveryPoint: recoveryPoints.get(dirName) ?? 0,
          now: this.now,
        });
      });
      this.topics.set(metadata.name, { metadata, logs });
    }
  }

  get defaultConfig(): Readonly<LogConfig> {
    return this.defaults;
  }

  createTopic(name: string, partitions: number, config: TopicConfigOverrides = {}, options: CreateTopicOptions = {}): TopicMetadata {
    validateTopicName(name);
    if (this.topics.has(name)) throw new TopicExistsError(name);
    const limit = this.options.maxPartitionsPerTopic ?? DEFAULT_MAX_PARTITIONS_PER_TOPIC;
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > limit) {
      throw new KafkaError('INVALID_PARTITIONS', `${partitions} partitions requested for ${name}; allowed: 1 to ${limit}`);
    }
    const logConfig = resolveLogConfig(config, this.defaults);
    const metadata: TopicMetadata = { name, partitions, config: { ...config }, createdAt: new Date(this.now()).toISOString() };
    if (options.validateOnly) return metadata;
    const logs = Array.from({ length: partitions }, (_, p) =>
      PartitionLog.open(path.join(this.dataDir, partitionDirName(name, p)), logConfig, { now: this.now, cleanShutdown: true }),
    );
    this.store.save(metadata);
    this.topics.set(name, { metadata, logs });
    return metadata;
  }

  /** Renames the partition directories aside first, so a crash mid-delete never leaves half a topic. */
  deleteTopic(name: string): void {
    const topic = this.topic(name);
    const suffix = `.${this.now().toString(36)}${DELETE_DIR_SUFFIX}`;
    const renamed = topic.logs.map((log) => {
      log.close();
      fs.renameSync(log.dir, log.dir + suffix);
      return log.dir + suffix;
    });
    this.store.remove(name);
    this.topics.delete(name);
    for (const dir of renamed) fs.rmSync(dir, { recursive: true, force: true });
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

  topicConfig(name: string): LogConfig {
    return resolveLogConfig(this.topic(name).metadata.config, this.defaults);
  }

  /** Changes a topic's overrides; takes effect on its partitions at once. */
  alterTopicConfig(name: string, config: TopicConfigOverrides): void {
    const topic = this.topic(name);
    const resolved = resolveLogConfig(config, this.defaults);
    topic.metadata = { ...topic.metadata, config: { ...config } };
    this.store.save(topic.metadata);
    for (const log of topic.logs) log.updateConfig(resolved);
  }

  partition(topicName: string, partition: number): PartitionLog {
    const log = this.topic(topicName).logs[partition];
    if (!log) throw new UnknownTopicError(topicName, partition);
    return log;
  }

  private *allLogs(): Generator<{ topic: string; partition: number; log: PartitionLog }> {
    for (const [topic, { logs }] of this.topics) for (let p = 0; p < logs.length; p++) yield { topic, partition: p, log: logs[p] };
  }

  flushDue(): void {
    for (const { log } of this.allLogs()) log.flushIfDue();
  }

  enforceRetention(): number {
    let deleted = 0;
    for (const { log } of this.allLogs()) deleted += log.enforceRetention();
    return deleted;
  }

  checkpointRecoveryPoints(): void {
    const offsets = [...this.allLogs()].map(({ topic, partition, log }) => ({ topic, partition, offset: log.recoveryPoint }));
    writeOffsetCheckpoint(path.join(this.dataDir, RECOVERY_CHECKPOINT_FILE), offsets);
  }

  startBackgroundTasks(): void {
    if (this.timers.length > 0) return;
    const every = (ms: number, task: () => void) => {
      const timer = setInterval(task, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.flushCheckIntervalMs ?? 100, () => this.flushDue());
    every(this.options.retentionCheckIntervalMs ?? 300_000, () => this.enforceRetention());
    every(60_000, () => this.checkpointRecoveryPoints());
  }

  /** Flushes everything, records recovery points and leaves the marker that lets the next open skip recovery. */
  close(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    for (const { log } of this.allLogs()) log.close();
    this.checkpointRecoveryPoints();
    fs.writeFileSync(path.join(this.dataDir, CLEAN_SHUTDOWN_FILE), '');
    syncDirectory(this.dataDir);
    this.unlock();
  }
}

