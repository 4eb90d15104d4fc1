// Generated from Kafka's FindCoordinatorRequest.json by scripts/generate-protocol.ts (versions 0-6).
// Do not edit: change the generator and run it again.
import type { MessageSchema } from '../codec/schema';

export interface FindCoordinatorRequest {
  /** The coordinator key. (v0-3) */
  key?: string;
  /** The coordinator key type. (Group, transaction, etc.) (v1-6) */
  keyType?: number;
  /** The coordinator keys. (v4-6) */
  coordinatorKeys?: string[];
}

export const findCoordinatorRequestSchema: MessageSchema<FindCoordinatorRequest> = {
  name: 'FindCoordinatorRequest',
  apiKey: 10,
  type: 'request',
  versions: [0, 6],
  firstFlexibleVersion: 3,
  fields: [
    { name: 'key', kind: 'string', versions: [0, 3] },
    { name: 'keyType', kind: 'int8', versions: [1, 6], default: 0 },
    { name: 'coordinatorKeys', kind: 'array', elementKind: 'string', versions: [4, 6] },
  ],
};
