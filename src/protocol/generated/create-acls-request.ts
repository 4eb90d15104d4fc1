// Generated from Kafka's CreateAclsRequest.json by scripts/generate-protocol.ts (versions 0-3).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface CreateAclsRequest {
  /** The ACLs that we want to create. */
  creations: CreateAclsRequestAclCreation[];
}

export interface CreateAclsRequestAclCreation {
  /** The type of the resource. */
  resourceType: number;
  /** The resource name for the ACL. */
  resourceName: string;
  /** The pattern type for the ACL. (v1-3) */
  resourcePatternType?: number;
  /** The principal for the ACL. */
  principal: string;
  /** The host for the ACL. */
  host: string;
  /** The operation type for the ACL (read, write, etc.). */
  operation: number;
  /** The permission type for the ACL (allow, deny, etc.). */
  permissionType: number;
}

const createAclsRequestAclCreationFields: readonly FieldSchema[] = [
  { name: 'resourceType', kind: 'int8', versions: [0, 3] },
  { name: 'resourceName', kind: 'string', versions: [0, 3] },
  { name: 'resourcePatternType', kind: 'int8', versions: [1, 3], default: 3 },
  { name: 'principal', kind: 'string', versions: [0, 3] },
  { name: 'host', kind: 'string', versions: [0, 3] },
  { name: 'operation', kind: 'int8', versions: [0, 3] },
  { name: 'permissionType', kind: 'int8', versions: [0, 3] },
];

export const createAclsRequestSchema: MessageSchema<CreateAclsRequest> = {
  name: 'CreateAclsRequest',
  apiKey: 30,
  type: 'request',
  versions: [0, 3],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'creations', kind: 'array', elementKind: 'struct', versions: [0, 3], fields: createAclsRequestAclCreationFields },
  ],
};
