// Generated from Kafka's AddOffsetsToTxnRequest.json by scripts/generate-protocol.ts (versions 0-4).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface AddOffsetsToTxnRequest {
  /** The transactional id corresponding to the transaction. */
  transactionalId: string;
  /** Current producer id in use by the transactional id. */
  producerId: number;
  /** Current epoch associated with the producer id. */
  producerEpoch: number;
  /** The unique group identifier. */
  groupId: string;
}

export const addOffsetsToTxnRequestSchema: MessageSchema<AddOffsetsToTxnRequest> = {
  name: 'AddOffsetsToTxnRequest',
  apiKey: 25,
  type: 'request',
  versions: [0, 4],
  firstFlexibleVersion: 3,
  fields: [
    { name: 'transactionalId', kind: 'string', versions: [0, 4] },
    { name: 'producerId', kind: 'int64', versions: [0, 4] },
    { name: 'producerEpoch', kind: 'int16', versions: [0, 4] },
    { name: 'groupId', kind: 'string', versions: [0, 4] },
  ],
};
