// Generated from Kafka's SaslHandshakeResponse.json by scripts/generate-protocol.ts (versions 0-1).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface SaslHandshakeResponse {
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The mechanisms enabled in the server. */
  mechanisms: string[];
}

export const saslHandshakeResponseSchema: MessageSchema<SaslHandshakeResponse> = {
  name: 'SaslHandshakeResponse',
  apiKey: 17,
  type: 'response',
  versions: [0, 1],
  firstFlexibleVersion: null,
  fields: [
    { name: 'errorCode', kind: 'int16', versions: [0, 1] },
    { name: 'mechanisms', kind: 'array', elementKind: 'string', versions: [0, 1] },
  ],
};
