// Generated from Kafka's TxnOffsetCommitResponse.json by scripts/generate-protocol.ts (versions 0-4).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface TxnOffsetCommitResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The responses for each topic. */
  topics: TxnOffsetCommitResponseTxnOffsetCommitResponseTopic[];
}

export interface TxnOffsetCommitResponseTxnOffsetCommitResponseTopic {
  /** The topic name. */
  name: string;
  /** The responses for each partition in the topic. */
  partitions: TxnOffsetCommitResponseTxnOffsetCommitResponsePartition[];
}

export interface TxnOffsetCommitResponseTxnOffsetCommitResponsePartition {
  /** The partition index. */
  partitionIndex: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
}

const txnOffsetCommitResponseTxnOffsetCommitResponsePartitionFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [0, 4] },
  { name: 'errorCode', kind: 'int16', versions: [0, 4] },
];

const txnOffsetCommitResponseTxnOffsetCommitResponseTopicFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 4] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 4], fields: txnOffsetCommitResponseTxnOffsetCommitResponsePartitionFields },
];

export const txnOffsetCommitResponseSchema: MessageSchema<TxnOffsetCommitResponse> = {
  name: 'TxnOffsetCommitResponse',
  apiKey: 28,
  type: 'response',
  versions: [0, 4],
  firstFlexibleVersion: 3,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 4] },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 4], fields: txnOffsetCommitResponseTxnOffsetCommitResponseTopicFields },
  ],
};
