import {
  findCoordinatorRequestSchema, findCoordinatorResponseSchema, heartbeatRequestSchema, heartbeatResponseSchema,
  joinGroupRequestSchema, joinGroupResponseSchema, JoinGroupResponse, leaveGroupRequestSchema, leaveGroupResponseSchema,
  syncGroupRequestSchema, syncGroupResponseSchema, SyncGroupResponse,
} from '../../src/protocol/generated';
import type { BrokerState } from '../../src/broker/broker-state';
import { findCoordinatorHandler } from '../../src/broker/handlers/10-find-coordinator';
import { joinGroupHandler } from '../../src/broker/handlers/11-join-group';
import { heartbeatHandler } from '../../src/broker/handlers/12-heartbeat';
import { leaveGroupHandler } from '../../src/broker/handlers/13-leave-group';
import { syncGroupHandler } from '../../src/broker/handlers/14-sync-group';
import { answer } from './handler-harness';

export const apis = {
  findCoordinator: { request: findCoordinatorRequestSchema, response: findCoordinatorResponseSchema },
  join: { request: joinGroupRequestSchema, response: joinGroupResponseSchema },
  sync: { request: syncGroupRequestSchema, response: syncGroupResponseSchema },
  heartbeat: { request: heartbeatRequestSchema, response: heartbeatResponseSchema },
  leave: { request: leaveGroupRequestSchema, response: leaveGroupResponseSchema },
};

/** A ConsumerProtocolSubscription v0: the topics, no user data. */
export function subscription(...topics: string[]): Buffer {
  const parts = [Buffer.from([0, 0]), Buffer.alloc(4)];
  parts[1].writeInt32BE(topics.length);
  for (const topic of topics) {
    const length = Buffer.alloc(2);
    length.writeInt16BE(Buffer.byteLength(topic));
    parts.push(length, Buffer.from(topic));
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  return Buffer.concat(parts);
}

export interface JoinOptions {
  memberId?: string;
  groupInstanceId?: string | null;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  protocolType?: string;
  protocols?: { name: string; metadata: Buffer }[];
  version?: number;
}

export function joinGroup(broker: BrokerState, groupId: string, options: JoinOptions = {}): Promise<JoinGroupResponse> {
  return answer(joinGroupHandler, apis.join, options.version ?? 5, {
    groupId,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 10_000,
    memberId: options.memberId ?? '',
    groupInstanceId: options.groupInstanceId ?? null,
    protocolType: options.protocolType ?? 'consumer',
    protocols: options.protocols ?? [{ name: 'range', metadata: subscription('t') }],
    reason: null,
  }, broker);
}

export function syncGroup(
  broker: BrokerState, groupId: string, memberId: string, generationId: number,
  assignments: { memberId: string; assignment: Buffer }[] = [], extra: { version?: number; groupInstanceId?: string | null; protocolName?: string | null } = {},
): Promise<SyncGroupResponse> {
  return answer(syncGroupHandler, apis.sync, extra.version ?? 5, {
    groupId, generationId, memberId, groupInstanceId: extra.groupInstanceId ?? null, protocolType: 'consumer',
    protocolName: extra.protocolName === undefined ? 'range' : extra.protocolName, assignments,
  }, broker);
}

export async function heartbeat(broker: BrokerState, groupId: string, memberId: string, generationId: number, groupInstanceId: string | null = null): Promise<number> {
  return (await answer(heartbeatHandler, apis.heartbeat, 4, { groupId, generationId, memberId, groupInstanceId }, broker)).errorCode;
}

export async function leaveGroup(broker: BrokerState, groupId: string, members: { memberId: string; groupInstanceId?: string | null }[], version = 5) {
  return answer(leaveGroupHandler, apis.leave, version, {
    groupId, memberId: members[0]?.memberId ?? '', members: members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, reason: null })),
  }, broker);
}

export function findCoordinator(broker: BrokerState, version: number, request: { key?: string; keyType?: number; coordinatorKeys?: string[] }) {
  return answer(findCoordinatorHandler, apis.findCoordinator, version, { key: '', keyType: 0, coordinatorKeys: [], ...request }, broker);
}

/** One member joins (v4+: twice, the first time to get its id) and syncs with `assignment`: a Stable group at generation 1. */
export async function stableSingleMember(broker: BrokerState, groupId: string, options: JoinOptions = {}, assignment = Buffer.from('all')) {
  let joined = await joinGroup(broker, groupId, options);
  if (joined.errorCode === 79) joined = await joinGroup(broker, groupId, { ...options, memberId: joined.memberId });
  const synced = await syncGroup(broker, groupId, joined.memberId, joined.generationId!, [{ memberId: joined.memberId, assignment }], { groupInstanceId: options.groupInstanceId ?? null });
  return { memberId: joined.memberId, generationId: joined.generationId!, joined, synced };
}
