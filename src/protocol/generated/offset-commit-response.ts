// Generated from Kafka's OffsetCommitResponse.json by scripts/generate-protocol.ts (versions 0-9).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface OffsetCommitResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v3-9) */
  throttleTimeMs?: number;
  /** The responses for each topic. */
  topics: OffsetCommitResponseOffsetCommitResponseTopic[];
}

export interface OffsetCommitResponseOffsetCommitResponseTopic {
  /** The topic name. */
  name: string;
  /** The responses for each partition in the topic. */
  partitions: OffsetCommitResponseOffsetCommitResponsePartition[];
}

export interface OffsetCommitResponseOffsetCommitResponsePartition {
  /** The partition index. */
  partitionIndex: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
}

const offsetCommitResponseOffsetCommitResponsePartitionFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [0, 9] },
  { name: 'errorCode', kind: 'int16', versions: [0, 9] },
];

const offsetCommitResponseOffsetCommitResponseTopicFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 9] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 9], fields: offsetCommitResponseOffsetCommitResponsePartitionFields },
];

export const offsetCommitResponseSchema: MessageSchema<OffsetCommitResponse> = {
  name: 'OffsetCommitResponse',
  apiKey: 8,
  type: 'response',
  versions: [0, 9],
  firstFlexibleVersion: 8,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [3, 9] },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 9], fields: offsetCommitResponseOffsetCommitResponseTopicFields },
  ],
};
