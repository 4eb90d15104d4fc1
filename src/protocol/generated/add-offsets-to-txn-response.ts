// Generated from Kafka's AddOffsetsToTxnResponse.json by scripts/generate-protocol.ts (versions 0-4).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface AddOffsetsToTxnResponse {
  /** Duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The response error code, or 0 if there was no error. */
  errorCode: number;
}

export const addOffsetsToTxnResponseSchema: MessageSchema<AddOffsetsToTxnResponse> = {
  name: 'AddOffsetsToTxnResponse',
  apiKey: 25,
  type: 'response',
  versions: [0, 4],
  firstFlexibleVersion: 3,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 4] },
    { name: 'errorCode', kind: 'int16', versions: [0, 4] },
  ],
};
