// Generated from Kafka's ResponseHeader.json by scripts/generate-protocol.ts (versions 0-1).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface ResponseHeader {
  /** The correlation ID of this response. */
  correlationId: number;
}

export const responseHeaderSchema: MessageSchema<ResponseHeader> = {
  name: 'ResponseHeader',
  apiKey: undefined,
  type: 'header',
  versions: [0, 1],
  firstFlexibleVersion: 1,
  fields: [
    { name: 'correlationId', kind: 'int32', versions: [0, 1] },
  ],
};
