// Generated from Kafka's SyncGroupResponse.json by scripts/generate-protocol.ts (versions 0-5).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface SyncGroupResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1-5) */
  throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The group protocol type. (v5 only) */
  protocolType?: string | null;
  /** The group protocol name. (v5 only) */
  protocolName?: string | null;
  /** The member assignment. */
  assignment: Buffer;
}

export const syncGroupResponseSchema: MessageSchema<SyncGroupResponse> = {
  name: 'SyncGroupResponse',
  apiKey: 14,
  type: 'response',
  versions: [0, 5],
  firstFlexibleVersion: 4,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [1, 5] },
    { name: 'errorCode', kind: 'int16', versions: [0, 5] },
    { name: 'protocolType', kind: 'string', versions: [5, 5], nullableVersions: [5, 5], default: null },
    { name: 'protocolName', kind: 'string', versions: [5, 5], nullableVersions: [5, 5], default: null },
    { name: 'assignment', kind: 'bytes', versions: [0, 5] },
  ],
};
