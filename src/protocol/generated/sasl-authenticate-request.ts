// Generated from Kafka's SaslAuthenticateRequest.json by scripts/generate-protocol.ts (versions 0-2).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface SaslAuthenticateRequest {
  /** The SASL authentication bytes from the client, as defined by the SASL mechanism. */
  authBytes: Buffer;
}

export const saslAuthenticateRequestSchema: MessageSchema<SaslAuthenticateRequest> = {
  name: 'SaslAuthenticateRequest',
  apiKey: 36,
  type: 'request',
  versions: [0, 2],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'authBytes', kind: 'bytes', versions: [0, 2] },
  ],
};
