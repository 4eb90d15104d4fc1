// Generated from Kafka's SyncGroupRequest.json by scripts/generate-protocol.ts (versions 0-5).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface SyncGroupRequest {
  /** The unique group identifier. */
  groupId: string;
  /** The generation of the group. */
  generationId: number;
  /** The member ID assigned by the group. */
  memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v3-5) */
  groupInstanceId?: string | null;
  /** The group protocol type. (v5 only) */
  protocolType?: string | null;
  /** The group protocol name. (v5 only) */
  protocolName?: string | null;
  /** Each assignment. */
  assignments: SyncGroupRequestSyncGroupRequestAssignment[];
}

export interface SyncGroupRequestSyncGroupRequestAssignment {
  /** The ID of the member to assign. */
  memberId: string;
  /** The member assignment. */
  assignment: Buffer;
}

const syncGroupRequestSyncGroupRequestAssignmentFields: readonly FieldSchema[] = [
  { name: 'memberId', kind: 'string', versions: [0, 5] },
  { name: 'assignment', kind: 'bytes', versions: [0, 5] },
];

export const syncGroupRequestSchema: MessageSchema<SyncGroupRequest> = {
  name: 'SyncGroupRequest',
  apiKey: 14,
  type: 'request',
  versions: [0, 5],
  firstFlexibleVersion: 4,
  fields: [
    { name: 'groupId', kind: 'string', versions: [0, 5] },
    { name: 'generationId', kind: 'int32', versions: [0, 5] },
    { name: 'memberId', kind: 'string', versions: [0, 5] },
    { name: 'groupInstanceId', kind: 'string', versions: [3, 5], nullableVersions: [3, 5], default: null },
    { name: 'protocolType', kind: 'string', versions: [5, 5], nullableVersions: [5, 5], default: null },
    { name: 'protocolName', kind: 'string', versions: [5, 5], nullableVersions: [5, 5], default: null },
    { name: 'assignments', kind: 'array', elementKind: 'struct', versions: [0, 5], fields: syncGroupRequestSyncGroupRequestAssignmentFields },
  ],
};
