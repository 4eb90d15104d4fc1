// Generated from Kafka's DescribeAclsResponse.json by scripts/generate-protocol.ts (versions 0-3).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DescribeAclsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The error message, or null if there was no error. */
  errorMessage: string | null;
  /** Each Resource that is referenced in an ACL. */
  resources: DescribeAclsResponseDescribeAclsResource[];
}

export interface DescribeAclsResponseDescribeAclsResource {
  /** The resource type. */
  resourceType: number;
  /** The resource name. */
  resourceName: string;
  /** The resource pattern type. (v1-3) */
  patternType?: number;
  /** The ACLs. */
  acls: DescribeAclsResponseAclDescription[];
}

export interface DescribeAclsResponseAclDescription {
  /** The ACL principal. */
  principal: string;
  /** The ACL host. */
  host: string;
  /** The ACL operation. */
  operation: number;
  /** The ACL permission type. */
  permissionType: number;
}

const describeAclsResponseAclDescriptionFields: readonly FieldSchema[] = [
  { name: 'principal', kind: 'string', versions: [0, 3] },
  { name: 'host', kind: 'string', versions: [0, 3] },
  { name: 'operation', kind: 'int8', versions: [0, 3] },
  { name: 'permissionType', kind: 'int8', versions: [0, 3] },
];

const describeAclsResponseDescribeAclsResourceFields: readonly FieldSchema[] = [
  { name: 'resourceType', kind: 'int8', versions: [0, 3] },
  { name: 'resourceName', kind: 'string', versions: [0, 3] },
  { name: 'patternType', kind: 'int8', versions: [1, 3], default: 3 },
  { name: 'acls', kind: 'array', elementKind: 'struct', versions: [0, 3], fields: describeAclsResponseAclDescriptionFields },
];

export const describeAclsResponseSchema: MessageSchema<DescribeAclsResponse> = {
  name: 'DescribeAclsResponse',
  apiKey: 29,
  type: 'response',
  versions: [0, 3],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 3] },
    { name: 'errorCode', kind: 'int16', versions: [0, 3] },
    { name: 'errorMessage', kind: 'string', versions: [0, 3], nullableVersions: [0, 3] },
    { name: 'resources', kind: 'array', elementKind: 'struct', versions: [0, 3], fields: describeAclsResponseDescribeAclsResourceFields },
  ],
};
