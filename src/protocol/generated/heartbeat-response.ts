// Generated from Kafka's HeartbeatResponse.json by scripts/generate-protocol.ts (versions 0-4).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface HeartbeatResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1-4) */
  throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
}

export const heartbeatResponseSchema: MessageSchema<HeartbeatResponse> = {
  name: 'HeartbeatResponse',
  apiKey: 12,
  type: 'response',
  versions: [0, 4],
  firstFlexibleVersion: 4,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [1, 4] },
    { name: 'errorCode', kind: 'int16', versions: [0, 4] },
  ],
};
