// Generated from Kafka's FindCoordinatorResponse.json by scripts/generate-protocol.ts (versions 0-6).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface FindCoordinatorResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. (v1-6) */
  throttleTimeMs?: number;
  /** The error code, or 0 if there was no error. (v0-3) */
  errorCode?: number;
  /** The error message, or null if there was no error. (v1-3) */
  errorMessage?: string | null;
  /** The node id. (v0-3) */
  nodeId?: number;
  /** The host name. (v0-3) */
  host?: string;
  /** The port. (v0-3) */
  port?: number;
  /** Each coordinator result in the response (v4-6) */
  coordinators?: FindCoordinatorResponseCoordinator[];
}

export interface FindCoordinatorResponseCoordinator {
  /** The coordinator key. */
  key: string;
  /** The node id. */
  nodeId: number;
  /** The host name. */
  host: string;
  /** The port. */
  port: number;
  /** The error code, or 0 if there was no error. */
  errorCode: number;
  /** The error message, or null if there was no error. */
  errorMessage: string | null;
}

const findCoordinatorResponseCoordinatorFields: readonly FieldSchema[] = [
  { name: 'key', kind: 'string', versions: [4, 6] },
  { name: 'nodeId', kind: 'int32', versions: [4, 6] },
  { name: 'host', kind: 'string', versions: [4, 6] },
  { name: 'port', kind: 'int32', versions: [4, 6] },
  { name: 'errorCode', kind: 'int16', versions: [4, 6] },
  { name: 'errorMessage', kind: 'string', versions: [4, 6], nullableVersions: [4, 6] },
];

export const findCoordinatorResponseSchema: MessageSchema<FindCoordinatorResponse> = {
  name: 'FindCoordinatorResponse',
  apiKey: 10,
  type: 'response',
  versions: [0, 6],
  firstFlexibleVersion: 3,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [1, 6] },
    { name: 'errorCode', kind: 'int16', versions: [0, 3] },
    { name: 'errorMessage', kind: 'string', versions: [1, 3], nullableVersions: [1, 3] },
    { name: 'nodeId', kind: 'int32', versions: [0, 3] },
    { name: 'host', kind: 'string', versions: [0, 3] },
    { name: 'port', kind: 'int32', versions: [0, 3] },
    { name: 'coordinators', kind: 'array', elementKind: 'struct', versions: [4, 6], fields: findCoordinatorResponseCoordinatorFields },
  ],
};
