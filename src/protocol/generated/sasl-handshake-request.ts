// Generated from Kafka's SaslHandshakeRequest.json by scripts/generate-protocol.ts (versions 0-1).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface SaslHandshakeRequest {
  /** The SASL mechanism chosen by the client. */
  mechanism: string;
}

export const saslHandshakeRequestSchema: MessageSchema<SaslHandshakeRequest> = {
  name: 'SaslHandshakeRequest',
  apiKey: 17,
  type: 'request',
  versions: [0, 1],
  firstFlexibleVersion: null,
  fields: [
    { name: 'mechanism', kind: 'string', versions: [0, 1] },
  ],
};
