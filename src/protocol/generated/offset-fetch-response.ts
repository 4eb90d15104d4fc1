// Generated from Kafka's OffsetFetchResponse.json by scripts/generate-protocol.ts (versions 0-9).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface OffsetFetchResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v3-9) */
  throttleTimeMs?: number;
  /** The responses per topic. (v0-7) */
  topics?: OffsetFetchResponseOffsetFetchResponseTopic[];
  /** The top-level error code, or 0 if there was no error. (v2-7) */
  errorCode?: number;
  /** The responses per group id. (v8-9) */
  groups?: OffsetFetchResponseOffsetFetchResponseGroup[];
}

export interface OffsetFetchResponseOffsetFetchResponseTopic {
  /** The topic name. */
  name: string;
  /** The responses per partition */
  partitions: OffsetFetchResponseOffsetFetchResponsePartition[];
}

export interface OffsetFetchResponseOffsetFetchResponsePartition {
  /** The partition index. */
  partitionIndex: number;
  /** The committed message offset. */
  committedOffset: number;
  /** The leader epoch. (v5-7) */
  committedLeaderEpoch?: number;
  /** The partition metadata. */
  metadata: string | null;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
}

export interface OffsetFetchResponseOffsetFetchResponseGroup {
  /** The group ID. */
  groupId: string;
  /** The responses per topic. */
  topics: OffsetFetchResponseOffsetFetchResponseTopics[];
  /** The group-level error code, or 0 if there was no error. */
  errorCode?: number;
}

export interface OffsetFetchResponseOffsetFetchResponseTopics {
  /** The topic name. */
  name: string;
  /** The responses per partition */
  partitions: OffsetFetchResponseOffsetFetchResponsePartitions[];
}

export interface OffsetFetchResponseOffsetFetchResponsePartitions {
  /** The partition index. */
  partitionIndex: number;
  /** The committed message offset. */
  committedOffset: number;
  /** The leader epoch. */
  committedLeaderEpoch?: number;
  /** The partition metadata. */
  metadata: string | null;
  /** The partition-level error code, or 0 if there was no error. */
  errorCode: number;
}

const offsetFetchResponseOffsetFetchResponsePartitionFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [0, 7] },
  { name: 'committedOffset', kind: 'int64', versions: [0, 7] },
  { name: 'committedLeaderEpoch', kind: 'int32', versions: [5, 7], default: -1 },
  { name: 'metadata', kind: 'string', versions: [0, 7], nullableVersions: [0, 7] },
  { name: 'errorCode', kind: 'int16', versions: [0, 7] },
];

const offsetFetchResponseOffsetFetchResponseTopicFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 7] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 7], fields: offsetFetchResponseOffsetFetchResponsePartitionFields },
];

const offsetFetchResponseOffsetFetchResponsePartitionsFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [8, 9] },
  { name: 'committedOffset', kind: 'int64', versions: [8, 9] },
  { name: 'committedLeaderEpoch', kind: 'int32', versions: [8, 9], default: -1 },
  { name: 'metadata', kind: 'string', versions: [8, 9], nullableVersions: [8, 9] },
  { name: 'errorCode', kind: 'int16', versions: [8, 9] },
];

const offsetFetchResponseOffsetFetchResponseTopicsFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [8, 9] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [8, 9], fields: offsetFetchResponseOffsetFetchResponsePartitionsFields },
];

const offsetFetchResponseOffsetFetchResponseGroupFields: readonly FieldSchema[] = [
  { name: 'groupId', kind: 'string', versions: [8, 9] },
  { name: 'topics', kind: 'array', elementKind: 'struct', versions: [8, 9], fields: offsetFetchResponseOffsetFetchResponseTopicsFields },
  { name: 'errorCode', kind: 'int16', versions: [8, 9], default: 0 },
];

export const offsetFetchResponseSchema: MessageSchema<OffsetFetchResponse> = {
  name: 'OffsetFetchResponse',
  apiKey: 9,
  type: 'response',
  versions: [0, 9],
  firstFlexibleVersion: 6,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [3, 9] },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 7], fields: offsetFetchResponseOffsetFetchResponseTopicFields },
    { name: 'errorCode', kind: 'int16', versions: [2, 7], default: 0 },
    { name: 'groups', kind: 'array', elementKind: 'struct', versions: [8, 9], fields: offsetFetchResponseOffsetFetchResponseGroupFields },
  ],
};
