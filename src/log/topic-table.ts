import * as path from 'node:path';
import { PartitionLog } from './partition-log';
import { TopicMetadata } from './topic-store';
import { partitionDirName } from './file-names';
import { LogStorageError, UnknownTopicError } from './errors';

export interface OpenTopic {
  metadata: TopicMetadata;
  /** undefined for a partition whose directory could not be opened at start; `unavailable` says why. */
  logs: (PartitionLog | undefined)[];
  unavailable: Map<number, string>;
}

export interface OpenPartition {
  topic: string;
  partition: number;
  log: PartitionLog;
}

/** The open topics of one data directory, by name and by topic id. */
export class TopicTable {
  private readonly topics = new Map<string, OpenTopic>();
  private readonly namesById = new Map<string, string>();

  constructor(private readonly dataDir: string) {}

  add(topic: OpenTopic): void {
    this.topics.set(topic.metadata.name, topic);
    this.namesById.set(topic.metadata.topicId, topic.metadata.name);
  }

  remove(topic: OpenTopic): void {
    this.topics.delete(topic.metadata.name);
    this.namesById.delete(topic.metadata.topicId);
  }

  get(name: string): OpenTopic {
    const topic = this.topics.get(name);
    if (!topic) throw new UnknownTopicError(name);
    return topic;
  }

  has(name: string): boolean {
    return this.topics.has(name);
  }

  nameById(topicId: string): string | undefined {
    return this.namesById.get(topicId);
  }

  list(): TopicMetadata[] {
    return [...this.topics.values()].map((t) => t.metadata).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Partitions of every topic together. */
  get partitionCount(): number {
    let count = 0;
    for (const { metadata } of this.topics.values()) count += metadata.partitions;
    return count;
  }

  partition(topicName: string, partition: number): PartitionLog {
    const topic = this.get(topicName);
    const log = topic.logs[partition];
    if (log) return log;
    const why = topic.unavailable.get(partition);
    if (why !== undefined) throw new LogStorageError(path.join(this.dataDir, partitionDirName(topicName, partition)), `could not be opened at start: ${why}`);
    throw new UnknownTopicError(topicName, partition);
  }

  /** Every partition that is open, topic by topic. */
  *openPartitions(): Generator<OpenPartition> {
    for (const [topic, { logs }] of this.topics) {
      for (let p = 0; p < logs.length; p++) {
        const log = logs[p];
        if (log) yield { topic, partition: p, log };
      }
    }
  }
}
