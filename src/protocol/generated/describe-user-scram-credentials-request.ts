// Generated from Kafka's DescribeUserScramCredentialsRequest.json by scripts/generate-protocol.ts (versions 0-0).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DescribeUserScramCredentialsRequest {
  /** The users to describe, or null/empty to describe all users. */
  users: DescribeUserScramCredentialsRequestUserName[] | null;
}

export interface DescribeUserScramCredentialsRequestUserName {
  /** The user name. */
  name: string;
}

const describeUserScramCredentialsRequestUserNameFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 0] },
];

export const describeUserScramCredentialsRequestSchema: MessageSchema<DescribeUserScramCredentialsRequest> = {
  name: 'DescribeUserScramCredentialsRequest',
  apiKey: 50,
  type: 'request',
  versions: [0, 0],
  firstFlexibleVersion: 0,
  fields: [
    { name: 'users', kind: 'array', elementKind: 'struct', versions: [0, 0], nullableVersions: [0, 0], fields: describeUserScramCredentialsRequestUserNameFields },
  ],
};
