// Generated from Kafka's OffsetDeleteRequest.json by scripts/generate-protocol.ts (versions 0-0).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface OffsetDeleteRequest {
  /** The unique group identifier. */
  groupId: string;
  /** The topics to delete offsets for */
  topics: OffsetDeleteRequestOffsetDeleteRequestTopic[];
}

export interface OffsetDeleteRequestOffsetDeleteRequestTopic {
  /** The topic name. */
  name: string;
  /** Each partition to delete offsets for. */
  partitions: OffsetDeleteRequestOffsetDeleteRequestPartition[];
}

export interface OffsetDeleteRequestOffsetDeleteRequestPartition {
  /** The partition index. */
  partitionIndex: number;
}

const offsetDeleteRequestOffsetDeleteRequestPartitionFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [0, 0] },
];

const offsetDeleteRequestOffsetDeleteRequestTopicFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 0] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 0], fields: offsetDeleteRequestOffsetDeleteRequestPartitionFields },
];

export const offsetDeleteRequestSchema: MessageSchema<OffsetDeleteRequest> = {
  name: 'OffsetDeleteRequest',
  apiKey: 47,
  type: 'request',
  versions: [0, 0],
  firstFlexibleVersion: null,
  fields: [
    { name: 'groupId', kind: 'string', versions: [0, 0] },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 0], fields: offsetDeleteRequestOffsetDeleteRequestTopicFields },
  ],
};
