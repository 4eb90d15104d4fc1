// Generated from Kafka's CreateAclsResponse.json by scripts/generate-protocol.ts (versions 0-3).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface CreateAclsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The results for each ACL creation. */
  results: CreateAclsResponseAclCreationResult[];
}

export interface CreateAclsResponseAclCreationResult {
  /** The result error, or zero if there was no error. */
  errorCode: number;
  /** The result message, or null if there was no error. */
  errorMessage: string | null;
}

const createAclsResponseAclCreationResultFields: readonly FieldSchema[] = [
  { name: 'errorCode', kind: 'int16', versions: [0, 3] },
  { name: 'errorMessage', kind: 'string', versions: [0, 3], nullableVersions: [0, 3] },
];

export const createAclsResponseSchema: MessageSchema<CreateAclsResponse> = {
  name: 'CreateAclsResponse',
  apiKey: 30,
  type: 'response',
  versions: [0, 3],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 3] },
    { name: 'results', kind: 'array', elementKind: 'struct', versions: [0, 3], fields: createAclsResponseAclCreationResultFields },
  ],
};
