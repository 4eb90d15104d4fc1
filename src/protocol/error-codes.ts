// Kafka's error codes: one table, the single place a code, its name and retriability live.
// Codes and names follow org.apache.kafka.common.protocol.Errors.

export interface KafkaErrorInfo {
  code: number;
  retriable: boolean;
  message: string;
}

function entry(code: number, retriable: boolean, message: string): KafkaErrorInfo {
  return { code, retriable, message };
}

export const KafkaErrors = {
  UNKNOWN_SERVER_ERROR: entry(-1, false, 'The server experienced an unexpected error when processing the request.'),
  NONE: entry(0, false, ''),
  OFFSET_OUT_OF_RANGE: entry(1, false, 'The requested offset is not within the range of offsets maintained by the server.'),
  CORRUPT_MESSAGE: entry(2, true, 'This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt.'),
  UNKNOWN_TOPIC_OR_PARTITION: entry(3, true, 'This server does not host this topic-partition.'),
  INVALID_FETCH_SIZE: entry(4, false, 'The requested fetch size is invalid.'),
  LEADER_NOT_AVAILABLE: entry(5, true, 'There is no leader for this topic-partition as we are in the middle of a leadership election.'),
  NOT_LEADER_OR_FOLLOWER: entry(6, true, 'For requests intended only for the leader, this error indicates that the broker is not the current leader.'),
  REQUEST_TIMED_OUT: entry(7, true, 'The request timed out.'),
  MESSAGE_TOO_LARGE: entry(10, false, 'The request included a message larger than the max message size the server will accept.'),
  INVALID_TOPIC_EXCEPTION: entry(17, false, 'The request attempted to perform an operation on an invalid topic.'),
  RECORD_LIST_TOO_LARGE: entry(18, false, 'The request included message batch larger than the configured segment size on the server.'),
  NOT_ENOUGH_REPLICAS: entry(19, true, 'Messages are rejected since there are fewer in-sync replicas than required.'),
  INVALID_REQUIRED_ACKS: entry(21, false, 'Produce request specified an invalid value for required acks.'),
  INVALID_TIMESTAMP: entry(32, false, 'The timestamp of the message is out of acceptable range.'),
  UNSUPPORTED_VERSION: entry(35, false, 'The version of API is not supported.'),
  TOPIC_ALREADY_EXISTS: entry(36, false, 'Topic with this name already exists.'),
  INVALID_PARTITIONS: entry(37, false, 'Number of partitions is below 1.'),
  INVALID_REPLICATION_FACTOR: entry(38, false, 'Replication factor is below 1 or larger than the number of available brokers.'),
  INVALID_CONFIG: entry(40, false, 'Configuration is invalid.'),
  INVALID_REQUEST: entry(42, false, 'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker.'),
  UNSUPPORTED_FOR_MESSAGE_FORMAT: entry(43, false, 'The message format version on the broker does not support the request.'),
  POLICY_VIOLATION: entry(44, false, 'Request parameters do not satisfy the configured policy.'),
  KAFKA_STORAGE_ERROR: entry(56, true, 'Disk error when trying to access log file on the disk.'),
  UNSUPPORTED_COMPRESSION_TYPE: entry(76, false, 'The requesting client does not support the compression type of given partition.'),
  INVALID_RECORD: entry(87, false, 'This record has failed the validation on broker and hence will be rejected.'),
} as const;

export type KafkaErrorName = keyof typeof KafkaErrors;

const NAMES_BY_CODE = new Map<number, KafkaErrorName>(
  (Object.keys(KafkaErrors) as KafkaErrorName[]).map((name) => [KafkaErrors[name].code, name]),
);

export function errorNameForCode(code: number): KafkaErrorName | undefined {
  return NAMES_BY_CODE.get(code);
}

/** A failure that maps onto one Kafka error code at the protocol boundary. */
export class KafkaError extends Error {
  readonly code: number;
  readonly retriable: boolean;

  constructor(readonly errorName: KafkaErrorName, detail: string) {
    super(`${errorName}: ${detail}`);
    this.name = 'KafkaError';
    this.code = KafkaErrors[errorName].code;
    this.retriable = KafkaErrors[errorName].retriable;
  }
}
