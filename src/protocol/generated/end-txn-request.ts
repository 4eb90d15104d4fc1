// Generated from Kafka's EndTxnRequest.json by scripts/generate-protocol.ts (versions 0-5).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface EndTxnRequest {
  /** The ID of the transaction to end. */
  transactionalId: string;
  /** The producer ID. */
  producerId: number;
  /** The current epoch associated with the producer. */
  producerEpoch: number;
  /** True if the transaction was committed, false if it was aborted. */
  committed: boolean;
}

export const endTxnRequestSchema: MessageSchema<EndTxnRequest> = {
  name: 'EndTxnRequest',
  apiKey: 26,
  type: 'request',
  versions: [0, 5],
  firstFlexibleVersion: 3,
  fields: [
    { name: 'transactionalId', kind: 'string', versions: [0, 5] },
    { name: 'producerId', kind: 'int64', versions: [0, 5] },
    { name: 'producerEpoch', kind: 'int16', versions: [0, 5] },
    { name: 'committed', kind: 'bool', versions: [0, 5] },
  ],
};
