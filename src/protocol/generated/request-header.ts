// Generated from Kafka's RequestHeader.json by scripts/generate-protocol.ts (versions 0-2).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface RequestHeader {
  /** The API key of this request. */
  requestApiKey: number;
  /** The API version of this request. */
  requestApiVersion: number;
  /** The correlation ID of this request. */
  correlationId: number;
  /** The client ID string. (v1-2) */
  clientId?: string | null;
}

export const requestHeaderSchema: MessageSchema<RequestHeader> = {
  name: 'RequestHeader',
  apiKey: undefined,
  type: 'header',
  versions: [0, 2],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'requestApiKey', kind: 'int16', versions: [0, 2] },
    { name: 'requestApiVersion', kind: 'int16', versions: [0, 2] },
    { name: 'correlationId', kind: 'int32', versions: [0, 2] },
    { name: 'clientId', kind: 'string', versions: [1, 2], nullableVersions: [1, 2], flexibleVersions: 'none' },
  ],
};
