// Generated from Kafka's CreateTopicsRequest.json by scripts/generate-protocol.ts (versions 0-7).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface CreateTopicsRequest {
  /** The topics to create. */
  topics: CreateTopicsRequestCreatableTopic[];
  /** How long to wait in milliseconds before timing out the request. */
  timeoutMs?: number;
  /** If true, check that the topics can be created as specified, but don't create anything. (v1-7) */
  validateOnly?: boolean;
}

export interface CreateTopicsRequestCreatableTopic {
  /** The topic name. */
  name: string;
  /** The number of partitions to create in the topic, or -1 if we are either specifying a manual partition assignment or using the default partitions. */
  numPartitions: number;
  /** The number of replicas to create for each partition in the topic, or -1 if we are either specifying a manual partition assignment or using the default replication factor. */
  replicationFactor: number;
  /** The manual partition assignment, or the empty array if we are using automatic assignment. */
  assignments: CreateTopicsRequestCreatableReplicaAssignment[];
  /** The custom topic configurations to set. */
  configs: CreateTopicsRequestCreatableTopicConfig[];
}

export interface CreateTopicsRequestCreatableReplicaAssignment {
  /** The partition index. */
  partitionIndex: number;
  /** The brokers to place the partition on. */
  brokerIds: number[];
}

export interface CreateTopicsRequestCreatableTopicConfig {
  /** The configuration name. */
  name: string;
  /** The configuration value. */
  value: string | null;
}

const createTopicsRequestCreatableReplicaAssignmentFields: readonly FieldSchema[] = [
  { name: 'partitionIndex', kind: 'int32', versions: [0, 7] },
  { name: 'brokerIds', kind: 'array', elementKind: 'int32', versions: [0, 7] },
];

const createTopicsRequestCreatableTopicConfigFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 7] },
  { name: 'value', kind: 'string', versions: [0, 7], nullableVersions: [0, 7] },
];

const createTopicsRequestCreatableTopicFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 7] },
  { name: 'numPartitions', kind: 'int32', versions: [0, 7] },
  { name: 'replicationFactor', kind: 'int16', versions: [0, 7] },
  { name: 'assignments', kind: 'array', elementKind: 'struct', versions: [0, 7], fields: createTopicsRequestCreatableReplicaAssignmentFields },
  { name: 'configs', kind: 'array', elementKind: 'struct', versions: [0, 7], fields: createTopicsRequestCreatableTopicConfigFields },
];

export const createTopicsRequestSchema: MessageSchema<CreateTopicsRequest> = {
  name: 'CreateTopicsRequest',
  apiKey: 19,
  type: 'request',
  versions: [0, 7],
  firstFlexibleVersion: 5,
  fields: [
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 7], fields: createTopicsRequestCreatableTopicFields },
    { name: 'timeoutMs', kind: 'int32', versions: [0, 7], default: 60000 },
    { name: 'validateOnly', kind: 'bool', versions: [1, 7], default: false },
  ],
};
