// Generated from Kafka's OffsetDeleteResponse.json by scripts/generate-protocol.ts (versions 0-0).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface OffsetDeleteResponse {
  /** The top-level error code, or 0 if there was no error. */
  errorCode: number;
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The responses for each topic. */
  topics: OffsetDeleteResponseOffsetDeleteResponseTopic[];
}

export interface OffsetDeleteResponseOffsetDeleteResponseTopic {
  /** The topic name. */
  name: string;
  /** The responses for each partition in the topic. */
  partitions: OffsetDeleteResponseOffsetDeleteResponsePartition[];
}

export interface OffsetDeleteResponseOffsetDeleteResponsePartition {
  /** The partition index. */
  partitionIndex: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
}

const offsetDeleteResponseOffsetDeleteResponsePartitionFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [0, 0] },
  { name: 'errorCode', kind: 'int16', versions: [0, 0] },
];

const offsetDeleteResponseOffsetDeleteResponseTopicFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 0] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 0], fields: offsetDeleteResponseOffsetDeleteResponsePartitionFields },
];

export const offsetDeleteResponseSchema: MessageSchema<OffsetDeleteResponse> = {
  name: 'OffsetDeleteResponse',
  apiKey: 47,
  type: 'response',
  versions: [0, 0],
  firstFlexibleVersion: null,
  fields: [
    { name: 'errorCode', kind: 'int16', versions: [0, 0] },
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 0] },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 0], fields: offsetDeleteResponseOffsetDeleteResponseTopicFields },
  ],
};
