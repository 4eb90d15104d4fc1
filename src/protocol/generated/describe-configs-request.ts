// Generated from Kafka's DescribeConfigsRequest.json by scripts/generate-protocol.ts (versions 0-4).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DescribeConfigsRequest {
  /** The resources whose configurations we want to describe. */
  resources: DescribeConfigsRequestDescribeConfigsResource[];
  /** True if we should include all synonyms. (v1-4) */
  includeSynonyms?: boolean;
  /** True if we should include configuration documentation. (v3-4) */
  includeDocumentation?: boolean;
}

export interface DescribeConfigsRequestDescribeConfigsResource {
  /** The resource type. */
  resourceType: number;
  /** The resource name. */
  resourceName: string;
  /** The configuration keys to list, or null to list all configuration keys. */
  configurationKeys: string[] | null;
}

const describeConfigsRequestDescribeConfigsResourceFields: readonly FieldSchema[] = [
  { name: 'resourceType', kind: 'int8', versions: [0, 4] },
  { name: 'resourceName', kind: 'string', versions: [0, 4] },
  { name: 'configurationKeys', kind: 'array', elementKind: 'string', versions: [0, 4], nullableVersions: [0, 4] },
];

export const describeConfigsRequestSchema: MessageSchema<DescribeConfigsRequest> = {
  name: 'DescribeConfigsRequest',
  apiKey: 32,
  type: 'request',
  versions: [0, 4],
  firstFlexibleVersion: 4,
  fields: [
    { name: 'resources', kind: 'array', elementKind: 'struct', versions: [0, 4], fields: describeConfigsRequestDescribeConfigsResourceFields },
    { name: 'includeSynonyms', kind: 'bool', versions: [1, 4], default: false },
    { name: 'includeDocumentation', kind: 'bool', versions: [3, 4], default: false },
  ],
};
