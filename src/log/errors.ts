// The log's errors are the PartitionStore port's: an in-memory store throws the same classes.
export {
  InvalidBatchError,
  OffsetOutOfRangeError,
  InvalidTopicError,
  UnknownTopicError,
  TopicExistsError,
  InvalidConfigError,
  LogStorageError,
  NotEnoughReplicasError,
} from '../ports/store-errors';
