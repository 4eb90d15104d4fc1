import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { LogConfig, TopicConfigOverrides, normalizeOverrides, resolveLogConfig } from './log-config';
import { PartitionLog } from './partition-log';
import { TopicMetadata, TopicStore } from './topic-store';
import { validateTopicName } from './topic-name';
import { deleteDirName, partitionDirName } from './file-names';
import { writeLogStarts } from './log-checkpoints';
import { checkPartitionRoom } from './partition-limits';
import { TopicExistsError } from './errors';
import { OpenFileCache } from './open-file-cache';
import { LogCleaner } from './cleaner/log-cleaner';
import { TopicTable } from './topic-table';
import { KafkaError } from '../protocol/error-codes';
import type { CreateTopicOptions } from '../ports/partition-store';

export const DEFAULT_MAX_PARTITIONS_PER_TOPIC = 1000;

export interface TopicAdminContext {
  dataDir: string;
  table: TopicTable;
  store: TopicStore;
  files: OpenFileCache;
  cleaner: LogCleaner;
  defaults: LogConfig;
  maxPartitionsPerTopic: number | undefined;
  maxPartitions: number | undefined;
  now: () => number;
}

/** The changes clients ask of a data directory's topics: create, delete, alter, add partitions, delete records. */
export class TopicAdmin {
  constructor(private readonly context: TopicAdminContext) {}

  createTopic(name: string, partitions: number, config: TopicConfigOverrides = {}, options: CreateTopicOptions = {}): TopicMetadata {
    const { dataDir, table, store, files, now } = this.context;
    validateTopicName(name);
    if (table.has(name)) throw new TopicExistsError(name);
    this.checkRoomFor(name, partitions);
    const logConfig = resolveLogConfig(config, this.context.defaults);
    const metadata: TopicMetadata = { name, topicId: randomUUID(), partitions, config: normalizeOverrides(config), createdAt: new Date(now()).toISOString() };
    if (options.validateOnly) return metadata;
    const logs: PartitionLog[] = [];
    try {
      for (let p = 0; p < partitions; p++) {
        logs.push(PartitionLog.open(path.join(dataDir, partitionDirName(name, p)), logConfig, { now, cleanShutdown: true, files }));
      }
      store.save(metadata);
    } catch (error) {
      // A topic is created whole or not at all: no directory is left for the next start to adopt.
      for (const log of logs) log.deleteAll();
      for (let p = logs.length; p < partitions; p++) fs.rmSync(path.join(dataDir, partitionDirName(name, p)), { recursive: true, force: true });
      store.remove(name);
      throw error;
    }
    table.add({ metadata, logs, unavailable: new Map() });
    return metadata;
  }

  /** `partitions` new ones, making `total` for the topic. */
  private checkRoomFor(name: string, partitions: number, total = partitions): void {
    const perTopic = this.context.maxPartitionsPerTopic ?? DEFAULT_MAX_PARTITIONS_PER_TOPIC;
    checkPartitionRoom({ topic: name, adding: partitions, total, perTopic, stored: this.context.table.partitionCount, cap: this.context.maxPartitions });
  }

  /** Renames the partition directories aside first, so a crash mid-delete never leaves half a topic. */
  deleteTopic(name: string): void {
    const { dataDir, table } = this.context;
    const topic = table.get(name);
    const uniqueId = randomUUID().replace(/-/g, '');
    const renamed: string[] = [];
    topic.logs.forEach((log, p) => {
      log?.close();
      const dir = path.join(dataDir, partitionDirName(name, p));
      if (!log && !fs.existsSync(dir)) return;
      const aside = path.join(dataDir, deleteDirName(name, p, uniqueId));
      fs.renameSync(dir, aside);
      renamed.push(aside);
    });
    this.context.store.remove(name);
    table.remove(topic);
    this.context.cleaner.forget(name, topic.metadata.partitions);
    // A topic created again under this name must not inherit the deleted one's start offsets.
    writeLogStarts(dataDir, table.openPartitions());
    for (const dir of renamed) fs.rmSync(dir, { recursive: true, force: true });
  }

  /** Adds partitions at the end of the topic; the metadata is saved after their directories exist. */
  createPartitions(name: string, totalCount: number, options: CreateTopicOptions = {}): void {
    const { dataDir, files, now } = this.context;
    const topic = this.context.table.get(name);
    const current = topic.metadata.partitions;
    if (!Number.isInteger(totalCount) || totalCount <= current) {
      throw new KafkaError('INVALID_PARTITIONS', `Topic currently has ${current} partitions, which is higher than the requested ${totalCount}.`);
    }
    this.checkRoomFor(name, totalCount - current, totalCount);
    if (options.validateOnly) return;
    const config = resolveLogConfig(topic.metadata.config, this.context.defaults);
    const added: PartitionLog[] = [];
    try {
      for (let p = current; p < totalCount; p++) {
        added.push(PartitionLog.open(path.join(dataDir, partitionDirName(name, p)), config, { now, cleanShutdown: true, files }));
      }
      const metadata = { ...topic.metadata, partitions: totalCount };
      this.context.store.save(metadata);
      topic.metadata = metadata;
    } catch (error) {
      for (const log of added) log.deleteAll();
      throw error;
    }
    topic.logs.push(...added);
  }

  /** DeleteRecords: the new start is written to disk before it is answered. */
  deleteRecords(topicName: string, partition: number, offset: number): number {
    const { dataDir, table } = this.context;
    const log = table.partition(topicName, partition);
    const before = log.logStartOffset;
    const after = log.moveLogStart(offset === -1 ? log.highWatermark : offset);
    if (after !== before) writeLogStarts(dataDir, table.openPartitions());
    log.dropSegmentsBelowLogStart();
    return after;
  }

  /** Changes a topic's overrides; takes effect on its partitions at once. */
  alterTopicConfig(name: string, config: TopicConfigOverrides, options: CreateTopicOptions = {}): void {
    const topic = this.context.table.get(name);
    const resolved = resolveLogConfig(config, this.context.defaults);
    if (options.validateOnly) return;
    topic.metadata = { ...topic.metadata, config: normalizeOverrides(config) };
    this.context.store.save(topic.metadata);
    for (const log of topic.logs) log?.updateConfig(resolved);
  }
}
