// Generated from Kafka's DescribeTransactionsResponse.json by scripts/generate-protocol.ts (versions 0-0).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DescribeTransactionsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  transactionStates: DescribeTransactionsResponseTransactionState[];
}

export interface DescribeTransactionsResponseTransactionState {
  errorCode: number;
  transactionalId: string;
  transactionState: string;
  transactionTimeoutMs: number;
  transactionStartTimeMs: number;
  producerId: number;
  producerEpoch: number;
  /** The set of partitions included in the current transaction (if active). When a transaction is preparing to commit or abort, this will include only partitions which do not have markers. */
  topics: DescribeTransactionsResponseTopicData[];
}

export interface DescribeTransactionsResponseTopicData {
  topic: string;
  partitions: number[];
}

const describeTransactionsResponseTopicDataFields: readonly FieldSchema[] = [
  { name: 'topic', kind: 'string', versions: [0, 0] },
  { name: 'partitions', kind: 'array', elementKind: 'int32', versions: [0, 0] },
];

const describeTransactionsResponseTransactionStateFields: readonly FieldSchema[] = [
  { name: 'errorCode', kind: 'int16', versions: [0, 0] },
  { name: 'transactionalId', kind: 'string', versions: [0, 0] },
  { name: 'transactionState', kind: 'string', versions: [0, 0] },
  { name: 'transactionTimeoutMs', kind: 'int32', versions: [0, 0] },
  { name: 'transactionStartTimeMs', kind: 'int64', versions: [0, 0] },
  { name: 'producerId', kind: 'int64', versions: [0, 0] },
  { name: 'producerEpoch', kind: 'int16', versions: [0, 0] },
  { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 0], fields: describeTransactionsResponseTopicDataFields },
];

export const describeTransactionsResponseSchema: MessageSchema<DescribeTransactionsResponse> = {
  name: 'DescribeTransactionsResponse',
  apiKey: 65,
  type: 'response',
  versions: [0, 0],
  firstFlexibleVersion: 0,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 0] },
    { name: 'transactionStates', kind: 'array', elementKind: 'struct', versions: [0, 0], fields: describeTransactionsResponseTransactionStateFields },
  ],
};
