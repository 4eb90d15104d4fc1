// Generated from Kafka's OffsetFetchRequest.json by scripts/generate-protocol.ts (versions 0-9).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface OffsetFetchRequest {
  /** The group to fetch offsets for. (v0-7) */
  groupId?: string;
  /** Each topic we would like to fetch offsets for, or null to fetch offsets for all topics. (v0-7) */
  topics?: OffsetFetchRequestOffsetFetchRequestTopic[] | null;
  /** Each group we would like to fetch offsets for (v8-9) */
  groups?: OffsetFetchRequestOffsetFetchRequestGroup[];
  /** Whether broker should hold on returning unstable offsets but set a retriable error code for the partitions. (v7-9) */
  requireStable?: boolean;
}

export interface OffsetFetchRequestOffsetFetchRequestTopic {
  /** The topic name. */
  name: string;
  /** The partition indexes we would like to fetch offsets for. */
  partitionIndexes: number[];
}

export interface OffsetFetchRequestOffsetFetchRequestGroup {
  /** The group ID. */
  groupId: string;
  /** The member ID assigned by the group coordinator if using the new consumer protocol (KIP-848). (v9 only) */
  memberId?: string | null;
  /** The member epoch if using the new consumer protocol (KIP-848). (v9 only) */
  memberEpoch?: number;
  /** Each topic we would like to fetch offsets for, or null to fetch offsets for all topics. */
  topics: OffsetFetchRequestOffsetFetchRequestTopics[] | null;
}

export interface OffsetFetchRequestOffsetFetchRequestTopics {
  /** The topic name. */
  name: string;
  /** The partition indexes we would like to fetch offsets for. */
  partitionIndexes: number[];
}

const offsetFetchRequestOffsetFetchRequestTopicFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 7] },
  { name: 'partitionIndexes', kind: 'array', elementKind: 'int32', versions: [0, 7] },
];

const offsetFetchRequestOffsetFetchRequestTopicsFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [8, 9] },
  { name: 'partitionIndexes', kind: 'array', elementKind: 'int32', versions: [8, 9] },
];

const offsetFetchRequestOffsetFetchRequestGroupFields: readonly FieldSchema[] = [
  { name: 'groupId', kind: 'string', versions: [8, 9] },
  { name: 'memberId', kind: 'string', versions: [9, 9], nullableVersions: [9, 9], default: null },
  { name: 'memberEpoch', kind: 'int32', versions: [9, 9], default: -1 },
  { name: 'topics', kind: 'array', elementKind: 'struct', versions: [8, 9], nullableVersions: [8, 9], fields: offsetFetchRequestOffsetFetchRequestTopicsFields },
];

export const offsetFetchRequestSchema: MessageSchema<OffsetFetchRequest> = {
  name: 'OffsetFetchRequest',
  apiKey: 9,
  type: 'request',
  versions: [0, 9],
  firstFlexibleVersion: 6,
  fields: [
    { name: 'groupId', kind: 'string', versions: [0, 7] },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 7], nullableVersions: [2, 7], fields: offsetFetchRequestOffsetFetchRequestTopicFields },
    { name: 'groups', kind: 'array', elementKind: 'struct', versions: [8, 9], fields: offsetFetchRequestOffsetFetchRequestGroupFields },
    { name: 'requireStable', kind: 'bool', versions: [7, 9], default: false },
  ],
};
