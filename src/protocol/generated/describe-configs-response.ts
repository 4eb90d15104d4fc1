// Generated from Kafka's DescribeConfigsResponse.json by scripts/generate-protocol.ts (versions 0-4).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DescribeConfigsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The results for each resource. */
  results: DescribeConfigsResponseDescribeConfigsResult[];
}

export interface DescribeConfigsResponseDescribeConfigsResult {
  /** The error code, or 0 if we were able to successfully describe the configurations. */
  errorCode: number;
  /** The error message, or null if we were able to successfully describe the configurations. */
  errorMessage: string | null;
  /** The resource type. */
  resourceType: number;
  /** The resource name. */
  resourceName: string;
  /** Each listed configuration. */
  configs: DescribeConfigsResponseDescribeConfigsResourceResult[];
}

export interface DescribeConfigsResponseDescribeConfigsResourceResult {
  /** The configuration name. */
  name: string;
  /** The configuration value. */
  value: string | null;
  /** True if the configuration is read-only. */
  readOnly: boolean;
  /** True if the configuration is not set. (v0 only) */
  isDefault?: boolean;
  /** The configuration source. (v1-4) */
  configSource?: number;
  /** True if this configuration is sensitive. */
  isSensitive: boolean;
  /** The synonyms for this configuration key. (v1-4) */
  synonyms?: DescribeConfigsResponseDescribeConfigsSynonym[];
  /** The configuration data type. Type can be one of the following values - BOOLEAN, STRING, INT, SHORT, LONG, DOUBLE, LIST, CLASS, PASSWORD (v3-4) */
  configType?: number;
  /** The configuration documentation. (v3-4) */
  documentation?: string | null;
}

export interface DescribeConfigsResponseDescribeConfigsSynonym {
  /** The synonym name. */
  name: string;
  /** The synonym value. */
  value: string | null;
  /** The synonym source. */
  source: number;
}

const describeConfigsResponseDescribeConfigsSynonymFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [1, 4] },
  { name: 'value', kind: 'string', versions: [1, 4], nullableVersions: [1, 4] },
  { name: 'source', kind: 'int8', versions: [1, 4] },
];

const describeConfigsResponseDescribeConfigsResourceResultFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 4] },
  { name: 'value', kind: 'string', versions: [0, 4], nullableVersions: [0, 4] },
  { name: 'readOnly', kind: 'bool', versions: [0, 4] },
  { name: 'isDefault', kind: 'bool', versions: [0, 0] },
  { name: 'configSource', kind: 'int8', versions: [1, 4], default: -1 },
  { name: 'isSensitive', kind: 'bool', versions: [0, 4] },
  { name: 'synonyms', kind: 'array', elementKind: 'struct', versions: [1, 4], fields: describeConfigsResponseDescribeConfigsSynonymFields },
  { name: 'configType', kind: 'int8', versions: [3, 4], default: 0 },
  { name: 'documentation', kind: 'string', versions: [3, 4], nullableVersions: [3, 4] },
];

const describeConfigsResponseDescribeConfigsResultFields: readonly FieldSchema[] = [
  { name: 'errorCode', kind: 'int16', versions: [0, 4] },
  { name: 'errorMessage', kind: 'string', versions: [0, 4], nullableVersions: [0, 4] },
  { name: 'resourceType', kind: 'int8', versions: [0, 4] },
  { name: 'resourceName', kind: 'string', versions: [0, 4] },
  { name: 'configs', kind: 'array', elementKind: 'struct', versions: [0, 4], fields: describeConfigsResponseDescribeConfigsResourceResultFields },
];

export const describeConfigsResponseSchema: MessageSchema<DescribeConfigsResponse> = {
  name: 'DescribeConfigsResponse',
  apiKey: 32,
  type: 'response',
  versions: [0, 4],
  firstFlexibleVersion: 4,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 4] },
    { name: 'results', kind: 'array', elementKind: 'struct', versions: [0, 4], fields: describeConfigsResponseDescribeConfigsResultFields },
  ],
};
