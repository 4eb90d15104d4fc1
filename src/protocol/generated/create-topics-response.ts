// Generated from Kafka's CreateTopicsResponse.json by scripts/generate-protocol.ts (versions 0-7).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface CreateTopicsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v2-7) */
  throttleTimeMs?: number;
  /** Results for each topic we tried to create. */
  topics: CreateTopicsResponseCreatableTopicResult[];
}

export interface CreateTopicsResponseCreatableTopicResult {
  /** The topic name. */
  name: string;
  /** The unique topic ID (v7 only) */
  topicId?: Buffer;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The error message, or null if there was no error. (v1-7) */
  errorMessage?: string | null;
  /** Optional topic config error returned if configs are not returned in the response. (v5-7, tagged 0) */
  topicConfigErrorCode?: number;
  /** Number of partitions of the topic. (v5-7) */
  numPartitions?: number;
  /** Replication factor of the topic. (v5-7) */
  replicationFactor?: number;
  /** Configuration of the topic. (v5-7) */
  configs?: CreateTopicsResponseCreatableTopicConfigs[] | null;
}

export interface CreateTopicsResponseCreatableTopicConfigs {
  /** The configuration name. */
  name: string;
  /** The configuration value. */
  value: string | null;
  /** True if the configuration is read-only. */
  readOnly: boolean;
  /** The configuration source. */
  configSource?: number;
  /** True if this configuration is sensitive. */
  isSensitive: boolean;
}

const createTopicsResponseCreatableTopicConfigsFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [5, 7] },
  { name: 'value', kind: 'string', versions: [5, 7], nullableVersions: [5, 7] },
  { name: 'readOnly', kind: 'bool', versions: [5, 7] },
  { name: 'configSource', kind: 'int8', versions: [5, 7], default: -1 },
  { name: 'isSensitive', kind: 'bool', versions: [5, 7] },
];

const createTopicsResponseCreatableTopicResultFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 7] },
  { name: 'topicId', kind: 'uuid', versions: [7, 7] },
  { name: 'errorCode', kind: 'int16', versions: [0, 7] },
  { name: 'errorMessage', kind: 'string', versions: [1, 7], nullableVersions: [1, 7] },
  { name: 'topicConfigErrorCode', kind: 'int16', versions: [5, 7], tag: 0, taggedVersions: [5, 7] },
  { name: 'numPartitions', kind: 'int32', versions: [5, 7], default: -1 },
  { name: 'replicationFactor', kind: 'int16', versions: [5, 7], default: -1 },
  { name: 'configs', kind: 'array', elementKind: 'struct', versions: [5, 7], nullableVersions: [5, 7], fields: createTopicsResponseCreatableTopicConfigsFields },
];

export const createTopicsResponseSchema: MessageSchema<CreateTopicsResponse> = {
  name: 'CreateTopicsResponse',
  apiKey: 19,
  type: 'response',
  versions: [0, 7],
  firstFlexibleVersion: 5,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [2, 7] },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 7], fields: createTopicsResponseCreatableTopicResultFields },
  ],
};
