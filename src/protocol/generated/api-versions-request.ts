// Generated from Kafka's ApiVersionsRequest.json by scripts/generate-protocol.ts (versions 0-4).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface ApiVersionsRequest {
  /** The name of the client. (v3-4) */
  clientSoftwareName?: string;
  /** The version of the client. (v3-4) */
  clientSoftwareVersion?: string;
}

export const apiVersionsRequestSchema: MessageSchema<ApiVersionsRequest> = {
  name: 'ApiVersionsRequest',
  apiKey: 18,
  type: 'request',
  versions: [0, 4],
  firstFlexibleVersion: 3,
  fields: [
    { name: 'clientSoftwareName', kind: 'string', versions: [3, 4] },
    { name: 'clientSoftwareVersion', kind: 'string', versions: [3, 4] },
  ],
};
