// Generated from Kafka's MetadataResponse.json by scripts/generate-protocol.ts (versions 0-12).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface MetadataResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v3-12) */
  throttleTimeMs?: number;
  /** A list of brokers present in the cluster. */
  brokers: MetadataResponseMetadataResponseBroker[];
  /** The cluster ID that responding broker belongs to. (v2-12) */
  clusterId?: string | null;
  /** The ID of the controller broker. (v1-12) */
  controllerId?: number;
  /** Each topic in the response. */
  topics: MetadataResponseMetadataResponseTopic[];
  /** 32-bit bitfield to represent authorized operations for this cluster. (v8-10) */
  clusterAuthorizedOperations?: number;
}

export interface MetadataResponseMetadataResponseBroker {
  /** The broker ID. */
  nodeId: number;
  /** The broker hostname. */
  host: string;
  /** The broker port. */
  port: number;
  /** The rack of the broker, or null if it has not been assigned to a rack. (v1-12) */
  rack?: string | null;
}

export interface MetadataResponseMetadataResponseTopic {
  /** The topic error, or 0 if there was no error. */
  errorCode: number;
  /** The topic name. Null for non-existing topics queried by ID. This is never null when ErrorCode is zero. One of Name and TopicId is always populated. */
  name: string | null;
  /** The topic id. Zero for non-existing topics queried by name. This is never zero when ErrorCode is zero. One of Name and TopicId is always populated. (v10-12) */
  topicId?: Buffer;
  /** True if the topic is internal. (v1-12) */
  isInternal?: boolean;
  /** Each partition in the topic. */
  partitions: MetadataResponseMetadataResponsePartition[];
  /** 32-bit bitfield to represent authorized operations for this topic. (v8-12) */
  topicAuthorizedOperations?: number;
}

export interface MetadataResponseMetadataResponsePartition {
  /** The partition error, or 0 if there was no error. */
  errorCode: number;
  /** The partition index. */
  partitionIndex: number;
  /** The ID of the leader broker. */
  leaderId: number;
  /** The leader epoch of this partition. (v7-12) */
  leaderEpoch?: number;
  /** The set of all nodes that host this partition. */
  replicaNodes: number[];
  /** The set of nodes that are in sync with the leader for this partition. */
  isrNodes: number[];
  /** The set of offline replicas of this partition. (v5-12) */
  offlineReplicas?: number[];
}

const metadataResponseMetadataResponseBrokerFields: readonly FieldSchema[] = [
  { name: 'nodeId', kind: 'int32', versions: [0, 12] },
  { name: 'host', kind: 'string', versions: [0, 12] },
  { name: 'port', kind: 'int32', versions: [0, 12] },
  { name: 'rack', kind: 'string', versions: [1, 12], nullableVersions: [1, 12], default: null },
];

const metadataResponseMetadataResponsePartitionFields: readonly FieldSchema[] = [
  { name: 'errorCode', kind: 'int16', versions: [0, 12] },
  { name: 'partitionIndex', kind: 'int32', versions: [0, 12] },
  { name: 'leaderId', kind: 'int32', versions: [0, 12] },
  { name: 'leaderEpoch', kind: 'int32', versions: [7, 12], default: -1 },
  { name: 'replicaNodes', kind: 'array', elementKind: 'int32', versions: [0, 12] },
  { name: 'isrNodes', kind: 'array', elementKind: 'int32', versions: [0, 12] },
  { name: 'offlineReplicas', kind: 'array', elementKind: 'int32', versions: [5, 12] },
];

const metadataResponseMetadataResponseTopicFields: readonly FieldSchema[] = [
  { name: 'errorCode', kind: 'int16', versions: [0, 12] },
  { name: 'name', kind: 'string', versions: [0, 12], nullableVersions: [12, 12] },
  { name: 'topicId', kind: 'uuid', versions: [10, 12] },
  { name: 'isInternal', kind: 'bool', versions: [1, 12], default: false },
  { name: 'partitions', kind: 'array', elementKind: 'struct', versions: [0, 12], fields: metadataResponseMetadataResponsePartitionFields },
  { name: 'topicAuthorizedOperations', kind: 'int32', versions: [8, 12], default: -2147483648 },
];

export const metadataResponseSchema: MessageSchema<MetadataResponse> = {
  name: 'MetadataResponse',
  apiKey: 3,
  type: 'response',
  versions: [0, 12],
  firstFlexibleVersion: 9,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [3, 12] },
    { name: 'brokers', kind: 'array', elementKind: 'struct', versions: [0, 12], fields: metadataResponseMetadataResponseBrokerFields },
    { name: 'clusterId', kind: 'string', versions: [2, 12], nullableVersions: [2, 12], default: null },
    { name: 'controllerId', kind: 'int32', versions: [1, 12], default: -1 },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 12], fields: metadataResponseMetadataResponseTopicFields },
    { name: 'clusterAuthorizedOperations', kind: 'int32', versions: [8, 10], default: -2147483648 },
  ],
};
