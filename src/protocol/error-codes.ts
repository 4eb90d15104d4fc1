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
  OFFSET_METADATA_TOO_LARGE: entry(12, false, 'The metadata field of the offset request was too large.'),
  COORDINATOR_LOAD_IN_PROGRESS: entry(14, true, 'The coordinator is loading and hence can\'t process requests.'),
  COORDINATOR_NOT_AVAILABLE: entry(15, true, 'The coordinator is not available.'),
  NOT_COORDINATOR: entry(16, true, 'This is not the correct coordinator.'),
  INVALID_TOPIC_EXCEPTION: entry(17, false, 'The request attempted to perform an operation on an invalid topic.'),
  RECORD_LIST_TOO_LARGE: entry(18, false, 'The request included message batch larger than the configured segment size on the server.'),
  NOT_ENOUGH_REPLICAS: entry(19, true, 'Messages are rejected since there are fewer in-sync replicas than required.'),
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: entry(20, true, 'Messages are written to the log, but to fewer in-sync replicas than required.'),
  INVALID_REQUIRED_ACKS: entry(21, false, 'Produce request specified an invalid value for required acks.'),
  ILLEGAL_GENERATION: entry(22, false, 'Specified group generation id is not valid.'),
  INCONSISTENT_GROUP_PROTOCOL: entry(23, false, 'The group member\'s supported protocols are incompatible with those of existing members.'),
  INVALID_GROUP_ID: entry(24, false, 'The configured groupId is invalid.'),
  UNKNOWN_MEMBER_ID: entry(25, false, 'The coordinator is not aware of this member.'),
  INVALID_SESSION_TIMEOUT: entry(26, false, 'The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms).'),
  REBALANCE_IN_PROGRESS: entry(27, false, 'The group is rebalancing, so a rejoin is needed.'),
  INVALID_COMMIT_OFFSET_SIZE: entry(28, false, 'The committing offset data size is not valid.'),
  TOPIC_AUTHORIZATION_FAILED: entry(29, false, 'Topic authorization failed.'),
  GROUP_AUTHORIZATION_FAILED: entry(30, false, 'Group authorization failed.'),
  CLUSTER_AUTHORIZATION_FAILED: entry(31, false, 'Cluster authorization failed.'),
  INVALID_TIMESTAMP: entry(32, false, 'The timestamp of the message is out of acceptable range.'),
  UNSUPPORTED_SASL_MECHANISM: entry(33, false, 'The broker does not support the requested SASL mechanism.'),
  ILLEGAL_SASL_STATE: entry(34, false, 'Request is not valid given the current SASL state.'),
  UNSUPPORTED_VERSION: entry(35, false, 'The version of API is not supported.'),
  TOPIC_ALREADY_EXISTS: entry(36, false, 'Topic with this name already exists.'),
  INVALID_PARTITIONS: entry(37, false, 'Number of partitions is below 1.'),
  INVALID_REPLICATION_FACTOR: entry(38, false, 'Replication factor is below 1 or larger than the number of available brokers.'),
  INVALID_REPLICA_ASSIGNMENT: entry(39, false, 'Replica assignment is invalid.'),
  INVALID_CONFIG: entry(40, false, 'Configuration is invalid.'),
  NOT_CONTROLLER: entry(41, true, 'This is not the correct controller for this cluster.'),
  INVALID_REQUEST: entry(42, false, 'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker.'),
  UNSUPPORTED_FOR_MESSAGE_FORMAT: entry(43, false, 'The message format version on the broker does not support the request.'),
  POLICY_VIOLATION: entry(44, false, 'Request parameters do not satisfy the configured policy.'),
  OUT_OF_ORDER_SEQUENCE_NUMBER: entry(45, false, 'The broker received an out of order sequence number.'),
  DUPLICATE_SEQUENCE_NUMBER: entry(46, false, 'The broker received a duplicate sequence number.'),
  INVALID_PRODUCER_EPOCH: entry(47, false, 'Producer attempted to produce with an old epoch.'),
  INVALID_TXN_STATE: entry(48, false, 'The producer attempted a transactional operation in an invalid state.'),
  INVALID_PRODUCER_ID_MAPPING: entry(49, false, 'The producer attempted to use a producer id which is not currently assigned to its transactional id.'),
  INVALID_TRANSACTION_TIMEOUT: entry(50, false, 'The transaction timeout is larger than the maximum value allowed by the broker (as configured by transaction.max.timeout.ms).'),
  CONCURRENT_TRANSACTIONS: entry(51, true, 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing.'),
  TRANSACTION_COORDINATOR_FENCED: entry(52, false, 'Indicates that the transaction coordinator sending a WriteTxnMarker is no longer the current coordinator for a given producer.'),
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: entry(53, false, 'Transactional Id authorization failed.'),
  SECURITY_DISABLED: entry(54, false, 'Security features are disabled.'),
  OPERATION_NOT_ATTEMPTED: entry(55, false, 'The broker did not attempt to execute this operation.'),
  KAFKA_STORAGE_ERROR: entry(56, true, 'Disk error when trying to access log file on the disk.'),
  SASL_AUTHENTICATION_FAILED: entry(58, false, 'SASL Authentication failed.'),
  UNKNOWN_PRODUCER_ID: entry(59, false, 'This exception is raised by the broker if it could not locate the producer metadata associated with the producerId in question.'),
  INVALID_PRINCIPAL_TYPE: entry(67, false, 'Principal type is not supported.'),
  NON_EMPTY_GROUP: entry(68, false, 'The group is not empty.'),
  GROUP_ID_NOT_FOUND: entry(69, false, 'The group id does not exist.'),
  FETCH_SESSION_ID_NOT_FOUND: entry(70, true, 'The fetch session ID was not found.'),
  INVALID_FETCH_SESSION_EPOCH: entry(71, true, 'The fetch session epoch is invalid.'),
  LISTENER_NOT_FOUND: entry(72, true, 'There is no listener on the leader broker that matches the listener on which metadata request was processed.'),
  FENCED_LEADER_EPOCH: entry(74, true, 'The leader epoch in the request is older than the epoch on the broker.'),
  UNKNOWN_LEADER_EPOCH: entry(75, true, 'The leader epoch in the request is newer than the epoch on the broker.'),
  UNSUPPORTED_COMPRESSION_TYPE: entry(76, false, 'The requesting client does not support the compression type of given partition.'),
  OFFSET_NOT_AVAILABLE: entry(78, true, 'The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to be monotonically increasing.'),
  MEMBER_ID_REQUIRED: entry(79, false, 'The group member needs to have a valid member id before actually entering a consumer group.'),
  GROUP_MAX_SIZE_REACHED: entry(81, false, 'The consumer group has reached its max size.'),
  FENCED_INSTANCE_ID: entry(82, false, 'The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.'),
  GROUP_SUBSCRIBED_TO_TOPIC: entry(86, false, 'The consumer group is actively subscribed to the topic.'),
  INVALID_RECORD: entry(87, false, 'This record has failed the validation on broker and hence will be rejected.'),
  UNSTABLE_OFFSET_COMMIT: entry(88, true, 'There are unstable offsets that need to be cleared.'),
  THROTTLING_QUOTA_EXCEEDED: entry(89, true, 'The throttling quota has been exceeded.'),
  PRODUCER_FENCED: entry(90, false, 'There is a newer producer with the same transactionalId which fences the current one.'),
  RESOURCE_NOT_FOUND: entry(91, false, 'A request illegally referred to a resource that does not exist.'),
  DUPLICATE_RESOURCE: entry(92, false, 'A request illegally referred to the same resource twice.'),
  UNACCEPTABLE_CREDENTIAL: entry(93, false, 'Requested credential would not meet criteria for acceptability.'),
  UNKNOWN_TOPIC_ID: entry(100, true, 'This server does not host this topic ID.'),
  INCONSISTENT_TOPIC_ID: entry(103, true, 'The log\'s topic ID did not match the topic ID in the request.'),
  TRANSACTIONAL_ID_NOT_FOUND: entry(105, false, 'The transactionalId could not be found.'),
  MISMATCHED_ENDPOINT_TYPE: entry(114, false, 'The request was sent to an endpoint of the wrong type.'),
  UNSUPPORTED_ENDPOINT_TYPE: entry(115, false, 'This endpoint type is not supported yet.'),
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
