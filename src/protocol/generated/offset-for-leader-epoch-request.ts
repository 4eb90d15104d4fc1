// Generated from Kafka's OffsetForLeaderEpochRequest.json by scripts/generate-protocol.ts (versions 0-4).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface OffsetForLeaderEpochRequest {
  /** The broker ID of the follower, of -1 if this request is from a consumer. (v3-4) */
  replicaId?: number;
  /** Each topic to get offsets for. */
  topics: OffsetForLeaderEpochRequestOffsetForLeaderTopic[];
}

export interface OffsetForLeaderEpochRequestOffsetForLeaderTopic {
  /** The topic name. */
  topic: string;
  /** Each partition to get offsets for. */
  partitions: OffsetForLeaderEpochRequestOffsetForLeaderPartition[];
}

export interface OffsetForLeaderEpochRequestOffsetForLeaderPartition {
  /** The partition index. */
  partition: number;
  /** An epoch used to fence consumers/replicas with old metadata. If the epoch provided by the client is larger than the current epoch known to the broker, then the UNKNOWN_LEADER_EPOCH error code will be returned. If the provided epoch is smaller, then the FENCED_LEADER_EPOCH error code will be returned. (v2-4) */
  currentLeaderEpoch?: number;
  /** The epoch to look up an offset for. */
  leaderEpoch: number;
}

const offsetForLeaderEpochRequestOffsetForLeaderPartitionFields: readonly FieldSchema[] = [
  { name: 'partition', kind: 'int32', versions: [0, 4] },
  { name: 'currentLeaderEpoch', kind: 'int32', versions: [2, 4], default: -1 },
  { name: 'leaderEpoch', kind: 'int32', versions: [0, 4] },
];

const offsetForLeaderEpochRequestOffsetForLeaderTopicFields: readonly FieldSchema[] = [
  { name: 'topic', kind: 'string', versions: [0, 4] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 4], fields: offsetForLeaderEpochRequestOffsetForLeaderPartitionFields },
];

export const offsetForLeaderEpochRequestSchema: MessageSchema<OffsetForLeaderEpochRequest> = {
  name: 'OffsetForLeaderEpochRequest',
  apiKey: 23,
  type: 'request',
  versions: [0, 4],
  firstFlexibleVersion: 4,
  fields: [
    { name: 'replicaId', kind: 'int32', versions: [3, 4], default: -2 },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 4], fields: offsetForLeaderEpochRequestOffsetForLeaderTopicFields },
  ],
};
