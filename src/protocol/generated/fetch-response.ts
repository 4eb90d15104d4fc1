// Generated from Kafka's FetchResponse.json by scripts/generate-protocol.ts (versions 0-17).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface FetchResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1-17) */
  throttleTimeMs?: number;
  /** The top level response error code. (v7-17) */
  errorCode?: number;
  /** The fetch session ID, or 0 if this is not part of a fetch session. (v7-17) */
  sessionId?: number;
  /** The response topics. */
  responses: FetchResponseFetchableTopicResponse[];
  /** Endpoints for all current-leaders enumerated in PartitionData, with errors NOT_LEADER_OR_FOLLOWER & FENCED_LEADER_EPOCH. (v16-17, tagged 0) */
  nodeEndpoints?: FetchResponseNodeEndpoint[];
}

export interface FetchResponseFetchableTopicResponse {
  /** The topic name. (v0-12) */
  topic?: string;
  /** The unique topic ID (v13-17) */
  topicId?: Buffer;
  /** The topic partitions. */
  partitions: FetchResponsePartitionData[];
}

export interface FetchResponsePartitionData {
  /** The partition index. */
  partitionIndex: number;
  /** The error code, or 0 if there was no fetch error. */
  errorCode: number;
  /** The current high water mark. */
  highWatermark: number;
  /** The last stable offset (or LSO) of the partition. This is the last offset such that the state of all transactional records prior to this offset have been decided (ABORTED or COMMITTED) (v4-17) */
  lastStableOffset?: number;
  /** The current log start offset. (v5-17) */
  logStartOffset?: number;
  /** In case divergence is detected based on the `LastFetchedEpoch` and `FetchOffset` in the request, this field indicates the largest epoch and its end offset such that subsequent records are known to diverge (v12-17, tagged 0) */
  divergingEpoch?: FetchResponseEpochEndOffset;
  /** (v12-17, tagged 1) */
  currentLeader?: FetchResponseLeaderIdAndEpoch;
  /** In the case of fetching an offset less than the LogStartOffset, this is the end offset and epoch that should be used in the FetchSnapshot request. (v12-17, tagged 2) */
  snapshotId?: FetchResponseSnapshotId;
  /** The aborted transactions. (v4-17) */
  abortedTransactions?: FetchResponseAbortedTransaction[] | null;
  /** The preferred read replica for the consumer to use on its next fetch request (v11-17) */
  preferredReadReplica?: number;
  /** The record data. */
  records: Buffer | null;
}

export interface FetchResponseEpochEndOffset {
  epoch?: number;
  endOffset?: number;
}

export interface FetchResponseLeaderIdAndEpoch {
  /** The ID of the current leader or -1 if the leader is unknown. */
  leaderId?: number;
  /** The latest known leader epoch */
  leaderEpoch?: number;
}

export interface FetchResponseSnapshotId {
  endOffset?: number;
  epoch?: number;
}

export interface FetchResponseAbortedTransaction {
  /** The producer id associated with the aborted transaction. */
  producerId: number;
  /** The first offset in the aborted transaction. */
  firstOffset: number;
}

export interface FetchResponseNodeEndpoint {
  /** The ID of the associated node. */
  nodeId: number;
  /** The node's hostname. */
  host: string;
  /** The node's port. */
  port: number;
  /** The rack of the node, or null if it has not been assigned to a rack. */
  rack?: string | null;
}

const fetchResponseEpochEndOffsetFields: readonly FieldSchema[] = [
  { name: 'epoch', kind: 'int32', versions: [12, 17], default: -1 },
  { name: 'endOffset', kind: 'int64', versions: [12, 17], default: -1 },
];

const fetchResponseLeaderIdAndEpochFields: readonly FieldSchema[] = [
  { name: 'leaderId', kind: 'int32', versions: [12, 17], default: -1 },
  { name: 'leaderEpoch', kind: 'int32', versions: [12, 17], default: -1 },
];

const fetchResponseSnapshotIdFields: readonly FieldSchema[] = [
  { name: 'endOffset', kind: 'int64', versions: [12, 17], default: -1 },
  { name: 'epoch', kind: 'int32', versions: [12, 17], default: -1 },
];

const fetchResponseAbortedTransactionFields: readonly FieldSchema[] = [
  { name: 'producerId', kind: 'int64', versions: [4, 17] },
  { name: 'firstOffset', kind: 'int64', versions: [4, 17] },
];

const fetchResponsePartitionDataFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [0, 17] },
  { name: 'errorCode', kind: 'int16', versions: [0, 17] },
  { name: 'highWatermark', kind: 'int64', versions: [0, 17] },
  { name: 'lastStableOffset', kind: 'int64', versions: [4, 17], default: -1 },
  { name: 'logStartOffset', kind: 'int64', versions: [5, 17], default: -1 },
  { name: 'divergingEpoch', kind: 'struct', versions: [12, 17], tag: 0, taggedVersions: [12, 17], fields: fetchResponseEpochEndOffsetFields },
  { name: 'currentLeader', kind: 'struct', versions: [12, 17], tag: 1, taggedVersions: [12, 17], fields: fetchResponseLeaderIdAndEpochFields },
  { name: 'snapshotId', kind: 'struct', versions: [12, 17], tag: 2, taggedVersions: [12, 17], fields: fetchResponseSnapshotIdFields },
  { name: 'abortedTransactions', kind: 'array', elementKind: 'struct', versions: [4, 17], nullableVersions: [4, 17], fields: fetchResponseAbortedTransactionFields },
  { name: 'preferredReadReplica', kind: 'int32', versions: [11, 17], default: -1 },
  { name: 'records', kind: 'records', versions: [0, 17], nullableVersions: [0, 17] },
];

const fetchResponseFetchableTopicResponseFields: readonly FieldSchema[] = [
  { name: 'topic', kind: 'string', versions: [0, 12] },
  { name: 'topicId', kind: 'uuid', versions: [13, 17] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 17], fields: fetchResponsePartitionDataFields },
];

const fetchResponseNodeEndpointFields: readonly FieldSchema[] = [
  { name: 'nodeId', kind: 'int32', versions: [16, 17] },
  { name: 'host', kind: 'string', versions: [16, 17] },
  { name: 'port', kind: 'int32', versions: [16, 17] },
  { name: 'rack', kind: 'string', versions: [16, 17], nullableVersions: [16, 17], default: null },
];

export const fetchResponseSchema: MessageSchema<FetchResponse> = {
  name: 'FetchResponse',
  apiKey: 1,
  type: 'response',
  versions: [0, 17],
  firstFlexibleVersion: 12,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [1, 17] },
    { name: 'errorCode', kind: 'int16', versions: [7, 17] },
    { name: 'sessionId', kind: 'int32', versions: [7, 17], default: 0 },
    { name: 'responses', kind: 'array', elementKind: 'struct', versions: [0, 17], fields: fetchResponseFetchableTopicResponseFields },
    { name: 'nodeEndpoints', kind: 'array', elementKind: 'struct', versions: [16, 17], tag: 0, taggedVersions: [16, 17], fields: fetchResponseNodeEndpointFields },
  ],
};
