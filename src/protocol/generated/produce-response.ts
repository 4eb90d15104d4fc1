// Generated from Kafka's ProduceResponse.json by scripts/generate-protocol.ts (versions 0-11).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface ProduceResponse {
  /** Each produce response */
  responses: ProduceResponseTopicProduceResponse[];
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1-11) */
  throttleTimeMs?: number;
  /** Endpoints for all current-leaders enumerated in PartitionProduceResponses, with errors NOT_LEADER_OR_FOLLOWER. (v10-11, tagged 0) */
  nodeEndpoints?: ProduceResponseNodeEndpoint[];
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
  /** The timestamp returned by broker after appending the messages. If CreateTime is used for the topic, the timestamp will be -1. If LogAppendTime is used for the topic, the timestamp will be the broker local time when the messages are appended. (v2-11) */
  logAppendTimeMs?: number;
  /** The log start offset. (v5-11) */
  logStartOffset?: number;
  /** The batch indices of records that caused the batch to be dropped (v8-11) */
  recordErrors?: ProduceResponseBatchIndexAndErrorMessage[];
  /** The global error message summarizing the common root cause of the records that caused the batch to be dropped (v8-11) */
  errorMessage?: string | null;
  /** (v10-11, tagged 0) */
  currentLeader?: ProduceResponseLeaderIdAndEpoch;
}

export interface ProduceResponseBatchIndexAndErrorMessage {
  /** The batch index of the record that cause the batch to be dropped */
  batchIndex: number;
  /** The error message of the record that caused the batch to be dropped */
  batchIndexErrorMessage?: string | null;
}

export interface ProduceResponseLeaderIdAndEpoch {
  /** The ID of the current leader or -1 if the leader is unknown. */
  leaderId?: number;
  /** The latest known leader epoch */
  leaderEpoch?: number;
}

export interface ProduceResponseNodeEndpoint {
  /** The ID of the associated node. */
  nodeId: number;
  /** The node's hostname. */
  host: string;
  /** The node's port. */
  port: number;
  /** The rack of the node, or null if it has not been assigned to a rack. */
  rack?: string | null;
}

const produceResponseBatchIndexAndErrorMessageFields: readonly FieldSchema[] = [
  { name: 'batchIndex', kind: 'int32', versions: [8, 11] },
  { name: 'batchIndexErrorMessage', kind: 'string', versions: [8, 11], nullableVersions: [8, 11], default: null },
];

const produceResponseLeaderIdAndEpochFields: readonly FieldSchema[] = [
  { name: 'leaderId', kind: 'int32', versions: [10, 11], default: -1 },
  { name: 'leaderEpoch', kind: 'int32', versions: [10, 11], default: -1 },
];

const produceResponsePartitionProduceResponseFields: readonly FieldSchema[] = [
  { name: 'index', kind: 'int32', versions: [0, 11] },
  { name: 'errorCode', kind: 'int16', versions: [0, 11] },
  { name: 'baseOffset', kind: 'int64', versions: [0, 11] },
  { name: 'logAppendTimeMs', kind: 'int64', versions: [2, 11], default: -1 },
  { name: 'logStartOffset', kind: 'int64', versions: [5, 11], default: -1 },
  { name: 'recordErrors', kind: 'array', elementKind: 'struct', versions: [8, 11], fields: produceResponseBatchIndexAndErrorMessageFields },
  { name: 'errorMessage', kind: 'string', versions: [8, 11], nullableVersions: [8, 11], default: null },
  { name: 'currentLeader', kind: 'struct', versions: [10, 11], tag: 0, taggedVersions: [10, 11], fields: produceResponseLeaderIdAndEpochFields },
];

const produceResponseTopicProduceResponseFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 11] },
  { name: 'partitionResponses', kind: 'array', elementKind: 'struct', versions: [0, 11], fields: produceResponsePartitionProduceResponseFields },
];

const produceResponseNodeEndpointFields: readonly FieldSchema[] = [
  { name: 'nodeId', kind: 'int32', versions: [10, 11] },
  { name: 'host', kind: 'string', versions: [10, 11] },
  { name: 'port', kind: 'int32', versions: [10, 11] },
  { name: 'rack', kind: 'string', versions: [10, 11], nullableVersions: [10, 11], default: null },
];

export const produceResponseSchema: MessageSchema<ProduceResponse> = {
  name: 'ProduceResponse',
  apiKey: 0,
  type: 'response',
  versions: [0, 11],
  firstFlexibleVersion: 9,
  fields: [
    { name: 'responses', kind: 'array', elementKind: 'struct', versions: [0, 11], fields: produceResponseTopicProduceResponseFields },
    { name: 'throttleTimeMs', kind: 'int32', versions: [1, 11], default: 0 },
    { name: 'nodeEndpoints', kind: 'array', elementKind: 'struct', versions: [10, 11], tag: 0, taggedVersions: [10, 11], fields: produceResponseNodeEndpointFields },
  ],
};
