import { KafkaError } from '../protocol/error-codes';

// What a PartitionStore throws. Declared beside the port so that the log and an
// in-memory store throw the same classes, and handlers map them to Kafka codes.

/** A batch failed validation on append; the partition is unchanged. */
/** A record refused inside a batch, by its index in the batch (what Kafka's Produce v8+ record_errors name). */
export interface RefusedRecord {
  recordIndex: number;
  message: string;
}

export class InvalidBatchError extends KafkaError {
  constructor(
    errorName: 'CORRUPT_MESSAGE' | 'MESSAGE_TOO_LARGE' | 'RECORD_LIST_TOO_LARGE' | 'INVALID_RECORD' | 'INVALID_TIMESTAMP',
    readonly batchIndex: number,
    readonly bytePosition: number,
    detail: string,
    /** Set when particular records are at fault, not the batch as a whole. */
    readonly refusedRecords?: readonly RefusedRecord[],
  ) {
    super(errorName, `batch ${batchIndex} at byte ${bytePosition} of the appended data: ${detail}`);
    this.name = 'InvalidBatchError';
  }
}

export class OffsetOutOfRangeError extends KafkaError {
  constructor(readonly offset: number, readonly logStartOffset: number, readonly logEndOffset: number) {
    super('OFFSET_OUT_OF_RANGE', `offset ${offset} is outside [${logStartOffset}, ${logEndOffset}]`);
    this.name = 'OffsetOutOfRangeError';
  }
}

export class InvalidTopicError extends KafkaError {
  constructor(readonly topic: string, reason: string) {
    super('INVALID_TOPIC_EXCEPTION', `topic name ${JSON.stringify(topic)} ${reason}`);
    this.name = 'InvalidTopicError';
  }
}

export class UnknownTopicError extends KafkaError {
  constructor(readonly topic: string, readonly partition?: number) {
    super('UNKNOWN_TOPIC_OR_PARTITION', partition === undefined ? `no topic ${topic}` : `no partition ${topic}-${partition}`);
    this.name = 'UnknownTopicError';
  }
}

export class TopicExistsError extends KafkaError {
  constructor(readonly topic: string) {
    super('TOPIC_ALREADY_EXISTS', `topic ${topic} already exists`);
    this.name = 'TopicExistsError';
  }
}

export class InvalidConfigError extends KafkaError {
  constructor(readonly key: string, readonly value: string, reason: string) {
    super('INVALID_CONFIG', `${key}=${value}: ${reason}`);
    this.name = 'InvalidConfigError';
  }
}

/** acks=-1 on a partition whose min.insync.replicas exceeds the replicas this one broker has. */
export class NotEnoughReplicasError extends KafkaError {
  constructor(readonly topic: string, readonly partition: number, readonly minInsyncReplicas: number) {
    super('NOT_ENOUGH_REPLICAS', `the in-sync replica set of ${topic}-${partition} has 1 member, fewer than its min.insync.replicas ${minInsyncReplicas} (acks=-1)`);
    this.name = 'NotEnoughReplicasError';
  }
}

/**
 * acks=-1 needs min.insync.replicas in-sync replicas; one broker has one. `partitionName` is `<topic>-<partition>`.
 * Both partition stores check appends with it.
 */
export function checkInSyncReplicas(partitionName: string, acks: number | undefined, minInsyncReplicas: number): void {
  if (acks !== -1 || minInsyncReplicas <= 1) return;
  const cut = partitionName.lastIndexOf('-');
  throw new NotEnoughReplicasError(partitionName.slice(0, cut), Number(partitionName.slice(cut + 1)), minInsyncReplicas);
}

/** The stored data is not usable (bad file names, unreadable metadata, a failed flush). */
export class LogStorageError extends KafkaError {
  constructor(readonly path: string, detail: string) {
    super('KAFKA_STORAGE_ERROR', `${path}: ${detail}`);
    this.name = 'LogStorageError';
  }
}
