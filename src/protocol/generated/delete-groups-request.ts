// Generated from Kafka's DeleteGroupsRequest.json by scripts/generate-protocol.ts (versions 0-2).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface DeleteGroupsRequest {
  /** The group names to delete. */
  groupsNames: string[];
}

export const deleteGroupsRequestSchema: MessageSchema<DeleteGroupsRequest> = {
  name: 'DeleteGroupsRequest',
  apiKey: 42,
  type: 'request',
  versions: [0, 2],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'groupsNames', kind: 'array', elementKind: 'string', versions: [0, 2] },
  ],
};
