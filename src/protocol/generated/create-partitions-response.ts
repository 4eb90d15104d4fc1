// Generated from Kafka's CreatePartitionsResponse.json by scripts/generate-protocol.ts (versions 0-3).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface CreatePartitionsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The partition creation results for each topic. */
  results: CreatePartitionsResponseCreatePartitionsTopicResult[];
}

export interface CreatePartitionsResponseCreatePartitionsTopicResult {
  /** The topic name. */
  name: string;
  /** The result error, or zero if there was no error. */
  errorCode: number;
  /** The result message, or null if there was no error. */
  errorMessage?: string | null;
}

const createPartitionsResponseCreatePartitionsTopicResultFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 3] },
  { name: 'errorCode', kind: 'int16', versions: [0, 3] },
  { name: 'errorMessage', kind: 'string', versions: [0, 3], nullableVersions: [0, 3], default: null },
];

export const createPartitionsResponseSchema: MessageSchema<CreatePartitionsResponse> = {
  name: 'CreatePartitionsResponse',
  apiKey: 37,
  type: 'response',
  versions: [0, 3],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 3] },
    { name: 'results', kind: 'array', elementKind: 'struct', versions: [0, 3], fields: createPartitionsResponseCreatePartitionsTopicResultFields },
  ],
};
