/**
 * What the broker's request handlers need from storage: topics, their
 * partitions, and per partition append, read and offsets. `LogManager`
 * (src/log) is the durable implementation; tests use an in-memory one.
 *
 * Failures are the typed errors of `./store-errors` (each a KafkaError, so
 * handlers answer with its code).
 */

/** Kafka-named topic config overrides, e.g. {"retention.ms": "3600000"}. */
export type TopicConfigOverrides = Record<string, string>;

export interface TopicDescription {
  name: string;
  /** Kafka's topic id: a random UUID (text form) given at creation, kept for the topic's life (Metadata v10+, Fetch v13+). */
  topicId: string;
  partitions: number;
  /** The overrides the topic was created or altered with; broker defaults apply to the rest. */
  config: TopicConfigOverrides;
}

export interface CreateTopicOptions {
  /** Check everything a create would check (name, existence, partition count, configs) but create nothing. */
  validateOnly?: boolean;
}

export interface AppendOptions {
  /** The producer's acks; -1 (all in-sync replicas) fails with NotEnoughReplicasError past min.insync.replicas 1. */
  acks?: number;
}

export interface AppendResult {
  /** The broker's time stamped on the batches of a LogAppendTime topic; -1 for CreateTime. */
  logAppendTimeMs: number;
  baseOffset: number;
  lastOffset: number;
  recordCount: number;
  appendTime: number;
  logStartOffset: number;
}

/** Where a read's bytes go: a buffer of exactly `size` bytes, which the read fills. */
export type ReadAllocator = (size: number) => Buffer;

export interface ReadResult {
  /** Whole record batches, exactly as stored; empty at the log end. */
  records: Buffer;
  logStartOffset: number;
  highWatermark: number;
  logEndOffset: number;
}

/** An aborted transaction's span in one partition: its first data offset and its abort marker's offset. */
export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
}

/** What a partition knows of one producer (DescribeProducers). */
export interface ActiveProducer {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  coordinatorEpoch: number;
  /** First offset of its open transaction here, or -1. */
  currentTxnStartOffset: number;
}

/** An end-transaction marker the transaction coordinator writes to a partition. */
export interface TxnMarkerRequest {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
}

export interface TimestampAndOffset {
  timestamp: number;
  offset: number;
}

/** One topic-partition. */
export interface StoredPartition {
  /** The first offset still held; reads below it are out of range. */
  readonly logStartOffset: number;
  /** The offset the next appended record gets (LEO). */
  readonly logEndOffset: number;
  /** The end of what consumers may read; with one replica it equals the log end. */
  readonly highWatermark: number;
  /** The end of what read_committed consumers may read: the first offset of the oldest open transaction, else the high watermark. */
  readonly lastStableOffset: number;
  /** Bytes the partition's log segments hold (Kafka's kafka.log:type=Log,name=Size). */
  readonly sizeInBytes: number;
  readonly segmentCount: number;
  /**
   * Validates every batch (CRC, size limits) before storing any, assigns
   * offsets from the log end by rewriting each batch's baseOffset in `records`,
   * and stores them. InvalidBatchError leaves the partition unchanged.
   * Batches with a producer id pass Kafka's idempotence checks (a KafkaError
   * OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH or INVALID_TXN_STATE
   * leaves it unchanged too); a retry of one of a producer's last five
   * batches is not stored again and answers with the original offsets.
   */
  append(records: Buffer, options?: AppendOptions): AppendResult;
  /** Appends a commit or abort marker (a control batch), ending the producer's transaction in this partition. */
  writeTxnMarker(marker: TxnMarkerRequest): AppendResult;
  /** Aborted transactions overlapping [fromOffset, upperBoundOffset), for read_committed fetches. */
  abortedTransactions(fromOffset: number, upperBoundOffset: number): AbortedTransaction[];
  /** Whether the producer has a transaction open in this partition. */
  hasOpenTransaction(producerId: number): boolean;
  /** Every producer id this partition holds state for. */
  activeProducers(): ActiveProducer[];
  /**
   * Whole batches starting with the one that contains `offset`, up to
   * `maxBytes`; the first batch is whole even when larger. Empty at the log end;
   * OffsetOutOfRangeError outside [logStartOffset, logEndOffset].
   */
  read(offset: number, maxBytes: number): ReadResult;
  /**
   * As read(), but a read of more than `syncBytes` is copied off the event loop, so other requests go on meanwhile.
   * `allocate` gives the buffer the bytes are read into (Fetch lends pooled ones); by default a fresh one.
   */
  readAsync(offset: number, maxBytes: number, syncBytes: number, allocate?: ReadAllocator): Promise<ReadResult>;
  /**
   * The first record with a timestamp ≥ `timestamp` (for a compressed batch,
   * that batch's base offset and max timestamp); undefined when every record is older.
   */
  offsetForTimestamp(timestamp: number): TimestampAndOffset | undefined;
  /** The first record with the largest timestamp held (ListOffsets MAX_TIMESTAMP); undefined when empty. */
  maxTimestampOffset(): TimestampAndOffset | undefined;
}

/** Where a config's value comes from, as Kafka's DescribeConfigs names it. */
export type ConfigSource =
  | 'DYNAMIC_TOPIC_CONFIG'
  | 'DYNAMIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'STATIC_BROKER_CONFIG'
  | 'DEFAULT_CONFIG';

/**
 * Broker configs set at run time (Kafka's KIP-226), by level: this broker's (resource name = its id) and the
 * cluster-wide default (resource name ""), which this broker's own values override.
 */
export interface DynamicBrokerConfigs {
  broker: Record<string, string>;
  clusterDefault: Record<string, string>;
}

export type ConfigValueType = 'BOOLEAN' | 'STRING' | 'INT' | 'LONG' | 'DOUBLE' | 'LIST';

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: ConfigSource;
}

export interface DescribedConfig {
  name: string;
  value: string | null;
  source: ConfigSource;
  readOnly: boolean;
  sensitive: boolean;
  type: ConfigValueType;
  documentation: string;
  /** The setting itself first, then those it falls back to, most specific first (Kafka's synonyms order). */
  synonyms: ConfigSynonym[];
}

export interface PartitionStore {
  /** The absolute directory the partitions live in (DescribeLogDirs' log dir); absent for a store without one. */
  readonly dataDir?: string;
  /** InvalidTopicError unless `name` could be a topic in this store. */
  checkTopicName(name: string): void;
  hasTopic(name: string): boolean;
  /** Every topic, sorted by name. */
  listTopics(): TopicDescription[];
  /** UnknownTopicError when there is no such topic. */
  describeTopic(name: string): TopicDescription;
  /** The name of the topic with this id (UUID text form), or undefined when none has it. */
  topicNameById(topicId: string): string | undefined;
  /**
   * InvalidTopicError, TopicExistsError, a KafkaError INVALID_PARTITIONS
   * (fewer than 1 or more than the store allows) or InvalidConfigError;
   * the same checks with `validateOnly`.
   */
  createTopic(name: string, partitions: number, config?: TopicConfigOverrides, options?: CreateTopicOptions): TopicDescription;
  /** UnknownTopicError when there is no such topic. */
  deleteTopic(name: string): void;
  /**
   * Replaces the topic's overrides (InvalidConfigError leaves them as they were); takes effect at once
   * and survives a restart. `validateOnly` checks without changing anything.
   */
  alterTopicConfig(name: string, config: TopicConfigOverrides, options?: CreateTopicOptions): void;
  /**
   * Grows the topic to `totalCount` partitions, durably: a KafkaError INVALID_PARTITIONS when that is not
   * more than it has (or past the store's limits). `validateOnly` checks without creating.
   */
  createPartitions(name: string, totalCount: number, options?: CreateTopicOptions): void;
  /**
   * Moves the partition's log start offset up to `offset` (-1: the high watermark), durably, and drops
   * whole segments below it; answers the new log start offset (Kafka's low watermark).
   * OffsetOutOfRangeError past the high watermark; an offset below the log start changes nothing.
   */
  deleteRecords(topic: string, partition: number, offset: number): number;
  /**
   * Every topic config of `name` with its effective value, where that comes from, and its synonyms.
   * With `overrides`, those of a topic that would have them (CreateTopics validateOnly: nothing exists yet).
   */
  describeTopicConfig(name: string, overrides?: TopicConfigOverrides): DescribedConfig[];
  /** The broker-level defaults for topics (log.retention.ms …) and where each comes from. */
  describeBrokerConfig(): DescribedConfig[];
  /** The broker config names that set topic defaults (log.retention.ms, log.retention.hours, compression.type …). */
  readonly brokerLogConfigNames: ReadonlySet<string>;
  /**
   * Makes the log configs among `configs` the topic defaults above the static ones, at once for every topic
   * without its own override. InvalidConfigError (naming the key) changes nothing; `validateOnly` only checks.
   * Not stored: the caller keeps dynamic configs and sets them again at start.
   */
  setDynamicBrokerDefaults(configs: DynamicBrokerConfigs, options?: CreateTopicOptions): void;
  /** UnknownTopicError for a missing topic or partition. */
  partition(topic: string, partition: number): StoredPartition;
}
