// Generated from Kafka's AddPartitionsToTxnResponse.json by scripts/generate-protocol.ts (versions 0-5).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface AddPartitionsToTxnResponse {
  /** Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The response top level error code. (v4-5) */
  errorCode?: number;
  /** Results categorized by transactional ID. (v4-5) */
  resultsByTransaction?: AddPartitionsToTxnResponseAddPartitionsToTxnResult[];
  /** The results for each topic. (v0-3) */
  resultsByTopicV3AndBelow?: AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult[];
}

export interface AddPartitionsToTxnResponseAddPartitionsToTxnResult {
  /** The transactional id corresponding to the transaction. */
  transactionalId: string;
  /** The results for each topic. */
  topicResults: AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult[];
}

export interface AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult {
  /** The topic name. */
  name: string;
  /** The results for each partition */
  resultsByPartition: AddPartitionsToTxnResponseAddPartitionsToTxnPartitionResult[];
}

export interface AddPartitionsToTxnResponseAddPartitionsToTxnPartitionResult {
  /** The partition indexes. */
  partitionIndex: number;
  /** The response error code. */
  partitionErrorCode: number;
}

const addPartitionsToTxnResponseAddPartitionsToTxnPartitionResultFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [0, 5] },
  { name: 'partitionErrorCode', kind: 'int16', versions: [0, 5] },
];

const addPartitionsToTxnResponseAddPartitionsToTxnTopicResultFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 5] },
  { name: 'resultsByPartition', kind: 'array', elementKind: 'struct', versions: [0, 5], fields: addPartitionsToTxnResponseAddPartitionsToTxnPartitionResultFields },
];

const addPartitionsToTxnResponseAddPartitionsToTxnResultFields: readonly FieldSchema[] = [
  { name: 'transactionalId', kind: 'string', versions: [4, 5] },
  { name: 'topicResults', kind: 'array', elementKind: 'struct', versions: [4, 5], fields: addPartitionsToTxnResponseAddPartitionsToTxnTopicResultFields },
];

export const addPartitionsToTxnResponseSchema: MessageSchema<AddPartitionsToTxnResponse> = {
  name: 'AddPartitionsToTxnResponse',
  apiKey: 24,
  type: 'response',
  versions: [0, 5],
  firstFlexibleVersion: 3,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 5] },
    { name: 'errorCode', kind: 'int16', versions: [4, 5] },
    { name: 'resultsByTransaction', kind: 'array', elementKind: 'struct', versions: [4, 5], fields: addPartitionsToTxnResponseAddPartitionsToTxnResultFields },
    { name: 'resultsByTopicV3AndBelow', kind: 'array', elementKind: 'struct', versions: [0, 3], fields: addPartitionsToTxnResponseAddPartitionsToTxnTopicResultFields },
  ],
};
