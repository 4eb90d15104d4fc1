// Generated from Kafka's DeleteAclsResponse.json by scripts/generate-protocol.ts (versions 0-3).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DeleteAclsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The results for each filter. */
  filterResults: DeleteAclsResponseDeleteAclsFilterResult[];
}

export interface DeleteAclsResponseDeleteAclsFilterResult {
  /** The error code, or 0 if the filter succeeded. */
  errorCode: number;
  /** The error message, or null if the filter succeeded. */
  errorMessage: string | null;
  /** The ACLs which matched this filter. */
  matchingAcls: DeleteAclsResponseDeleteAclsMatchingAcl[];
}

export interface DeleteAclsResponseDeleteAclsMatchingAcl {
  /** The deletion error code, or 0 if the deletion succeeded. */
  errorCode: number;
  /** The deletion error message, or null if the deletion succeeded. */
  errorMessage: string | null;
  /** The ACL resource type. */
  resourceType: number;
  /** The ACL resource name. */
  resourceName: string;
  /** The ACL resource pattern type. (v1-3) */
  patternType?: number;
  /** The ACL principal. */
  principal: string;
  /** The ACL host. */
  host: string;
  /** The ACL operation. */
  operation: number;
  /** The ACL permission type. */
  permissionType: number;
}

const deleteAclsResponseDeleteAclsMatchingAclFields: readonly FieldSchema[] = [
  { name: 'errorCode', kind: 'int16', versions: [0, 3] },
  { name: 'errorMessage', kind: 'string', versions: [0, 3], nullableVersions: [0, 3] },
  { name: 'resourceType', kind: 'int8', versions: [0, 3] },
  { name: 'resourceName', kind: 'string', versions: [0, 3] },
  { name: 'patternType', kind: 'int8', versions: [1, 3], default: 3 },
  { name: 'principal', kind: 'string', versions: [0, 3] },
  { name: 'host', kind: 'string', versions: [0, 3] },
  { name: 'operation', kind: 'int8', versions: [0, 3] },
  { name: 'permissionType', kind: 'int8', versions: [0, 3] },
];

const deleteAclsResponseDeleteAclsFilterResultFields: readonly FieldSchema[] = [
  { name: 'errorCode', kind: 'int16', versions: [0, 3] },
  { name: 'errorMessage', kind: 'string', versions: [0, 3], nullableVersions: [0, 3] },
  { name: 'matchingAcls', kind: 'array', elementKind: 'struct', versions: [0, 3], fields: deleteAclsResponseDeleteAclsMatchingAclFields },
];

export const deleteAclsResponseSchema: MessageSchema<DeleteAclsResponse> = {
  name: 'DeleteAclsResponse',
  apiKey: 31,
  type: 'response',
  versions: [0, 3],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 3] },
    { name: 'filterResults', kind: 'array', elementKind: 'struct', versions: [0, 3], fields: deleteAclsResponseDeleteAclsFilterResultFields },
  ],
};
