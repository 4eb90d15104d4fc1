// Generated from Kafka's DescribeProducersResponse.json by scripts/generate-protocol.ts (versions 0-0).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DescribeProducersResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** Each topic in the response. */
  topics: DescribeProducersResponseTopicResponse[];
}

export interface DescribeProducersResponseTopicResponse {
  /** The topic name */
  name: string;
  /** Each partition in the response. */
  partitions: DescribeProducersResponsePartitionResponse[];
}

export interface DescribeProducersResponsePartitionResponse {
  /** The partition index. */
  partitionIndex: number;
  /** The partition error code, or 0 if there was no error. */
  errorCode: number;
  /** The partition error message, which may be null if no additional details are available */
  errorMessage?: string | null;
  activeProducers: DescribeProducersResponseProducerState[];
}

export interface DescribeProducersResponseProducerState {
  producerId: number;
  producerEpoch: number;
  lastSequence?: number;
  lastTimestamp?: number;
  coordinatorEpoch: number;
  currentTxnStartOffset?: number;
}

const describeProducersResponseProducerStateFields: readonly FieldSchema[] = [
  { name: 'producerId', kind: 'int64', versions: [0, 0] },
  { name: 'producerEpoch', kind: 'int32', versions: [0, 0] },
  { name: 'lastSequence', kind: 'int32', versions: [0, 0], default: -1 },
  { name: 'lastTimestamp', kind: 'int64', versions: [0, 0], default: -1 },
  { name: 'coordinatorEpoch', kind: 'int32', versions: [0, 0] },
  { name: 'currentTxnStartOffset', kind: 'int64', versions: [0, 0], default: -1 },
];

const describeProducersResponsePartitionResponseFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [0, 0] },
  { name: 'errorCode', kind: 'int16', versions: [0, 0] },
  { name: 'errorMessage', kind: 'string', versions: [0, 0], nullableVersions: [0, 0], default: null },
  { name: 'activeProducers', kind: 'array', elementKind: 'struct', versions: [0, 0], fields: describeProducersResponseProducerStateFields },
];

const describeProducersResponseTopicResponseFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 0] },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 0], fields: describeProducersResponsePartitionResponseFields },
];

export const describeProducersResponseSchema: MessageSchema<DescribeProducersResponse> = {
  name: 'DescribeProducersResponse',
  apiKey: 61,
  type: 'response',
  versions: [0, 0],
  firstFlexibleVersion: 0,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 0] },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 0], fields: describeProducersResponseTopicResponseFields },
  ],
};
