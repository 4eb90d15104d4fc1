// Generated from Kafka's LeaveGroupResponse.json by scripts/generate-protocol.ts (versions 0-5).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface LeaveGroupResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1-5) */
  throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** List of leaving member responses. (v3-5) */
  members?: LeaveGroupResponseMemberResponse[];
}

export interface LeaveGroupResponseMemberResponse {
  /** The member ID to remove from the group. */
  memberId: string;
  /** The group instance ID to remove from the group. */
  groupInstanceId: string | null;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
}

const leaveGroupResponseMemberResponseFields: readonly FieldSchema[] = [
  { name: 'memberId', kind: 'string', versions: [3, 5] },
  { name: 'groupInstanceId', kind: 'string', versions: [3, 5], nullableVersions: [3, 5] },
  { name: 'errorCode', kind: 'int16', versions: [3, 5] },
];

export const leaveGroupResponseSchema: MessageSchema<LeaveGroupResponse> = {
  name: 'LeaveGroupResponse',
  apiKey: 13,
  type: 'response',
  versions: [0, 5],
  firstFlexibleVersion: 4,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [1, 5] },
    { name: 'errorCode', kind: 'int16', versions: [0, 5] },
    { name: 'members', kind: 'array', elementKind: 'struct', versions: [3, 5], fields: leaveGroupResponseMemberResponseFields },
  ],
};
