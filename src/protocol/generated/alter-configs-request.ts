// Generated from Kafka's AlterConfigsRequest.json by scripts/generate-protocol.ts (versions 0-2).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface AlterConfigsRequest {
  /** The updates for each resource. */
  resources: AlterConfigsRequestAlterConfigsResource[];
  /** True if we should validate the request, but not change the configurations. */
  validateOnly: boolean;
}

export interface AlterConfigsRequestAlterConfigsResource {
  /** The resource type. */
  resourceType: number;
  /** The resource name. */
  resourceName: string;
  /** The configurations. */
  configs: AlterConfigsRequestAlterableConfig[];
}

export interface AlterConfigsRequestAlterableConfig {
  /** The configuration key name. */
  name: string;
  /** The value to set for the configuration key. */
  value: string | null;
}

const alterConfigsRequestAlterableConfigFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 2] },
  { name: 'value', kind: 'string', versions: [0, 2], nullableVersions: [0, 2] },
];

const alterConfigsRequestAlterConfigsResourceFields: readonly FieldSchema[] = [
  { name: 'resourceType', kind: 'int8', versions: [0, 2] },
  { name: 'resourceName', kind: 'string', versions: [0, 2] },
  { name: 'configs', kind: 'array', elementKind: 'struct', versions: [0, 2], fields: alterConfigsRequestAlterableConfigFields },
];

export const alterConfigsRequestSchema: MessageSchema<AlterConfigsRequest> = {
  name: 'AlterConfigsRequest',
  apiKey: 33,
  type: 'request',
  versions: [0, 2],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'resources', kind: 'array', elementKind: 'struct', versions: [0, 2], fields: alterConfigsRequestAlterConfigsResourceFields },
    { name: 'validateOnly', kind: 'bool', versions: [0, 2] },
  ],
};
