// Generated from Kafka's DescribeClusterResponse.json by scripts/generate-protocol.ts (versions 0-1).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface DescribeClusterResponse {
  /** The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota. */
  throttleTimeMs: number;
  /** The top-level error code, or 0 if there was no error */
  errorCode: number;
  /** The top-level error message, or null if there was no error. */
  errorMessage?: string | null;
  /** The endpoint type that was described. 1=brokers, 2=controllers. (v1 only) */
  endpointType?: number;
  /** The cluster ID that responding broker belongs to. */
  clusterId: string;
  /** The ID of the controller broker. */
  controllerId?: number;
  /** Each broker in the response. */
  brokers: DescribeClusterResponseDescribeClusterBroker[];
  /** 32-bit bitfield to represent authorized operations for this cluster. */
  clusterAuthorizedOperations?: number;
}

export interface DescribeClusterResponseDescribeClusterBroker {
  /** The broker ID. */
  brokerId: number;
  /** The broker hostname. */
  host: string;
  /** The broker port. */
  port: number;
  /** The rack of the broker, or null if it has not been assigned to a rack. */
  rack?: string | null;
}

const describeClusterResponseDescribeClusterBrokerFields: readonly FieldSchema[] = [
  { name: 'brokerId', kind: 'int32', versions: [0, 1] },
  { name: 'host', kind: 'string', versions: [0, 1] },
  { name: 'port', kind: 'int32', versions: [0, 1] },
  { name: 'rack', kind: 'string', versions: [0, 1], nullableVersions: [0, 1], default: null },
];

export const describeClusterResponseSchema: MessageSchema<DescribeClusterResponse> = {
  name: 'DescribeClusterResponse',
  apiKey: 60,
  type: 'response',
  versions: [0, 1],
  firstFlexibleVersion: 0,
  fields: [
    { name: 'throttleTimeMs', kind: 'int32', versions: [0, 1] },
    { name: 'errorCode', kind: 'int16', versions: [0, 1] },
    { name: 'errorMessage', kind: 'string', versions: [0, 1], nullableVersions: [0, 1], default: null },
    { name: 'endpointType', kind: 'int8', versions: [1, 1], default: 1 },
    { name: 'clusterId', kind: 'string', versions: [0, 1] },
    { name: 'controllerId', kind: 'int32', versions: [0, 1], default: -1 },
    { name: 'brokers', kind: 'array', elementKind: 'struct', versions: [0, 1], fields: describeClusterResponseDescribeClusterBrokerFields },
    { name: 'clusterAuthorizedOperations', kind: 'int32', versions: [0, 1], default: -2147483648 },
  ],
};
