// Generated from Kafka's DeleteAclsRequest.json by scripts/generate-protocol.ts (versions 0-3).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DeleteAclsRequest {
  /** The filters to use when deleting ACLs. */
  filters: DeleteAclsRequestDeleteAclsFilter[];
}

export interface DeleteAclsRequestDeleteAclsFilter {
  /** The resource type. */
  resourceTypeFilter: number;
  /** The resource name. */
  resourceNameFilter: string | null;
  /** The pattern type. (v1-3) */
  patternTypeFilter?: number;
  /** The principal filter, or null to accept all principals. */
  principalFilter: string | null;
  /** The host filter, or null to accept all hosts. */
  hostFilter: string | null;
  /** The ACL operation. */
  operation: number;
  /** The permission type. */
  permissionType: number;
}

const deleteAclsRequestDeleteAclsFilterFields: readonly FieldSchema[] = [
  { name: 'resourceTypeFilter', kind: 'int8', versions: [0, 3] },
  { name: 'resourceNameFilter', kind: 'string', versions: [0, 3], nullableVersions: [0, 3] },
  { name: 'patternTypeFilter', kind: 'int8', versions: [1, 3], default: 3 },
  { name: 'principalFilter', kind: 'string', versions: [0, 3], nullableVersions: [0, 3] },
  { name: 'hostFilter', kind: 'string', versions: [0, 3], nullableVersions: [0, 3] },
  { name: 'operation', kind: 'int8', versions: [0, 3] },
  { name: 'permissionType', kind: 'int8', versions: [0, 3] },
];

export const deleteAclsRequestSchema: MessageSchema<DeleteAclsRequest> = {
  name: 'DeleteAclsRequest',
  apiKey: 31,
  type: 'request',
  versions: [0, 3],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'filters', kind: 'array', elementKind: 'struct', versions: [0, 3], fields: deleteAclsRequestDeleteAclsFilterFields },
  ],
};
