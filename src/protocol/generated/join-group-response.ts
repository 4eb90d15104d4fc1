// Generated from Kafka's JoinGroupResponse.json by scripts/generate-protocol.ts (versions 0-9).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface JoinGroupResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v2-9) */
  throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The generation ID of the group. */
  generationId?: number;
  /** The group protocol name. (v7-9) */
  protocolType?: string | null;
  /** The group protocol selected by the coordinator. */
  protocolName: string | null;
  /** The leader of the group. */
  leader: string;
  /** True if the leader must skip running the assignment. (v9 only) */
  skipAssignment?: boolean;
  /** The member ID assigned by the group coordinator. */
  memberId: string;
  members: JoinGroupResponseJoinGroupResponseMember[];
}

export interface JoinGroupResponseJoinGroupResponseMember {
  /** The group member ID. */
  memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v5-9) */
  groupInstanceId?: string | null;
  /** The group member metadata. */
  metadata: Buffer;
}

const joinGroupResponseJoinGroupResponseMemberFields: readonly FieldSchema[] = [
  { name: 'memberId', kind: 'string', versions: [0, 9] },
  { name: 'groupInstanceId', kind: 'string', versions: [5, 9], nullableVersions: [5, 9], default: null },
  { name: 'metadata', kind: 'bytes', versions: [0, 9] },
];

export const joinGroupResponseSchema: MessageSchema<JoinGroupResponse> = {
  name: 'JoinGroupResponse',
  apiKey: 11,
  type: 'response',
  versions: [0, 9],
  firstFlexibleVersion: 6,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [2, 9] },
    { name: 'errorCode', kind: 'int16', versions: [0, 9] },
    { name: 'generationId', kind: 'int32', versions: [0, 9], default: -1 },
    { name: 'protocolType', kind: 'string', versions: [7, 9], nullableVersions: [7, 9], default: null },
    { name: 'protocolName', kind: 'string', versions: [0, 9], nullableVersions: [7, 9] },
    { name: 'leader', kind: 'string', versions: [0, 9] },
    { name: 'skipAssignment', kind: 'bool', versions: [9, 9], default: false },
    { name: 'memberId', kind: 'string', versions: [0, 9] },
    { name: 'members', kind: 'array', elementKind: 'struct', versions: [0, 9], fields: joinGroupResponseJoinGroupResponseMemberFields },
  ],
};
