// Generated from Kafka's HeartbeatRequest.json by scripts/generate-protocol.ts (versions 0-4).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface HeartbeatRequest {
  /** The group id. */
  groupId: string;
  /** The generation of the group. */
  generationId: number;
  /** The member ID. */
  memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v3-4) */
  groupInstanceId?: string | null;
}

export const heartbeatRequestSchema: MessageSchema<HeartbeatRequest> = {
  name: 'HeartbeatRequest',
  apiKey: 12,
  type: 'request',
  versions: [0, 4],
  firstFlexibleVersion: 4,
  fields: [
    { name: 'groupId', kind: 'string', versions: [0, 4] },
    { name: 'generationId', kind: 'int32', versions: [0, 4] },
    { name: 'memberId', kind: 'string', versions: [0, 4] },
    { name: 'groupInstanceId', kind: 'string', versions: [3, 4], nullableVersions: [3, 4], default: null },
  ],
};
