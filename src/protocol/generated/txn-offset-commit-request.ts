// Generated from Kafka's TxnOffsetCommitRequest.json by scripts/generate-protocol.ts (versions 0-4).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface TxnOffsetCommitRequest {
  /** The ID of the transaction. */
  transactionalId: string;
  /** The ID of the group. */
  groupId: string;
  /** The current producer ID in use by the transactional ID. */
  producerId: number;
  /** The current epoch associated with the producer ID. */
  producerEpoch: number;
  /** The generation of the consumer. (v3-4) */
  generationId?: number;
  /** The member ID assigned by the group coordinator. (v3-4) */
  memberId?: string;
  /** The unique identifier of the consumer instance provided by end user. (v3-4) */
  groupInstanceId?: string | null;
  /** Each topic that we want to commit offsets for. */
  topics: TxnOffsetCommitRequestTxnOffsetCommitRequestTopic[];
}

export interface TxnOffsetCommitRequestTxnOffsetCommitRequestTopic {
  /** The topic name. */
  name: string;
  /** The partitions inside the topic that we want to commit offsets for. */
  partitions: TxnOffsetCommitRequestTxnOffsetCommitRequestPartition[];
}

export interface TxnOffsetCommitRequestTxnOffsetCommitRequestPartition {
  /** The index of the partition within the topic. */
  partitionIndex: number;
  /** The message offset to be committed. */
  committedOffset: number;
  /** The leader epoch of the last consumed record. (v2-4) */
  committedLeaderEpoch?: number;
  /** Any associated metadata the client wants to keep. */
  committedMetadata: string | null;
}

const txnOffsetCommitRequestTxnOffsetCommitRequestPartitionFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [0, 4] },
  { name: 'committedOffset', kind: 'int64', versions: [0, 4] },
  { name: 'committedLeaderEpoch', kind: 'int32', versions: [2, 4], default: -1 },
  { name: 'committedMetadata', kind: 'string', versions: [0, 4], nullableVersions: [0, 4] },
];

const txnOffsetCommitRequestTxnOffsetCommitRequestTopicFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 4] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 4], fields: txnOffsetCommitRequestTxnOffsetCommitRequestPartitionFields },
];

export const txnOffsetCommitRequestSchema: MessageSchema<TxnOffsetCommitRequest> = {
  name: 'TxnOffsetCommitRequest',
  apiKey: 28,
  type: 'request',
  versions: [0, 4],
  firstFlexibleVersion: 3,
  fields: [
    { name: 'transactionalId', kind: 'string', versions: [0, 4] },
    { name: 'groupId', kind: 'string', versions: [0, 4] },
    { name: 'producerId', kind: 'int64', versions: [0, 4] },
    { name: 'producerEpoch', kind: 'int16', versions: [0, 4] },
    { name: 'generationId', kind: 'int32', versions: [3, 4], default: -1 },
    { name: 'memberId', kind: 'string', versions: [3, 4], default: '' },
    { name: 'groupInstanceId', kind: 'string', versions: [3, 4], nullableVersions: [3, 4], default: null },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 4], fields: txnOffsetCommitRequestTxnOffsetCommitRequestTopicFields },
  ],
};
