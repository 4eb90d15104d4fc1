// Generated from Kafka's InitProducerIdRequest.json by scripts/generate-protocol.ts (versions 0-5).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface InitProducerIdRequest {
  /** The transactional id, or null if the producer is not transactional. */
  transactionalId: string | null;
  /** The time in ms to wait before aborting idle transactions sent by this producer. This is only relevant if a TransactionalId has been defined. */
  transactionTimeoutMs: number;
  /** The producer id. This is used to disambiguate requests if a transactional id is reused following its expiration. (v3-5) */
  producerId?: number;
  /** The producer's current epoch. This will be checked against the producer epoch on the broker, and the request will return an error if they do not match. (v3-5) */
  producerEpoch?: number;
}

export const initProducerIdRequestSchema: MessageSchema<InitProducerIdRequest> = {
  name: 'InitProducerIdRequest',
  apiKey: 22,
  type: 'request',
  versions: [0, 5],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'transactionalId', kind: 'string', versions: [0, 5], nullableVersions: [0, 5] },
    { name: 'transactionTimeoutMs', kind: 'int32', versions: [0, 5] },
    { name: 'producerId', kind: 'int64', versions: [3, 5], default: -1 },
    { name: 'producerEpoch', kind: 'int16', versions: [3, 5], default: -1 },
  ],
};
