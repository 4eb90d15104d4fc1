// Generated from Kafka's ListGroupsResponse.json by scripts/generate-protocol.ts (versions 0-5).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface ListGroupsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1-5) */
  throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** Each group in the response. */
  groups: ListGroupsResponseListedGroup[];
}

export interface ListGroupsResponseListedGroup {
  /** The group ID. */
  groupId: string;
  /** The group protocol type. */
  protocolType: string;
  /** The group state name. (v4-5) */
  groupState?: string;
  /** The group type name. (v5 only) */
  groupType?: string;
}

const listGroupsResponseListedGroupFields: readonly FieldSchema[] = [
  { name: 'groupId', kind: 'string', versions: [0, 5] },
  { name: 'protocolType', kind: 'string', versions: [0, 5] },
  { name: 'groupState', kind: 'string', versions: [4, 5] },
  { name: 'groupType', kind: 'string', versions: [5, 5] },
];

export const listGroupsResponseSchema: MessageSchema<ListGroupsResponse> = {
  name: 'ListGroupsResponse',
  apiKey: 16,
  type: 'response',
  versions: [0, 5],
  firstFlexibleVersion: 3,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [1, 5] },
    { name: 'errorCode', kind: 'int16', versions: [0, 5] },
    { name: 'groups', kind: 'array', elementKind: 'struct', versions: [0, 5], fields: listGroupsResponseListedGroupFields },
  ],
};
