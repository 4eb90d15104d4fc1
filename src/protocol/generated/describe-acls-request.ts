// Generated from Kafka's DescribeAclsRequest.json by scripts/generate-protocol.ts (versions 0-3).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface DescribeAclsRequest {
  /** The resource type. */
  resourceTypeFilter: number;
  /** The resource name, or null to match any resource name. */
  resourceNameFilter: string | null;
  /** The resource pattern to match. (v1-3) */
  patternTypeFilter?: number;
  /** The principal to match, or null to match any principal. */
  principalFilter: string | null;
  /** The host to match, or null to match any host. */
  hostFilter: string | null;
  /** The operation to match. */
  operation: number;
  /** The permission type to match. */
  permissionType: number;
}

export const describeAclsRequestSchema: MessageSchema<DescribeAclsRequest> = {
  name: 'DescribeAclsRequest',
  apiKey: 29,
  type: 'request',
  versions: [0, 3],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'resourceTypeFilter', kind: 'int8', versions: [0, 3] },
    { name: 'resourceNameFilter', kind: 'string', versions: [0, 3], nullableVersions: [0, 3] },
    { name: 'patternTypeFilter', kind: 'int8', versions: [1, 3], default: 3 },
    { name: 'principalFilter', kind: 'string', versions: [0, 3], nullableVersions: [0, 3] },
    { name: 'hostFilter', kind: 'string', versions: [0, 3], nullableVersions: [0, 3] },
    { name: 'operation', kind: 'int8', versions: [0, 3] },
    { name: 'permissionType', kind: 'int8', versions: [0, 3] },
  ],
};
