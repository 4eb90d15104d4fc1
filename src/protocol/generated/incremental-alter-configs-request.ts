// Generated from Kafka's IncrementalAlterConfigsRequest.json by scripts/generate-protocol.ts (versions 0-1).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface IncrementalAlterConfigsRequest {
  /** The incremental updates for each resource. */
  resources: IncrementalAlterConfigsRequestAlterConfigsResource[];
  /** True if we should validate the request, but not change the configurations. */
  validateOnly: boolean;
}

export interface IncrementalAlterConfigsRequestAlterConfigsResource {
  /** The resource type. */
  resourceType: number;
  /** The resource name. */
  resourceName: string;
  /** The configurations. */
  configs: IncrementalAlterConfigsRequestAlterableConfig[];
}

export interface IncrementalAlterConfigsRequestAlterableConfig {
  /** The configuration key name. */
  name: string;
  /** The type (Set, Delete, Append, Subtract) of operation. */
  configOperation: number;
  /** The value to set for the configuration key. */
  value: string | null;
}

const incrementalAlterConfigsRequestAlterableConfigFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 1] },
  { name: 'configOperation', kind: 'int8', versions: [0, 1] },
  { name: 'value', kind: 'string', versions: [0, 1], nullableVersions: [0, 1] },
];

const incrementalAlterConfigsRequestAlterConfigsResourceFields: readonly FieldSchema[] = [
  { name: 'resourceType', kind: 'int8', versions: [0, 1] },
  { name: 'resourceName', kind: 'string', versions: [0, 1] },
  { name: 'configs', kind: 'array', elementKind: 'struct', versions: [0, 1], fields: incrementalAlterConfigsRequestAlterableConfigFields },
];

export const incrementalAlterConfigsRequestSchema: MessageSchema<IncrementalAlterConfigsRequest> = {
  name: 'IncrementalAlterConfigsRequest',
  apiKey: 44,
  type: 'request',
  versions: [0, 1],
  firstFlexibleVersion: 1,
  fields: [
    { name: 'resources', kind: 'array', elementKind: 'struct', versions: [0, 1], fields: incrementalAlterConfigsRequestAlterConfigsResourceFields },
    { name: 'validateOnly', kind: 'bool', versions: [0, 1] },
  ],
};
