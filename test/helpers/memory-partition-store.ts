import { randomUUID } from 'node:crypto';
import type {
  DynamicBrokerConfigs,
  AbortedTransaction, ActiveProducer, AppendOptions, AppendResult, CreateTopicOptions, DescribedConfig, PartitionStore, ReadResult, StoredPartition, TimestampAndOffset,
  TopicConfigOverrides, TopicDescription, TxnMarkerRequest,
} from '../../src/ports/partition-store';
import { LogStorageError, TopicExistsError, checkInSyncReplicas, UnknownTopicError, OffsetOutOfRangeError } from '../../src/ports/store-errors';
import { KafkaError } from '../../src/protocol/error-codes';
import { ATTRIBUTES_POS, compressionOf } from '../../src/protocol/record-batch';
import { decodeRecords } from '../../src/protocol/records';
import { assignOffsets, validateAppend } from '../../src/log/append-validation';
import { DEFAULT_LOG_CONFIG, LogConfig, normalizeOverrides, resolveLogConfig, timestampBounds } from '../../src/log/log-config';
import { BrokerLogDefaults, configuredFields, describeBrokerLogConfig, describeTopicConfig } from '../../src/log/config-description';
import { BROKER_LOG_CONFIG_NAMES, DynamicTopicDefaults, dynamicTopicDefaults } from '../../src/log/dynamic-log-defaults';
import { validateTopicName } from '../../src/log/topic-name';
import { DEFAULT_MAX_PARTITIONS_PER_TOPIC } from '../../src/log/log-manager';
import { AppendOrigin, ProducerStateManager, producerBatchAt } from '../../src/log/producer-state';
import { buildControlBatch } from '../../src/protocol/control-batch';

interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  bytes: Buffer;
}

/**
 * A partition held in memory. It shares the log's pure rules (batch checks,
 * offset assignment, config and topic-name validation) so handlers see what
 * they would see on disk; there are no segments, files or flushes.
 */
export class MemoryPartition implements StoredPartition {
  private batches: StoredBatch[] = [];
  private startOffset = 0;
  private endOffset = 0;
  private readonly producers = new ProducerStateManager('memory');

  constructor(private readonly config: () => LogConfig, private readonly now: () => number, private readonly label = 'memory-0') {}

  get logStartOffset(): number {
    return this.startOffset;
  }

  get logEndOffset(): number {
    return this.endOffset;
  }

  get highWatermark(): number {
    return this.endOffset;
  }

  get lastStableOffset(): number {
    return Math.min(this.producers.firstUnstableOffset ?? this.endOffset, this.endOffset);
  }

  get sizeInBytes(): number {
    return this.batches.reduce((sum, b) => sum + b.bytes.length, 0);
  }

  /** One segment, always: the memory store does not roll. */
  get segmentCount(): number {
    return 1;
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

  writeTxnMarker(marker: TxnMarkerRequest): AppendResult {
    return this.appendFrom(buildControlBatch(marker, this.now()), 'coordinator', {});
  }

  append(records: Buffer, options: AppendOptions = {}): AppendResult {
    return this.appendFrom(records, 'client', options);
  }

  private appendFrom(records: Buffer, origin: AppendOrigin, options: AppendOptions): AppendResult {
    const config = this.config();
    checkInSyncReplicas(this.label, options.acks, config.minInsyncReplicas);
    const now = this.now();
    const validated = validateAppend(records, config.maxMessageBytes, config.segmentBytes, { type: config.messageTimestampType, now, ...timestampBounds(config) });
    const baseOffset = this.endOffset;
    const producerState = this.producers.prepare(validated.batches.map((b) => producerBatchAt(records, b.position, baseOffset + b.baseOffset)), origin);
    if (producerState.kind === 'duplicate') {
      const { firstOffset, lastOffset } = producerState;
      return { logAppendTimeMs: -1, baseOffset: firstOffset, lastOffset, recordCount: lastOffset - firstOffset + 1, appendTime: now, logStartOffset: this.startOffset };
    }
    for (const batch of assignOffsets(records, validated, baseOffset)) {
      const bytes = Buffer.from(records.subarray(batch.position, batch.position + batch.size));
      this.batches.push({ baseOffset: batch.baseOffset, lastOffset: batch.lastOffset, maxTimestamp: batch.maxTimestamp, bytes });
    }
    this.endOffset = baseOffset + validated.recordCount;
    this.producers.commit(producerState);
    return {
      logAppendTimeMs: config.messageTimestampType === 'LogAppendTime' ? now : -1,
      baseOffset,
      lastOffset: this.endOffset - 1,
      recordCount: validated.recordCount,
      appendTime: now,
      logStartOffset: this.startOffset,
    };
  }

  read(offset: number, maxBytes: number): ReadResult {
    if (offset < this.startOffset || offset > this.endOffset) throw new OffsetOutOfRangeError(offset, this.startOffset, this.endOffset);
    const picked: Buffer[] = [];
    let size = 0;
    for (const batch of this.batches) {
      if (batch.lastOffset < offset) continue;
      if (picked.length > 0 && size + batch.bytes.length > maxBytes) break;
      picked.push(batch.bytes);
      size += batch.bytes.length;
    }
    return { records: Buffer.concat(picked), logStartOffset: this.startOffset, highWatermark: this.highWatermark, logEndOffset: this.endOffset };
  }

  async readAsync(offset: number, maxBytes: number): Promise<ReadResult> {
    return this.read(offset, maxBytes);
  }

  offsetForTimestamp(timestamp: number): TimestampAndOffset | undefined {
    const batch = this.batches.find((b) => b.maxTimestamp >= timestamp);
    if (!batch) return undefined;
    const clamp = (found: TimestampAndOffset) => ({ ...found, offset: Math.max(found.offset, this.startOffset) });
    const whole = { offset: batch.baseOffset, timestamp: batch.maxTimestamp };
    if (compressionOf(batch.bytes.readInt16BE(ATTRIBUTES_POS)) !== 0) return clamp(whole);
    const hit = decodeRecords(batch.bytes).find((record) => record.timestamp >= timestamp);
    return clamp(hit ? { offset: hit.offset, timestamp: hit.timestamp } : whole);
  }

  maxTimestampOffset(): TimestampAndOffset | undefined {
    if (this.batches.length === 0) return undefined;
    const max = Math.max(...this.batches.map((b) => b.maxTimestamp));
    return this.offsetForTimestamp(max);
  }

  /** DeleteRecords: the start moves to `offset`; batches wholly below it go. */
  deleteRecordsBefore(offset: number): number {
    if (offset > this.endOffset || offset < 0) throw new OffsetOutOfRangeError(offset, this.startOffset, this.endOffset);
    if (offset <= this.startOffset) return this.startOffset;
    this.batches = this.batches.filter((b) => b.lastOffset >= offset);
    this.startOffset = offset;
    this.producers.truncateHead(offset);
    return offset;
  }

  /** What retention does: drops whole batches that end before `offset`; the log start moves to the first kept batch. */
  expireBefore(offset: number): void {
    this.batches = this.batches.filter((b) => b.lastOffset >= offset);
    this.startOffset = this.batches[0]?.baseOffset ?? this.endOffset;
    this.producers.truncateHead(this.startOffset);
  }
}

interface MemoryTopic {
  description: TopicDescription;
  resolved: LogConfig;
  partitions: MemoryPartition[];
  /** Partitions LogManager would have skipped at start, with why. */
  unavailable: Map<number, string>;
}

export interface MemoryPartitionStoreOptions {
  defaults?: Partial<LogConfig>;
  maxPartitionsPerTopic?: number;
  /** Partitions of all topics together (LogManager's maxPartitions). */
  maxPartitions?: number;
  now?: () => number;
}

/** A PartitionStore for handler tests: the same checks and errors as LogManager, nothing on disk. */
export class MemoryPartitionStore implements PartitionStore {
  private readonly topics = new Map<string, MemoryTopic>();
  private readonly defaults: LogConfig;
  private readonly now: () => number;

  constructor(private readonly options: MemoryPartitionStoreOptions = {}) {
    this.defaults = { ...DEFAULT_LOG_CONFIG, ...options.defaults };
    this.now = options.now ?? Date.now;
  }

  checkTopicName(name: string): void {
    validateTopicName(name);
  }

  hasTopic(name: string): boolean {
    return this.topics.has(name);
  }

  listTopics(): TopicDescription[] {
    return [...this.topics.values()].map((t) => t.description).sort((a, b) => a.name.localeCompare(b.name));
  }

  describeTopic(name: string): TopicDescription {
    return this.topic(name).description;
  }

  topicNameById(topicId: string): string | undefined {
    return [...this.topics.values()].find((t) => t.description.topicId === topicId)?.description.name;
  }

  createTopic(name: string, partitions: number, config: TopicConfigOverrides = {}, options: CreateTopicOptions = {}): TopicDescription {
    validateTopicName(name);
    if (this.topics.has(name)) throw new TopicExistsError(name);
    this.checkRoomFor(name, partitions);
    const resolved = resolveLogConfig(config, this.defaults);
    const description: TopicDescription = { name, topicId: randomUUID(), partitions, config: normalizeOverrides(config) };
    if (options.validateOnly) return description;
    const topic: MemoryTopic = { description, resolved, partitions: [], unavailable: new Map() };
    topic.partitions = Array.from({ length: partitions }, (_, p) => new MemoryPartition(() => topic.resolved, this.now, `${name}-${p}`));
    this.topics.set(name, topic);
    return description;
  }

  deleteTopic(name: string): void {
    this.topic(name);
    this.topics.delete(name);
  }

  alterTopicConfig(name: string, config: TopicConfigOverrides, options: CreateTopicOptions = {}): void {
    const topic = this.topic(name);
    const resolved = resolveLogConfig(config, this.defaults);
    if (options.validateOnly) return;
    topic.resolved = resolved;
    topic.description = { ...topic.description, config: normalizeOverrides(config) };
  }

  createPartitions(name: string, totalCount: number, options: CreateTopicOptions = {}): void {
    const topic = this.topic(name);
    const current = topic.partitions.length;
    if (!Number.isInteger(totalCount) || totalCount <= current) {
      throw new KafkaError('INVALID_PARTITIONS', `Topic currently has ${current} partitions, which is higher than the requested ${totalCount}.`);
    }
    this.checkRoomFor(name, totalCount - current, totalCount);
    if (options.validateOnly) return;
    for (let p = current; p < totalCount; p++) topic.partitions.push(new MemoryPartition(() => topic.resolved, this.now, `${name}-${p}`));
    topic.description = { ...topic.description, partitions: totalCount };
  }

  deleteRecords(topic: string, partition: number, offset: number): number {
    const stored = this.partition(topic, partition);
    return stored.deleteRecordsBefore(offset === -1 ? stored.highWatermark : offset);
  }

  describeTopicConfig(name: string, overrides?: TopicConfigOverrides): DescribedConfig[] {
    return describeTopicConfig(overrides ?? this.topic(name).description.config, this.brokerDefaults);
  }

  describeBrokerConfig(): DescribedConfig[] {
    return describeBrokerLogConfig(this.brokerDefaults);
  }

  readonly brokerLogConfigNames = BROKER_LOG_CONFIG_NAMES;
  private dynamic: DynamicTopicDefaults = { broker: {}, clusterDefault: {} };

  /** Topic defaults at run time; existing topics keep the config they were created with (enough for handler tests). */
  setDynamicBrokerDefaults(configs: DynamicBrokerConfigs, options: CreateTopicOptions = {}): void {
    const dynamic = dynamicTopicDefaults(configs);
    const next = resolveLogConfig({ ...dynamic.clusterDefault, ...dynamic.broker }, { ...DEFAULT_LOG_CONFIG, ...this.options.defaults });
    if (options.validateOnly) return;
    Object.assign(this.defaults, next);
    this.dynamic = dynamic;
  }

  private get brokerDefaults(): BrokerLogDefaults {
    return { config: this.defaults, staticConfig: { ...DEFAULT_LOG_CONFIG, ...this.options.defaults }, configured: configuredFields(this.options.defaults), dynamic: this.dynamic };
  }

  partition(topic: string, partition: number): MemoryPartition {
    const stored = this.topic(topic);
    const found = stored.partitions[partition];
    const why = stored.unavailable.get(partition);
    if (why !== undefined) throw new LogStorageError(`${topic}-${partition}`, `could not be opened at start: ${why}`);
    if (!found) throw new UnknownTopicError(topic, partition);
    return found;
  }

  /** As LogManager does for a partition directory it could not open at start: it stays listed, and using it fails. */
  markUnavailable(topic: string, partition: number, why: string): void {
    this.partition(topic, partition);
    this.topic(topic).unavailable.set(partition, why);
  }

  /** The effective config of a topic, as LogManager.topicConfig gives it. */
  topicConfig(name: string): LogConfig {
    return { ...this.topic(name).resolved };
  }

  /** The same limits LogManager keeps: per topic and for the whole store. */
  private checkRoomFor(name: string, partitions: number, total = partitions): void {
    const perTopic = this.options.maxPartitionsPerTopic ?? DEFAULT_MAX_PARTITIONS_PER_TOPIC;
    if (!Number.isInteger(partitions) || partitions < 1 || total > perTopic) {
      throw new KafkaError('INVALID_PARTITIONS', `${total} partitions requested for ${name}; allowed: 1 to ${perTopic}`);
    }
    const stored = [...this.topics.values()].reduce((sum, t) => sum + t.partitions.length, 0);
    const cap = this.options.maxPartitions;
    if (cap !== undefined && stored + partitions > cap) {
      throw new KafkaError('POLICY_VIOLATION', `creating ${name} with ${partitions} partitions would bring this store to ${stored + partitions} partitions; max.partitions is ${cap}`);
    }
  }

  private topic(name: string): MemoryTopic {
    const topic = this.topics.get(name);
    if (!topic) throw new UnknownTopicError(name);
    return topic;
  }
}
