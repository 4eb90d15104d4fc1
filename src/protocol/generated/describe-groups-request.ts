// Generated from Kafka's DescribeGroupsRequest.json by scripts/generate-protocol.ts (versions 0-5).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface DescribeGroupsRequest {
  /** The names of the groups to describe */
  groups: string[];
  /** Whether to include authorized operations. (v3-5) */
  includeAuthorizedOperations?: boolean;
}

export const describeGroupsRequestSchema: MessageSchema<DescribeGroupsRequest> = {
  name: 'DescribeGroupsRequest',
  apiKey: 15,
  type: 'request',
  versions: [0, 5],
  firstFlexibleVersion: 5,
  fields: [
    { name: 'groups', kind: 'array', elementKind: 'string', versions: [0, 5] },
    { name: 'includeAuthorizedOperations', kind: 'bool', versions: [3, 5] },
  ],
};
