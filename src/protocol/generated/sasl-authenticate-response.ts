// Generated from Kafka's SaslAuthenticateResponse.json by scripts/generate-protocol.ts (versions 0-2).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface SaslAuthenticateResponse {
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The error message, or null if there was no error. */
  errorMessage: string | null;
  /** The SASL authentication bytes from the server, as defined by the SASL mechanism. */
  authBytes: Buffer;
  /** Number of milliseconds after which only re-authentication over the existing connection to create a new session can occur. (v1-2) */
  sessionLifetimeMs?: number;
}

export const saslAuthenticateResponseSchema: MessageSchema<SaslAuthenticateResponse> = {
  name: 'SaslAuthenticateResponse',
  apiKey: 36,
  type: 'response',
  versions: [0, 2],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'errorCode', kind: 'int16', versions: [0, 2] },
    { name: 'errorMessage', kind: 'string', versions: [0, 2], nullableVersions: [0, 2] },
    { name: 'authBytes', kind: 'bytes', versions: [0, 2] },
    { name: 'sessionLifetimeMs', kind: 'int64', versions: [1, 2], default: 0 },
  ],
};
