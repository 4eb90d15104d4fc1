// Generated from Kafka's ProduceResponse.json by scripts/generate-protocol.ts (versions 3-8).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface ProduceResponse {
  /** Each produce response */
  responses: ProduceResponseTopicProduceResponse[];
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs?: number;
}

export interface ProduceResponseTopicProduceResponse {
  /** The topic name */
  name: string;
  /** Each partition that we produced to within the topic. */
  partitionResponses: ProduceResponsePartitionProduceResponse[];
}

export interface ProduceResponsePartitionProduceResponse {
  /** The partition index. */
  index: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The base offset. */
  baseOffset: number;
  /** The timestamp returned by broker after appending the messages. If CreateTime is used for the topic, the timestamp will be -1. If LogAppendTime is used for the topic, the timestamp will be the broker local time when the messages are appended. */
  logAppendTimeMs?: number;
  /** The log start offset. (v5-8) */
  logStartOffset?: number;
  /** The batch indices of records that caused the batch to be dropped (v8 only) */
  recordErrors?: ProduceResponseBatchIndexAndErrorMessage[];
  /** The global error message summarizing the common root cause of the records that caused the batch to be dropped (v8 only) */
  errorMessage?: string | null;
}

export interface ProduceResponseBatchIndexAndErrorMessage {
  /** The batch index of the record that cause the batch to be dropped */
  batchIndex: number;
  /** The error message of the record that caused the batch to be dropped */
  batchIndexErrorMessage?: string | null;
}

const produceResponseBatchIndexAndErrorMessageFields: readonly FieldSchema[] = [
  { name: 'batchIndex', kind: 'int32', versions: [8, 8] },
  { name: 'batchIndexErrorMessage', kind: 'string', versions: [8, 8], nullableVersions: [8, 8], default: null },
];

const produceResponsePartitionProduceResponseFields: readonly FieldSchema[] = [
  { name: 'index', kind: 'int32', versions: [3, 8] },
  { name: 'errorCode', kind: 'int16', versions: [3, 8] },
  { name: 'baseOffset', kind: 'int64', versions: [3, 8] },
  { name: 'logAppendTimeMs', kind: 'int64', versions: [3, 8], default: -1 },
  { name: 'logStartOffset', kind: 'int64', versions: [5, 8], default: -1 },
  { name: 'recordErrors', kind: 'array', elementKind: 'struct', versions: [8, 8], fields: produceResponseBatchIndexAndErrorMessageFields },
  { name: 'errorMessage', kind: 'string', versions: [8, 8], nullableVersions: [8, 8], default: null },
];

const produceResponseTopicProduceResponseFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [3, 8] },
  { name: 'partitionResponses', kind: 'array', elementKind: 'struct', versions: [3, 8], fields: produceResponsePartitionProduceResponseFields },
];

export const produceResponseSchema: MessageSchema<ProduceResponse> = {
  name: 'ProduceResponse',
  apiKey: 0,
  type: 'response',
  versions: [3, 8],
  firstFlexibleVersion: 9,
  fields: [
    { name: 'responses', kind: 'array', elementKind: 'struct', versions: [3, 8], fields: produceResponseTopicProduceResponseFields },
    { name: 'throttleTimeMs', kind: 'int32', versions: [3, 8], default: 0 },
  ],
};
