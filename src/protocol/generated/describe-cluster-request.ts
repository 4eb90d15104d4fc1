// Generated from Kafka's DescribeClusterRequest.json by scripts/generate-protocol.ts (versions 0-1).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface DescribeClusterRequest {
  /** Whether to include cluster authorized operations. */
  includeClusterAuthorizedOperations: boolean;
  /** The endpoint type to describe. 1=brokers, 2=controllers. (v1 only) */
  endpointType?: number;
}

export const describeClusterRequestSchema: MessageSchema<DescribeClusterRequest> = {
  name: 'DescribeClusterRequest',
  apiKey: 60,
  type: 'request',
  versions: [0, 1],
  firstFlexibleVersion: 0,
  fields: [
    { name: 'includeClusterAuthorizedOperations', kind: 'bool', versions: [0, 1] },
    { name: 'endpointType', kind: 'int8', versions: [1, 1], default: 1 },
  ],
};
