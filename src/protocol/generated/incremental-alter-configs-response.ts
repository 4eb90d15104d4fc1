// Generated from Kafka's IncrementalAlterConfigsResponse.json by scripts/generate-protocol.ts (versions 0-1).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface IncrementalAlterConfigsResponse {
  /** Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The responses for each resource. */
  responses: IncrementalAlterConfigsResponseAlterConfigsResourceResponse[];
}

export interface IncrementalAlterConfigsResponseAlterConfigsResourceResponse {
  /** The resource error code. */
  errorCode: number;
  /** The resource error message, or null if there was no error. */
  errorMessage: string | null;
  /** The resource type. */
  resourceType: number;
  /** The resource name. */
  resourceName: string;
}

const incrementalAlterConfigsResponseAlterConfigsResourceResponseFields: readonly FieldSchema[] = [
  { name: 'errorCode', kind: 'int16', versions: [0, 1] },
  { name: 'errorMessage', kind: 'string', versions: [0, 1], nullableVersions: [0, 1] },
  { name: 'resourceType', kind: 'int8', versions: [0, 1] },
  { name: 'resourceName', kind: 'string', versions: [0, 1] },
];

export const incrementalAlterConfigsResponseSchema: MessageSchema<IncrementalAlterConfigsResponse> = {
  name: 'IncrementalAlterConfigsResponse',
  apiKey: 44,
  type: 'response',
  versions: [0, 1],
  firstFlexibleVersion: 1,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 1] },
    { name: 'responses', kind: 'array', elementKind: 'struct', versions: [0, 1], fields: incrementalAlterConfigsResponseAlterConfigsResourceResponseFields },
  ],
};
