// Generated from Kafka's CreateTopicsResponse.json by scripts/generate-protocol.ts (versions 0-4).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface CreateTopicsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v2-4) */
  throttleTimeMs?: number;
  /** Results for each topic we tried to create. */
  topics: CreateTopicsResponseCreatableTopicResult[];
}

export interface CreateTopicsResponseCreatableTopicResult {
  /** The topic name. */
  name: string;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The error message, or null if there was no error. (v1-4) */
  errorMessage?: string | null;
}

const createTopicsResponseCreatableTopicResultFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 4] },
  { name: 'errorCode', kind: 'int16', versions: [0, 4] },
  { name: 'errorMessage', kind: 'string', versions: [1, 4], nullableVersions: [1, 4] },
];

export const createTopicsResponseSchema: MessageSchema<CreateTopicsResponse> = {
  name: 'CreateTopicsResponse',
  apiKey: 19,
  type: 'response',
  versions: [0, 4],
  firstFlexibleVersion: 5,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [2, 4] },
    { name: 'topics', kind: 'array', elementKind: 'struct', versions: [0, 4], fields: createTopicsResponseCreatableTopicResultFields },
  ],
};
