// Generated from Kafka's AlterConfigsResponse.json by scripts/generate-protocol.ts (versions 0-2).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface AlterConfigsResponse {
  /** Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The responses for each resource. */
  responses: AlterConfigsResponseAlterConfigsResourceResponse[];
}

export interface AlterConfigsResponseAlterConfigsResourceResponse {
  /** The resource error code. */
  errorCode: number;
  /** The resource error message, or null if there was no error. */
  errorMessage: string | null;
  /** The resource type. */
  resourceType: number;
  /** The resource name. */
  resourceName: string;
}

const alterConfigsResponseAlterConfigsResourceResponseFields: readonly FieldSchema[] = [
  { name: 'errorCode', kind: 'int16', versions: [0, 2] },
  { name: 'errorMessage', kind: 'string', versions: [0, 2], nullableVersions: [0, 2] },
  { name: 'resourceType', kind: 'int8', versions: [0, 2] },
  { name: 'resourceName', kind: 'string', versions: [0, 2] },
];

export const alterConfigsResponseSchema: MessageSchema<AlterConfigsResponse> = {
  name: 'AlterConfigsResponse',
  apiKey: 33,
  type: 'response',
  versions: [0, 2],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 2] },
    { name: 'responses', kind: 'array', elementKind: 'struct', versions: [0, 2], fields: alterConfigsResponseAlterConfigsResourceResponseFields },
  ],
};
