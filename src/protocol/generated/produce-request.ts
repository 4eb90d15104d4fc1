// Generated from Kafka's ProduceRequest.json by scripts/generate-protocol.ts (versions 0-11).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface ProduceRequest {
  /** The transactional ID, or null if the producer is not transactional. (v3-11) */
  transactionalId?: string | null;
  /** The number of acknowledgments the producer requires the leader to have received before considering a request complete. Allowed values: 0 for no acknowledgments, 1 for only the leader and -1 for the full ISR. */
  acks: number;
  /** The timeout to await a response in milliseconds. */
  timeoutMs: number;
  /** Each topic to produce to. */
  topicData: ProduceRequestTopicProduceData[];
}

export interface ProduceRequestTopicProduceData {
  /** The topic name. */
  name: string;
  /** Each partition to produce to. */
  partitionData: ProduceRequestPartitionProduceData[];
}

export interface ProduceRequestPartitionProduceData {
  /** The partition index. */
  index: number;
  /** The record data to be produced. */
  records: Buffer | null;
}

const produceRequestPartitionProduceDataFields: readonly FieldSchema[] = [
  { name: 'index', kind: 'int32', versions: [0, 11] },
  { name: 'records', kind: 'records', versions: [0, 11], nullableVersions: [0, 11] },
];

const produceRequestTopicProduceDataFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 11] },
  { name: 'partitionData', kind: 'array', elementKind: 'struct', versions: [0, 11], fields: produceRequestPartitionProduceDataFields },
];

export const produceRequestSchema: MessageSchema<ProduceRequest> = {
  name: 'ProduceRequest',
  apiKey: 0,
  type: 'request',
  versions: [0, 11],
  firstFlexibleVersion: 9,
  fields: [
    { name: 'transactionalId', kind: 'string', versions: [3, 11], nullableVersions: [3, 11], default: null },
    { name: 'acks', kind: 'int16', versions: [0, 11] },
    { name: 'timeoutMs', kind: 'int32', versions: [0, 11] },
    { name: 'topicData', kind: 'array', elementKind: 'struct', versions: [0, 11], fields: produceRequestTopicProduceDataFields },
  ],
};
