// Generated from Kafka's OffsetForLeaderEpochResponse.json by scripts/generate-protocol.ts (versions 0-4).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface OffsetForLeaderEpochResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v2-4) */
  throttleTimeMs?: number;
  /** Each topic we fetched offsets for. */
  topics: OffsetForLeaderEpochResponseOffsetForLeaderTopicResult[];
}

export interface OffsetForLeaderEpochResponseOffsetForLeaderTopicResult {
  /** The topic name. */
  topic: string;
  /** Each partition in the topic we fetched offsets for. */
  partitions: OffsetForLeaderEpochResponseEpochEndOffset[];
}

export interface OffsetForLeaderEpochResponseEpochEndOffset {
  /** The error code 0, or if there was no error. */
  errorCode: number;
  /** The partition index. */
  partition: number;
  /** The leader epoch of the partition. (v1-4) */
  leaderEpoch?: number;
  /** The end offset of the epoch. */
  endOffset?: number;
}

const offsetForLeaderEpochResponseEpochEndOffsetFields: readonly FieldSchema[] = [
  { name: 'errorCode', kind: 'int16', versions: [0, 4] },
  { name: 'partition', kind: 'int32', versions: [0, 4] },
  { name: 'leaderEpoch', kind: 'int32', versions: [1, 4], default: -1 },
  { name: 'endOffset', kind: 'int64', versions: [0, 4], default: -1 },
];

const offsetForLeaderEpochResponseOffsetForLeaderTopicResultFields: readonly FieldSchema[] = [
  { name: 'topic', kind: 'string', versions: [0, 4] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 4], fields: offsetForLeaderEpochResponseEpochEndOffsetFields },
];

export const offsetForLeaderEpochResponseSchema: MessageSchema<OffsetForLeaderEpochResponse> = {
  name: 'OffsetForLeaderEpochResponse',
  apiKey: 23,
  type: 'response',
  versions: [0, 4],
  firstFlexibleVersion: 4,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [2, 4] },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 4], fields: offsetForLeaderEpochResponseOffsetForLeaderTopicResultFields },
  ],
};
