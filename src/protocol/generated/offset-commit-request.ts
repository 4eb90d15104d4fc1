// Generated from Kafka's OffsetCommitRequest.json by scripts/generate-protocol.ts (versions 0-9).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface OffsetCommitRequest {
  /** The unique group identifier. */
  groupId: string;
  /** The generation of the group if using the classic group protocol or the member epoch if using the consumer protocol. (v1-9) */
  generationIdOrMemberEpoch?: number;
  /** The member ID assigned by the group coordinator. (v1-9) */
  memberId?: string;
  /** The unique identifier of the consumer instance provided by end user. (v7-9) */
  groupInstanceId?: string | null;
  /** The time period in ms to retain the offset. (v2-4) */
  retentionTimeMs?: number;
  /** The topics to commit offsets for. */
  topics: OffsetCommitRequestOffsetCommitRequestTopic[];
}

export interface OffsetCommitRequestOffsetCommitRequestTopic {
  /** The topic name. */
  name: string;
  /** Each partition to commit offsets for. */
  partitions: OffsetCommitRequestOffsetCommitRequestPartition[];
}

export interface OffsetCommitRequestOffsetCommitRequestPartition {
  /** The partition index. */
  partitionIndex: number;
  /** The message offset to be committed. */
  committedOffset: number;
  /** The leader epoch of this partition. (v6-9) */
  committedLeaderEpoch?: number;
  /** The timestamp of the commit. (v1 only) */
  commitTimestamp?: number;
  /** Any associated metadata the client wants to keep. */
  committedMetadata: string | null;
}

const offsetCommitRequestOffsetCommitRequestPartitionFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [0, 9] },
  { name: 'committedOffset', kind: 'int64', versions: [0, 9] },
  { name: 'committedLeaderEpoch', kind: 'int32', versions: [6, 9], default: -1 },
  { name: 'commitTimestamp', kind: 'int64', versions: [1, 1], default: -1 },
  { name: 'committedMetadata', kind: 'string', versions: [0, 9], nullableVersions: [0, 9] },
];

const offsetCommitRequestOffsetCommitRequestTopicFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 9] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 9], fields: offsetCommitRequestOffsetCommitRequestPartitionFields },
];

export const offsetCommitRequestSchema: MessageSchema<OffsetCommitRequest> = {
  name: 'OffsetCommitRequest',
  apiKey: 8,
  type: 'request',
  versions: [0, 9],
  firstFlexibleVersion: 8,
  fields: [
    { name: 'groupId', kind: 'string', versions: [0, 9] },
    { name: 'generationIdOrMemberEpoch', kind: 'int32', versions: [1, 9], default: -1 },
    { name: 'memberId', kind: 'string', versions: [1, 9] },
    { name: 'groupInstanceId', kind: 'string', versions: [7, 9], nullableVersions: [7, 9], default: null },
    { name: 'retentionTimeMs', kind: 'int64', versions: [2, 4], default: -1 },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 9], fields: offsetCommitRequestOffsetCommitRequestTopicFields },
  ],
};
