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
  partitions: number;
  /** The overrides the topic was created or altered with; broker defaults apply to the rest. */
  config: TopicConfigOverrides;
}

export interface CreateTopicOptions {
  /** Check everything a create would check (name, existence, partition count, configs) but create nothing. */
  validateOnly?: boolean;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  recordCount: number;
  appendTime: number;
  logStartOffset: number;
}

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
  /**
   * Validates every batch (CRC, size limits) before storing any, assigns
   * offsets from the log end by rewriting each batch's baseOffset in `records`,
   * and stores them. InvalidBatchError leaves the partition unchanged.
   * Batches with a producer id pass Kafka's idempotence checks (a KafkaError
   * OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH or INVALID_TXN_STATE
   * leaves it unchanged too); a retry of one of a producer's last five
   * batches is not stored again and answers with the original offsets.
   */
  append(records: Buffer): AppendResult;
  /** Appends a commit or abort marker (a control batch), ending the producer's transaction in this partition. */
  writeTxnMarker(marker: TxnMarkerRequest): AppendResult;
  /** Aborted transactions overlapping [fromOffset, upperBoundOffset), for read_committed fetches. */
  abortedTransactions(fromOffset: number, upperBoundOffset: number): AbortedTransaction[];
  /** Every producer id this partition holds state for. */
  activeProducers(): ActiveProducer[];
  /**
   * Whole batches starting with the one that contains `offset`, up to
   * `maxBytes`; the first batch is whole even when larger. Empty at the log end;
   * OffsetOutOfRangeError outside [logStartOffset, logEndOffset].
   */
  read(offset: number, maxBytes: number): ReadResult;
  /**
   * The first record with a timestamp ≥ `timestamp` (for a compressed batch,
   * that batch's base offset and max timestamp); undefined when every record is older.
   */
  offsetForTimestamp(timestamp: number): TimestampAndOffset | undefined;
}

export interface PartitionStore {
  /** InvalidTopicError unless `name` could be a topic in this store. */
  checkTopicName(name: string): void;
  hasTopic(name: string): boolean;
  /** Every topic, sorted by name. */
  listTopics(): TopicDescription[];
  /** UnknownTopicError when there is no such topic. */
  describeTopic(name: string): TopicDescription;
  /**
   * InvalidTopicError, TopicExistsError, a KafkaError INVALID_PARTITIONS
   * (fewer than 1 or more than the store allows) or InvalidConfigError;
   * the same checks with `validateOnly`.
   */
  createTopic(name: string, partitions: number, config?: TopicConfigOverrides, options?: CreateTopicOptions): TopicDescription;
  /** UnknownTopicError when there is no such topic. */
  deleteTopic(name: string): void;
  /** Replaces the topic's overrides (InvalidConfigError leaves them as they were); takes effect at once. */
  alterTopicConfig(name: string, config: TopicConfigOverrides): void;
  /** UnknownTopicError for a missing topic or partition. */
  partition(topic: string, partition: number): StoredPartition;
}
