// Generated from Kafka's JoinGroupRequest.json by scripts/generate-protocol.ts (versions 0-9).
// Do not edit: change the generator and run it again.
import type { FieldSchema, MessageSchema } from '../codec/schema';

export interface JoinGroupRequest {
  /** The group identifier. */
  groupId: string;
  /** The coordinator considers the consumer dead if it receives no heartbeat after this timeout in milliseconds. */
  sessionTimeoutMs: number;
  /** The maximum time in milliseconds that the coordinator will wait for each member to rejoin when rebalancing the group. (v1-9) */
  rebalanceTimeoutMs?: number;
  /** The member id assigned by the group coordinator. */
  memberId: string;
  /** The unique identifier of the consumer instance provided by end user. (v5-9) */
  groupInstanceId?: string | null;
  /** The unique name the for class of protocols implemented by the group we want to join. */
  protocolType: string;
  /** The list of protocols that the member supports. */
  protocols: JoinGroupRequestJoinGroupRequestProtocol[];
  /** The reason why the member (re-)joins the group. (v8-9) */
  reason?: string | null;
}

export interface JoinGroupRequestJoinGroupRequestProtocol {
  /** The protocol name. */
  name: string;
  /** The protocol metadata. */
  metadata: Buffer;
}

const joinGroupRequestJoinGroupRequestProtocolFields: readonly FieldSchema[] = [
  { name: 'name', kind: 'string', versions: [0, 9] },
  { name: 'metadata', kind: 'bytes', versions: [0, 9] },
];

export const joinGroupRequestSchema: MessageSchema<JoinGroupRequest> = {
  name: 'JoinGroupRequest',
  apiKey: 11,
  type: 'request',
  versions: [0, 9],
  firstFlexibleVersion: 6,
  fields: [
    { name: 'groupId', kind: 'string', versions: [0, 9] },
    { name: 'sessionTimeoutMs', kind: 'int32', versions: [0, 9] },
    { name: 'rebalanceTimeoutMs', kind: 'int32', versions: [1, 9], default: -1 },
    { name: 'memberId', kind: 'string', versions: [0, 9] },
    { name: 'groupInstanceId', kind: 'string', versions: [5, 9], nullableVersions: [5, 9], default: null },
    { name: 'protocolType', kind: 'string', versions: [0, 9] },
    { name: 'protocols', kind: 'array', elementKind: 'struct', versions: [0, 9], fields: joinGroupRequestJoinGroupRequestProtocolFields },
    { name: 'reason', kind: 'string', versions: [8, 9], nullableVersions: [8, 9], default: null },
  ],
};
