// Generated from Kafka's DeleteTopicsResponse.json by scripts/generate-protocol.ts (versions 0-3).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DeleteTopicsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1-3) */
  throttleTimeMs?: number;
  /** The results for each topic we tried to delete. */
  responses: DeleteTopicsResponseDeletableTopicResult[];
}

export interface DeleteTopicsResponseDeletableTopicResult {
  /** The topic name */
  name: string;
  /** The deletion error, or 0 if the deletion succeeded. */
  errorCode: number;
}

const deleteTopicsResponseDeletableTopicResultFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 3] },
  { name: 'errorCode', kind: 'int16', versions: [0, 3] },
];

export const deleteTopicsResponseSchema: MessageSchema<DeleteTopicsResponse> = {
  name: 'DeleteTopicsResponse',
  apiKey: 20,
  type: 'response',
  versions: [0, 3],
  firstFlexibleVersion: 4,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [1, 3] },
    { name: 'responses', kind: 'array', elementKind: 'struct', versions: [0, 3], fields: deleteTopicsResponseDeletableTopicResultFields },
  ],
};
