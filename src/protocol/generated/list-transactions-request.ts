// Generated from Kafka's ListTransactionsRequest.json by scripts/generate-protocol.ts (versions 0-1).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface ListTransactionsRequest {
  /** The transaction states to filter by: if empty, all transactions are returned; if non-empty, then only transactions matching one of the filtered states will be returned */
  stateFilters: string[];
  /** The producerIds to filter by: if empty, all transactions will be returned; if non-empty, only transactions which match one of the filtered producerIds will be returned */
  producerIdFilters: number[];
  /** Duration (in millis) to filter by: if < 0, all transactions will be returned; otherwise, only transactions running longer than this duration will be returned (v1 only) */
  durationFilter?: number;
}

export const listTransactionsRequestSchema: MessageSchema<ListTransactionsRequest> = {
  name: 'ListTransactionsRequest',
  apiKey: 66,
  type: 'request',
  versions: [0, 1],
  firstFlexibleVersion: 0,
  fields: [
    { name: 'stateFilters', kind: 'array', elementKind: 'string', versions: [0, 1] },
    { name: 'producerIdFilters', kind: 'array', elementKind: 'int64', versions: [0, 1] },
    { name: 'durationFilter', kind: 'int64', versions: [1, 1], default: -1 },
  ],
};
