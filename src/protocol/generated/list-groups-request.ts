// Generated from Kafka's ListGroupsRequest.json by scripts/generate-protocol.ts (versions 0-5).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface ListGroupsRequest {
  /** The states of the groups we want to list. If empty, all groups are returned with their state. (v4-5) */
  statesFilter?: string[];
  /** The types of the groups we want to list. If empty, all groups are returned with their type. (v5 only) */
  typesFilter?: string[];
}

export const listGroupsRequestSchema: MessageSchema<ListGroupsRequest> = {
  name: 'ListGroupsRequest',
  apiKey: 16,
  type: 'request',
  versions: [0, 5],
  firstFlexibleVersion: 3,
  fields: [
    { name: 'statesFilter', kind: 'array', elementKind: 'string', versions: [4, 5] },
    { name: 'typesFilter', kind: 'array', elementKind: 'string', versions: [5, 5] },
  ],
};
