// Generated from Kafka's ListTransactionsResponse.json by scripts/generate-protocol.ts (versions 0-1).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface ListTransactionsResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  errorCode: number;
  /** Set of state filters provided in the request which were unknown to the transaction coordinator */
  unknownStateFilters: string[];
  transactionStates: ListTransactionsResponseTransactionState[];
}

export interface ListTransactionsResponseTransactionState {
  transactionalId: string;
  producerId: number;
  /** The current transaction state of the producer */
  transactionState: string;
}

const listTransactionsResponseTransactionStateFields: readonly FieldSchema[] = [
  { name: 'transactionalId', kind: 'string', versions: [0, 1] },
  { name: 'producerId', kind: 'int64', versions: [0, 1] },
  { name: 'transactionState', kind: 'string', versions: [0, 1] },
];

export const listTransactionsResponseSchema: MessageSchema<ListTransactionsResponse> = {
  name: 'ListTransactionsResponse',
  apiKey: 66,
  type: 'response',
  versions: [0, 1],
  firstFlexibleVersion: 0,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 1] },
    { name: 'errorCode', kind: 'int16', versions: [0, 1] },
    { name: 'unknownStateFilters', kind: 'array', elementKind: 'string', versions: [0, 1] },
    { name: 'transactionStates', kind: 'array', elementKind: 'struct', versions: [0, 1], fields: listTransactionsResponseTransactionStateFields },
  ],
};
