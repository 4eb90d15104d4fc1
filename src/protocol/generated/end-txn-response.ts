// Generated from Kafka's EndTxnResponse.json by scripts/generate-protocol.ts (versions 0-5).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface EndTxnResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The producer ID. (v5 only) */
  producerId?: number;
  /** The current epoch associated with the producer. (v5 only) */
  producerEpoch?: number;
}

export const endTxnResponseSchema: MessageSchema<EndTxnResponse> = {
  name: 'EndTxnResponse',
  apiKey: 26,
  type: 'response',
  versions: [0, 5],
  firstFlexibleVersion: 3,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 5] },
    { name: 'errorCode', kind: 'int16', versions: [0, 5] },
    { name: 'producerId', kind: 'int64', versions: [5, 5], default: -1 },
    { name: 'producerEpoch', kind: 'int16', versions: [5, 5], default: -1 },
  ],
};
