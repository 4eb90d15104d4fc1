// Generated from Kafka's InitProducerIdResponse.json by scripts/generate-protocol.ts (versions 0-5).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface InitProducerIdResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The current producer id. */
  producerId?: number;
  /** The current epoch associated with the producer id. */
  producerEpoch: number;
}

export const initProducerIdResponseSchema: MessageSchema<InitProducerIdResponse> = {
  name: 'InitProducerIdResponse',
  apiKey: 22,
  type: 'response',
  versions: [0, 5],
  firstFlexibleVersion: 2,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 5] },
    { name: 'errorCode', kind: 'int16', versions: [0, 5] },
    { name: 'producerId', kind: 'int64', versions: [0, 5], default: -1 },
    { name: 'producerEpoch', kind: 'int16', versions: [0, 5] },
  ],
};
