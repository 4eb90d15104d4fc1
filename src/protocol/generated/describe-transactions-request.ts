// Generated from Kafka's DescribeTransactionsRequest.json by scripts/generate-protocol.ts (versions 0-0).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface DescribeTransactionsRequest {
  /** Array of transactionalIds to include in describe results. If empty, then no results will be returned. */
  transactionalIds: string[];
}

export const describeTransactionsRequestSchema: MessageSchema<DescribeTransactionsRequest> = {
  name: 'DescribeTransactionsRequest',
  apiKey: 65,
  type: 'request',
  versions: [0, 0],
  firstFlexibleVersion: 0,
  fields: [
    { name: 'transactionalIds', kind: 'array', elementKind: 'string', versions: [0, 0] },
  ],
};
