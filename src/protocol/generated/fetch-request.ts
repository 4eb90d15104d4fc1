// Generated from Kafka's FetchRequest.json by scripts/generate-protocol.ts (versions 4-11).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface FetchRequest {
  /** The broker ID of the follower, of -1 if this request is from a consumer. */
  replicaId?: number;
  /** The maximum time in milliseconds to wait for the response. */
  maxWaitMs: number;
  /** The minimum bytes to accumulate in the response. */
  minBytes: number;
  /** The maximum bytes to fetch. See KIP-74 for cases where this limit may not be honored. */
  maxBytes?: number;
  /** This setting controls the visibility of transactional records. Using READ_UNCOMMITTED (isolation_level = 0) makes all records visible. With READ_COMMITTED (isolation_level = 1), non-transactional and COMMITTED transactional records are visible. To be more concrete, READ_COMMITTED returns all data from offsets smaller than the current LSO (last stable offset), and enables the inclusion of the list of aborted transactions in the result, which allows consumers to discard ABORTED transactional records */
  isolationLevel?: number;
  /** The fetch session ID. (v7-11) */
  sessionId?: number;
  /** The fetch session epoch, which is used for ordering requests in a session. (v7-11) */
  sessionEpoch?: number;
  /** The topics to fetch. */
  topics: FetchRequestFetchTopic[];
  /** In an incremental fetch request, the partitions to remove. (v7-11) */
  forgottenTopicsData?: FetchRequestForgottenTopic[];
  /** Rack ID of the consumer making this request (v11 only) */
  rackId?: string;
}

export interface FetchRequestFetchTopic {
  /** The name of the topic to fetch. */
  topic: string;
  /** The partitions to fetch. */
  partitions: FetchRequestFetchPartition[];
}

export interface FetchRequestFetchPartition {
  /** The partition index. */
  partition: number;
  /** The current leader epoch of the partition. (v9-11) */
  currentLeaderEpoch?: number;
  /** The message offset. */
  fetchOffset: number;
  /** The earliest available offset of the follower replica. The field is only used when the request is sent by the follower. (v5-11) */
  logStartOffset?: number;
  /** The maximum bytes to fetch from this partition. See KIP-74 for cases where this limit may not be honored. */
  partitionMaxBytes: number;
}

export interface FetchRequestForgottenTopic {
  /** The topic name. */
  topic: string;
  /** The partitions indexes to forget. */
  partitions: number[];
}

const fetchRequestFetchPartitionFields: readonly FieldSchema[] = [
  { name: 'partition', kind: 'int32', versions: [4, 11] },
  { name: 'currentLeaderEpoch', kind: 'int32', versions: [9, 11], default: -1 },
  { name: 'fetchOffset', kind: 'int64', versions: [4, 11] },
  { name: 'logStartOffset', kind: 'int64', versions: [5, 11], default: -1 },
  { name: 'partitionMaxBytes', kind: 'int32', versions: [4, 11] },
];

const fetchRequestFetchTopicFields: readonly FieldSchema[] = [
  { name: 'topic', kind: 'string', versions: [4, 11] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [4, 11], fields: fetchRequestFetchPartitionFields },
];

const fetchRequestForgottenTopicFields: readonly FieldSchema[] = [
  { name: 'topic', kind: 'string', versions: [7, 11] },
  { name: 'partitions', kind: 'array', elementKind: 'int32', versions: [7, 11] },
];

export const fetchRequestSchema: MessageSchema<FetchRequest> = {
  name: 'FetchRequest',
  apiKey: 1,
  type: 'request',
  versions: [4, 11],
  firstFlexibleVersion: 12,
  fields: [
    { name: 'replicaId', kind: 'int32', versions: [4, 11], default: -1 },
    { name: 'maxWaitMs', kind: 'int32', versions: [4, 11] },
    { name: 'minBytes', kind: 'int32', versions: [4, 11] },
    { name: 'maxBytes', kind: 'int32', versions: [4, 11], default: 2147483647 },
    { name: 'isolationLevel', kind: 'int8', versions: [4, 11], default: 0 },
    { name: 'sessionId', kind: 'int32', versions: [7, 11], default: 0 },
    { name: 'sessionEpoch', kind: 'int32', versions: [7, 11], default: -1 },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [4, 11], fields: fetchRequestFetchTopicFields },
    { name: 'forgottenTopicsData', kind: 'array', elementKind: 'struct', versions: [7, 11], fields: fetchRequestForgottenTopicFields },
    { name: 'rackId', kind: 'string', versions: [11, 11], default: '' },
  ],
};
