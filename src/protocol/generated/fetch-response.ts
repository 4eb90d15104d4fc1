// Generated from Kafka's FetchResponse.json by scripts/generate-protocol.ts (versions 4-11).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface FetchResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The top level response error code. (v7-11) */
  errorCode?: number;
  /** The fetch session ID, or 0 if this is not part of a fetch session. (v7-11) */
  sessionId?: number;
  /** The response topics. */
  responses: FetchResponseFetchableTopicResponse[];
}

export interface FetchResponseFetchableTopicResponse {
  /** The topic name. */
  topic: string;
  /** The topic partitions. */
  partitions: FetchResponsePartitionData[];
}

export interface FetchResponsePartitionData {
  /** The partition index. */
  partitionIndex: number;
  /** The error code, or 0 if there was no fetch error. */
  errorCode: number;
  /** The current high water mark. */
  highWatermark: number;
  /** The last stable offset (or LSO) of the partition. This is the last offset such that the state of all transactional records prior to this offset have been decided (ABORTED or COMMITTED) */
  lastStableOffset?: number;
  /** The current log start offset. (v5-11) */
  logStartOffset?: number;
  /** The aborted transactions. */
  abortedTransactions: FetchResponseAbortedTransaction[] | null;
  /** The preferred read replica for the consumer to use on its next fetch request (v11 only) */
  preferredReadReplica?: number;
  /** The record data. */
  records: Buffer | null;
}

export interface FetchResponseAbortedTransaction {
  /** The producer id associated with the aborted transaction. */
  producerId: number;
  /** The first offset in the aborted transaction. */
  firstOffset: number;
}

const fetchResponseAbortedTransactionFields: readonly FieldSchema[] = [
  { name: 'producerId', kind: 'int64', versions: [4, 11] },
  { name: 'firstOffset', kind: 'int64', versions: [4, 11] },
];

const fetchResponsePartitionDataFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [4, 11] },
  { name: 'errorCode', kind: 'int16', versions: [4, 11] },
  { name: 'highWatermark', kind: 'int64', versions: [4, 11] },
  { name: 'lastStableOffset', kind: 'int64', versions: [4, 11], default: -1 },
  { name: 'logStartOffset', kind: 'int64', versions: [5, 11], default: -1 },
  { name: 'abortedTransactions', kind: 'array', elementKind: 'struct', versions: [4, 11], nullableVersions: [4, 11], fields: fetchResponseAbortedTransactionFields },
  { name: 'preferredReadReplica', kind: 'int32', versions: [11, 11], default: -1 },
  { name: 'records', kind: 'records', versions: [4, 11], nullableVersions: [4, 11] },
];

const fetchResponseFetchableTopicResponseFields: readonly FieldSchema[] = [
  { name: 'topic', kind: 'string', versions: [4, 11] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [4, 11], fields: fetchResponsePartitionDataFields },
];

export const fetchResponseSchema: MessageSchema<FetchResponse> = {
  name: 'FetchResponse',
  apiKey: 1,
  type: 'response',
  versions: [4, 11],
  firstFlexibleVersion: 12,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [4, 11] },
    { name: 'errorCode', kind: 'int16', versions: [7, 11] },
    { name: 'sessionId', kind: 'int32', versions: [7, 11], default: 0 },
    { name: 'responses', kind: 'array', elementKind: 'struct', versions: [4, 11], fields: fetchResponseFetchableTopicResponseFields },
  ],
};
