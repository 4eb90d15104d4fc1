// Generated from Kafka's DeleteRecordsRequest.json by scripts/generate-protocol.ts (versions 0-2).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DeleteRecordsRequest {
  /** Each topic that we want to delete records from. */
  topics: DeleteRecordsRequestDeleteRecordsTopic[];
  /** How long to wait for the deletion to complete, in milliseconds. */
  timeoutMs: number;
}

export interface DeleteRecordsRequestDeleteRecordsTopic {
  /** The topic name. */
  name: string;
  /** Each partition that we want to delete records from. */
  partitions: DeleteRecordsRequestDeleteRecordsPartition[];
}

export interface DeleteRecordsRequestDeleteRecordsPartition {
  /** The partition index. */
  partitionIndex: number;
  /** The deletion offset. */
  offset: number;
}

const deleteRecordsRequestDeleteRecordsPartitionFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [0, 2] },
  { name: 'offset', kind: 'int64', versions: [0, 2] },
];

const deleteRecordsRequestDeleteRecordsTopicFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 2] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 2], fields: deleteRecordsRequestDeleteRecordsPartitionFields },
];

export const deleteRecordsRequestSchema: MessageSchema<DeleteRecordsRequest> = {
  name: 'DeleteRecordsRequest',
  apiKey: 21,
  type: 'request',
  versions: [0, 2],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 2], fields: deleteRecordsRequestDeleteRecordsTopicFields },
    { name: 'timeoutMs', kind: 'int32', versions: [0, 2] },
  ],
};
