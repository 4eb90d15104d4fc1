// Generated from Kafka's DeleteGroupsResponse.json by scripts/generate-protocol.ts (versions 0-2).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DeleteGroupsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The deletion results */
  results: DeleteGroupsResponseDeletableGroupResult[];
}

export interface DeleteGroupsResponseDeletableGroupResult {
  /** The group id */
  groupId: string;
  /** The deletion error, or 0 if the deletion succeeded. */
  errorCode: number;
}

const deleteGroupsResponseDeletableGroupResultFields: readonly FieldSchema[] = [
  { name: 'groupId', kind: 'string', versions: [0, 2] },
  { name: 'errorCode', kind: 'int16', versions: [0, 2] },
];

export const deleteGroupsResponseSchema: MessageSchema<DeleteGroupsResponse> = {
  name: 'DeleteGroupsResponse',
  apiKey: 42,
  type: 'response',
  versions: [0, 2],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 2] },
    { name: 'results', kind: 'array', elementKind: 'struct', versions: [0, 2], fields: deleteGroupsResponseDeletableGroupResultFields },
  ],
};
