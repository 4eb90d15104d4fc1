// Generated from Kafka's AddPartitionsToTxnRequest.json by scripts/generate-protocol.ts (versions 0-5).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface AddPartitionsToTxnRequest {
  /** List of transactions to add partitions to. (v4-5) */
  transactions?: AddPartitionsToTxnRequestAddPartitionsToTxnTransaction[];
  /** The transactional id corresponding to the transaction. (v0-3) */
  v3AndBelowTransactionalId?: string;
  /** Current producer id in use by the transactional id. (v0-3) */
  v3AndBelowProducerId?: number;
  /** Current epoch associated with the producer id. (v0-3) */
  v3AndBelowProducerEpoch?: number;
  /** The partitions to add to the transaction. (v0-3) */
  v3AndBelowTopics?: AddPartitionsToTxnRequestAddPartitionsToTxnTopic[];
}

export interface AddPartitionsToTxnRequestAddPartitionsToTxnTransaction {
  /** The transactional id corresponding to the transaction. */
  transactionalId: string;
  /** Current producer id in use by the transactional id. */
  producerId: number;
  /** Current epoch associated with the producer id. */
  producerEpoch: number;
  /** Boolean to signify if we want to check if the partition is in the transaction rather than add it. */
  verifyOnly?: boolean;
  /** The partitions to add to the transaction. */
  topics: AddPartitionsToTxnRequestAddPartitionsToTxnTopic[];
}

export interface AddPartitionsToTxnRequestAddPartitionsToTxnTopic {
  /** The name of the topic. */
  name: string;
  /** The partition indexes to add to the transaction */
  partitions: number[];
}

const addPartitionsToTxnRequestAddPartitionsToTxnTopicFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 5] },
  { name: 'partitions', kind: 'array', elementKind: 'int32', versions: [0, 5] },
];

const addPartitionsToTxnRequestAddPartitionsToTxnTransactionFields: readonly FieldSchema[] = [
  { name: 'transactionalId', kind: 'string', versions: [4, 5] },
  { name: 'producerId', kind: 'int64', versions: [4, 5] },
  { name: 'producerEpoch', kind: 'int16', versions: [4, 5] },
  { name: 'verifyOnly', kind: 'bool', versions: [4, 5], default: false },
  { name: 'topics', kind: 'array', elementKind: 'struct', versions: [4, 5], fields: addPartitionsToTxnRequestAddPartitionsToTxnTopicFields },
];

export const addPartitionsToTxnRequestSchema: MessageSchema<AddPartitionsToTxnRequest> = {
  name: 'AddPartitionsToTxnRequest',
  apiKey: 24,
  type: 'request',
  versions: [0, 5],
  firstFlexibleVersion: 3,
  fields: [
    { name: 'transactions', kind: 'array', elementKind: 'struct', versions: [4, 5], fields: addPartitionsToTxnRequestAddPartitionsToTxnTransactionFields },
    { name: 'v3AndBelowTransactionalId', kind: 'string', versions: [0, 3] },
    { name: 'v3AndBelowProducerId', kind: 'int64', versions: [0, 3] },
    { name: 'v3AndBelowProducerEpoch', kind: 'int16', versions: [0, 3] },
    { name: 'v3AndBelowTopics', kind: 'array', elementKind: 'struct', versions: [0, 3], fields: addPartitionsToTxnRequestAddPartitionsToTxnTopicFields },
  ],
};
