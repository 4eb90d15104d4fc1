// Generated from Kafka's DescribeUserScramCredentialsResponse.json by scripts/generate-protocol.ts (versions 0-0).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DescribeUserScramCredentialsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The message-level error code, 0 except for user authorization or infrastructure issues. */
  errorCode: number;
  /** The message-level error message, if any. */
  errorMessage: string | null;
  /** The results for descriptions, one per user. */
  results: DescribeUserScramCredentialsResponseDescribeUserScramCredentialsResult[];
}

export interface DescribeUserScramCredentialsResponseDescribeUserScramCredentialsResult {
  /** The user name. */
  user: string;
  /** The user-level error code. */
  errorCode: number;
  /** The user-level error message, if any. */
  errorMessage: string | null;
  /** The mechanism and related information associated with the user's SCRAM credentials. */
  credentialInfos: DescribeUserScramCredentialsResponseCredentialInfo[];
}

export interface DescribeUserScramCredentialsResponseCredentialInfo {
  /** The SCRAM mechanism. */
  mechanism: number;
  /** The number of iterations used in the SCRAM credential. */
  iterations: number;
}

const describeUserScramCredentialsResponseCredentialInfoFields: readonly FieldSchema[] = [
  { name: 'mechanism', kind: 'int8', versions: [0, 0] },
  { name: 'iterations', kind: 'int32', versions: [0, 0] },
];

const describeUserScramCredentialsResponseDescribeUserScramCredentialsResultFields: readonly FieldSchema[] = [
  { name: 'user', kind: 'string', versions: [0, 0] },
  { name: 'errorCode', kind: 'int16', versions: [0, 0] },
  { name: 'errorMessage', kind: 'string', versions: [0, 0], nullableVersions: [0, 0] },
  { name: 'credentialInfos', kind: 'array', elementKind: 'struct', versions: [0, 0], fields: describeUserScramCredentialsResponseCredentialInfoFields },
];

export const describeUserScramCredentialsResponseSchema: MessageSchema<DescribeUserScramCredentialsResponse> = {
  name: 'DescribeUserScramCredentialsResponse',
  apiKey: 50,
  type: 'response',
  versions: [0, 0],
  firstFlexibleVersion: 0,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 0] },
    { name: 'errorCode', kind: 'int16', versions: [0, 0] },
    { name: 'errorMessage', kind: 'string', versions: [0, 0], nullableVersions: [0, 0] },
    { name: 'results', kind: 'array', elementKind: 'struct', versions: [0, 0], fields: describeUserScramCredentialsResponseDescribeUserScramCredentialsResultFields },
  ],
};
