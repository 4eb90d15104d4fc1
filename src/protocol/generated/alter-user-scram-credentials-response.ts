// Generated from Kafka's AlterUserScramCredentialsResponse.json by scripts/generate-protocol.ts (versions 0-0).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface AlterUserScramCredentialsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The results for deletions and alterations, one per affected user. */
  results: AlterUserScramCredentialsResponseAlterUserScramCredentialsResult[];
}

export interface AlterUserScramCredentialsResponseAlterUserScramCredentialsResult {
  /** The user name. */
  user: string;
  /** The error code. */
  errorCode: number;
  /** The error message, if any. */
  errorMessage: string | null;
}

const alterUserScramCredentialsResponseAlterUserScramCredentialsResultFields: readonly FieldSchema[] = [
  { name: 'user', kind: 'string', versions: [0, 0] },
  { name: 'errorCode', kind: 'int16', versions: [0, 0] },
  { name: 'errorMessage', kind: 'string', versions: [0, 0], nullableVersions: [0, 0] },
];

export const alterUserScramCredentialsResponseSchema: MessageSchema<AlterUserScramCredentialsResponse> = {
  name: 'AlterUserScramCredentialsResponse',
  apiKey: 51,
  type: 'response',
  versions: [0, 0],
  firstFlexibleVersion: 0,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 0] },
    { name: 'results', kind: 'array', elementKind: 'struct', versions: [0, 0], fields: alterUserScramCredentialsResponseAlterUserScramCredentialsResultFields },
  ],
};
