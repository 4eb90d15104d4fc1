// Generated from Kafka's DeleteTopicsResponse.json by scripts/generate-protocol.ts (versions 0-6).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DeleteTopicsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1-6) */
  throttleTimeMs?: number;
  /** The results for each topic we tried to delete. */
  responses: DeleteTopicsResponseDeletableTopicResult[];
}

export interface DeleteTopicsResponseDeletableTopicResult {
  /** The topic name */
  name: string | null;
  /** the unique topic ID (v6 only) */
  topicId?: Buffer;
  /** The deletion error, or 0 if the deletion succeeded. */
  errorCode: number;
  /** The error message, or null if there was no error. (v5-6) */
  errorMessage?: string | null;
}

const deleteTopicsResponseDeletableTopicResultFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 6], nullableVersions: [6, 6] },
  { name: 'topicId', kind: 'uuid', versions: [6, 6] },
  { name: 'errorCode', kind: 'int16', versions: [0, 6] },
  { name: 'errorMessage', kind: 'string', versions: [5, 6], nullableVersions: [5, 6], default: null },
];

export const deleteTopicsResponseSchema: MessageSchema<DeleteTopicsResponse> = {
  name: 'DeleteTopicsResponse',
  apiKey: 20,
  type: 'response',
  versions: [0, 6],
  firstFlexibleVersion: 4,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [1, 6] },
    { name: 'responses', kind: 'array', elementKind: 'struct', versions: [0, 6], fields: deleteTopicsResponseDeletableTopicResultFields },
  ],
};
