// Generated from Kafka's DescribeGroupsResponse.json by scripts/generate-protocol.ts (versions 0-5).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DescribeGroupsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1-5) */
  throttleTimeMs?: number;
  /** Each described group. */
  groups: DescribeGroupsResponseDescribedGroup[];
}

export interface DescribeGroupsResponseDescribedGroup {
  /** The describe error, or 0 if there was no error. */
  errorCode: number;
  /** The group ID string. */
  groupId: string;
  /** The group state string, or the empty string. */
  groupState: string;
  /** The group protocol type, or the empty string. */
  protocolType: string;
  /** The group protocol data, or the empty string. */
  protocolData: string;
  /** The group members. */
  members: DescribeGroupsResponseDescribedGroupMember[];
  /** 32-bit bitfield to represent authorized operations for this group. (v3-5) */
  authorizedOperations?: number;
}

export interface DescribeGroupsResponseDescribedGroupMember {
  /** The member ID assigned by the group coordinator. */
  memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v4-5) */
  groupInstanceId?: string | null;
  /** The client ID used in the member's latest join group request. */
  clientId: string;
  /** The client host. */
  clientHost: string;
  /** The metadata corresponding to the current group protocol in use. */
  memberMetadata: Buffer;
  /** The current assignment provided by the group leader. */
  memberAssignment: Buffer;
}

const describeGroupsResponseDescribedGroupMemberFields: readonly FieldSchema[] = [
  { name: 'memberId', kind: 'string', versions: [0, 5] },
  { name: 'groupInstanceId', kind: 'string', versions: [4, 5], nullableVersions: [4, 5], default: null },
  { name: 'clientId', kind: 'string', versions: [0, 5] },
  { name: 'clientHost', kind: 'string', versions: [0, 5] },
  { name: 'memberMetadata', kind: 'bytes', versions: [0, 5] },
  { name: 'memberAssignment', kind: 'bytes', versions: [0, 5] },
];

const describeGroupsResponseDescribedGroupFields: readonly FieldSchema[] = [
  { name: 'errorCode', kind: 'int16', versions: [0, 5] },
  { name: 'groupId', kind: 'string', versions: [0, 5] },
  { name: 'groupState', kind: 'string', versions: [0, 5] },
  { name: 'protocolType', kind: 'string', versions: [0, 5] },
  { name: 'protocolData', kind: 'string', versions: [0, 5] },
  { name: 'members', kind: 'array', elementKind: 'struct', versions: [0, 5], fields: describeGroupsResponseDescribedGroupMemberFields },
  { name: 'authorizedOperations', kind: 'int32', versions: [3, 5], default: -2147483648 },
];

export const describeGroupsResponseSchema: MessageSchema<DescribeGroupsResponse> = {
  name: 'DescribeGroupsResponse',
  apiKey: 15,
  type: 'response',
  versions: [0, 5],
  firstFlexibleVersion: 5,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [1, 5] },
    { name: 'groups', kind: 'array', elementKind: 'struct', versions: [0, 5], fields: describeGroupsResponseDescribedGroupFields },
  ],
};
