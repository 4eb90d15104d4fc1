// Generated from Kafka's DeleteRecordsResponse.json by scripts/generate-protocol.ts (versions 0-2).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DeleteRecordsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** Each topic that we wanted to delete records from. */
  topics: DeleteRecordsResponseDeleteRecordsTopicResult[];
}

export interface DeleteRecordsResponseDeleteRecordsTopicResult {
  /** The topic name. */
  name: string;
  /** Each partition that we wanted to delete records from. */
  partitions: DeleteRecordsResponseDeleteRecordsPartitionResult[];
}

export interface DeleteRecordsResponseDeleteRecordsPartitionResult {
  /** The partition index. */
  partitionIndex: number;
  /** The partition low water mark. */
  lowWatermark: number;
  /** The deletion error code, or 0 if the deletion succeeded. */
  errorCode: number;
}

const deleteRecordsResponseDeleteRecordsPartitionResultFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [0, 2] },
  { name: 'lowWatermark', kind: 'int64', versions: [0, 2] },
  { name: 'errorCode', kind: 'int16', versions: [0, 2] },
];

const deleteRecordsResponseDeleteRecordsTopicResultFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 2] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 2], fields: deleteRecordsResponseDeleteRecordsPartitionResultFields },
];

export const deleteRecordsResponseSchema: MessageSchema<DeleteRecordsResponse> = {
  name: 'DeleteRecordsResponse',
  apiKey: 21,
  type: 'response',
  versions: [0, 2],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 2] },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 2], fields: deleteRecordsResponseDeleteRecordsTopicResultFields },
  ],
};
