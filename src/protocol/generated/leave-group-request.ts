// Generated from Kafka's LeaveGroupRequest.json by scripts/generate-protocol.ts (versions 0-5).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface LeaveGroupRequest {
  /** The ID of the group to leave. */
  groupId: string;
  /** The member ID to remove from the group. (v0-2) */
  memberId?: string;
  /** List of leaving member identities. (v3-5) */
  members?: LeaveGroupRequestMemberIdentity[];
}

export interface LeaveGroupRequestMemberIdentity {
  /** The member ID to remove from the group. */
  memberId: string;
  /** The group instance ID to remove from the group. */
  groupInstanceId?: string | null;
  /** The reason why the member left the group. (v5 only) */
  reason?: string | null;
}

const leaveGroupRequestMemberIdentityFields: readonly FieldSchema[] = [
  { name: 'memberId', kind: 'string', versions: [3, 5] },
  { name: 'groupInstanceId', kind: 'string', versions: [3, 5], nullableVersions: [3, 5], default: null },
  { name: 'reason', kind: 'string', versions: [5, 5], nullableVersions: [5, 5], default: null },
];

export const leaveGroupRequestSchema: MessageSchema<LeaveGroupRequest> = {
  name: 'LeaveGroupRequest',
  apiKey: 13,
  type: 'request',
  versions: [0, 5],
  firstFlexibleVersion: 4,
  fields: [
    { name: 'groupId', kind: 'string', versions: [0, 5] },
    { name: 'memberId', kind: 'string', versions: [0, 2] },
    { name: 'members', kind: 'array', elementKind: 'struct', versions: [3, 5], fields: leaveGroupRequestMemberIdentityFields },
  ],
};
