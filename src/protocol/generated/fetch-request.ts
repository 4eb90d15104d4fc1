// Generated from Kafka's FetchRequest.json by scripts/generate-protocol.ts (versions 0-17).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface FetchRequest {
  /** The clusterId if known. This is used to validate metadata fetches prior to broker registration. (v12-17, tagged 0) */
  clusterId?: string | null;
  /** The broker ID of the follower, of -1 if this request is from a consumer. (v0-14) */
  replicaId?: number;
  /** (v15-17, tagged 1) */
  replicaState?: FetchRequestReplicaState;
  /** The maximum time in milliseconds to wait for the response. */
  maxWaitMs: number;
  /** The minimum bytes to accumulate in the response. */
  minBytes: number;
  /** The maximum bytes to fetch. See KIP-74 for cases where this limit may not be honored. (v3-17) */
  maxBytes?: number;
  /** This setting controls the visibility of transactional records. Using READ_UNCOMMITTED (isolation_level = 0) makes all records visible. With READ_COMMITTED (isolation_level = 1), non-transactional and COMMITTED transactional records are visible. To be more concrete, READ_COMMITTED returns all data from offsets smaller than the current LSO (last stable offset), and enables the inclusion of the list of aborted transactions in the result, which allows consumers to discard ABORTED transactional records (v4-17) */
  isolationLevel?: number;
  /** The fetch session ID. (v7-17) */
  sessionId?: number;
  /** The fetch session epoch, which is used for ordering requests in a session. (v7-17) */
  sessionEpoch?: number;
  /** The topics to fetch. */
  topics: FetchRequestFetchTopic[];
  /** In an incremental fetch request, the partitions to remove. (v7-17) */
  forgottenTopicsData?: FetchRequestForgottenTopic[];
  /** Rack ID of the consumer making this request (v11-17) */
  rackId?: string;
}

export interface FetchRequestReplicaState {
  /** The replica ID of the follower, or -1 if this request is from a consumer. */
  replicaId?: number;
  /** The epoch of this follower, or -1 if not available. */
  replicaEpoch?: number;
}

export interface FetchRequestFetchTopic {
  /** The name of the topic to fetch. (v0-12) */
  topic?: string;
  /** The unique topic ID (v13-17) */
  topicId?: Buffer;
  /** The partitions to fetch. */
  partitions: FetchRequestFetchPartition[];
}

export interface FetchRequestFetchPartition {
  /** The partition index. */
  partition: number;
  /** The current leader epoch of the partition. (v9-17) */
  currentLeaderEpoch?: number;
  /** The message offset. */
  fetchOffset: number;
  /** The epoch of the last fetched record or -1 if there is none (v12-17) */
  lastFetchedEpoch?: number;
  /** The earliest available offset of the follower replica. The field is only used when the request is sent by the follower. (v5-17) */
  logStartOffset?: number;
  /** The maximum bytes to fetch from this partition. See KIP-74 for cases where this limit may not be honored. */
  partitionMaxBytes: number;
  /** The directory id of the follower fetching (v17 only, tagged 0) */
  replicaDirectoryId?: Buffer;
}

export interface FetchRequestForgottenTopic {
  /** The topic name. (v7-12) */
  topic?: string;
  /** The unique topic ID (v13-17) */
  topicId?: Buffer;
  /** The partitions indexes to forget. */
  partitions: number[];
}

const fetchRequestReplicaStateFields: readonly FieldSchema[] = [
  { name: 'replicaId', kind: 'int32', versions: [15, 17], default: -1 },
  { name: 'replicaEpoch', kind: 'int64', versions: [15, 17], default: -1 },
];

const fetchRequestFetchPartitionFields: readonly FieldSchema[] = [
  { name: 'partition', kind: 'int32', versions: [0, 17] },
  { name: 'currentLeaderEpoch', kind: 'int32', versions: [9, 17], default: -1 },
  { name: 'fetchOffset', kind: 'int64', versions: [0, 17] },
  { name: 'lastFetchedEpoch', kind: 'int32', versions: [12, 17], default: -1 },
  { name: 'logStartOffset', kind: 'int64', versions: [5, 17], default: -1 },
  { name: 'partitionMaxBytes', kind: 'int32', versions: [0, 17] },
  { name: 'replicaDirectoryId', kind: 'uuid', versions: [17, 17], tag: 0, taggedVersions: [17, 17] },
];

const fetchRequestFetchTopicFields: readonly FieldSchema[] = [
  { name: 'topic', kind: 'string', versions: [0, 12] },
  { name: 'topicId', kind: 'uuid', versions: [13, 17] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 17], fields: fetchRequestFetchPartitionFields },
];

const fetchRequestForgottenTopicFields: readonly FieldSchema[] = [
  { name: 'topic', kind: 'string', versions: [7, 12] },
  { name: 'topicId', kind: 'uuid', versions: [13, 17] },
  { name: 'partitions', kind: 'array', elementKind: 'int32', versions: [7, 17] },
];

export const fetchRequestSchema: MessageSchema<FetchRequest> = {
  name: 'FetchRequest',
  apiKey: 1,
  type: 'request',
  versions: [0, 17],
  firstFlexibleVersion: 12,
  fields: [
    { name: 'clusterId', kind: 'string', versions: [12, 17], nullableVersions: [12, 17], tag: 0, taggedVersions: [12, 17], default: null },
    { name: 'replicaId', kind: 'int32', versions: [0, 14], default: -1 },
    { name: 'replicaState', kind: 'struct', versions: [15, 17], tag: 1, taggedVersions: [15, 17], fields: fetchRequestReplicaStateFields },
    { name: 'maxWaitMs', kind: 'int32', versions: [0, 17] },
    { name: 'minBytes', kind: 'int32', versions: [0, 17] },
    { name: 'maxBytes', kind: 'int32', versions: [3, 17], default: 2147483647 },
    { name: 'isolationLevel', kind: 'int8', versions: [4, 17], default: 0 },
    { name: 'sessionId', kind: 'int32', versions: [7, 17], default: 0 },
    { name: 'sessionEpoch', kind: 'int32', versions: [7, 17], default: -1 },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 17], fields: fetchRequestFetchTopicFields },
    { name: 'forgottenTopicsData', kind: 'array', elementKind: 'struct', versions: [7, 17], fields: fetchRequestForgottenTopicFields },
    { name: 'rackId', kind: 'string', versions: [11, 17], default: '' },
  ],
};
