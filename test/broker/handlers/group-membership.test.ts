import { strict as assert } from 'node:assert';
import { describeGroupsRequestSchema, describeGroupsResponseSchema, listGroupsRequestSchema, listGroupsResponseSchema } from '../../../src/protocol/generated';
import { KafkaErrors as E } from '../../../src/protocol/error-codes';
import { describeGroupsHandler } from '../../../src/broker/handlers/15-describe-groups';
import { listGroupsHandler } from '../../../src/broker/handlers/16-list-groups';
import { findCoordinatorHandler } from '../../../src/broker/handlers/10-find-coordinator';
import type { GroupCoordinatorOptions } from '../../../src/groups/group-coordinator';
import { answer, brokerStateOver, TEST_IDENTITY, versionsOf } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';
import { findCoordinator, heartbeat, joinGroup, leaveGroup, stableSingleMember, subscription, syncGroup } from '../../helpers/group-requests';

const describeApi = { request: describeGroupsRequestSchema, response: describeGroupsResponseSchema };
const listApi = { request: listGroupsRequestSchema, response: listGroupsResponseSchema };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('group membership handlers (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, DescribeGroups, ListGroups)', () => {
  let broker: ReturnType<typeof brokerStateOver>;
  const open = (options: GroupCoordinatorOptions = {}) => {
    broker?.groupCoordinator.stop();
    broker = brokerStateOver(new MemoryPartitionStore(), {}, { groups: { options: { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 50, ...options } } });
  };
  beforeEach(() => open());
  afterEach(() => broker.groupCoordinator.stop());

  it('FindCoordinator names this broker for groups and transactions at every version, batched from v4; other key types are INVALID_REQUEST', async () => {
    for (const version of versionsOf(findCoordinatorHandler)) {
      if (version < 4) {
        const r = await findCoordinator(broker, version, { key: 'g', keyType: version >= 1 ? 1 : 0 });
        assert.deepEqual([r.errorCode, r.nodeId, r.host, r.port], [0, TEST_IDENTITY.nodeId, TEST_IDENTITY.advertisedHost, TEST_IDENTITY.advertisedPort], `v${version}`);
      } else {
        const r = await findCoordinator(broker, version, { keyType: 0, coordinatorKeys: ['a', 'b'] });
        assert.deepEqual(r.coordinators!.map((c) => [c.key, c.errorCode, c.nodeId]), [['a', 0, 7], ['b', 0, 7]]);
        const share = await findCoordinator(broker, version, { keyType: 2, coordinatorKeys: ['s'] });
        assert.equal(share.coordinators![0].errorCode, E.INVALID_REQUEST.code);
      }
    }
  });

  it('JoinGroup refuses an empty group id and session timeouts outside group.min/max.session.timeout.ms', async () => {
    open({ minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 1_800_000 });
    assert.equal((await joinGroup(broker, '')).errorCode, E.INVALID_GROUP_ID.code);
    assert.equal((await joinGroup(broker, 'g', { sessionTimeoutMs: 5999 })).errorCode, E.INVALID_SESSION_TIMEOUT.code);
    assert.equal((await joinGroup(broker, 'g', { sessionTimeoutMs: 1_800_001 })).errorCode, E.INVALID_SESSION_TIMEOUT.code);
    assert.equal((await joinGroup(broker, 'nope', { memberId: 'someone', sessionTimeoutMs: 6000 })).errorCode, E.UNKNOWN_MEMBER_ID.code);
  });

  it('JoinGroup v4+ first hands a new member its id (MEMBER_ID_REQUIRED); v3 admits it at once', async () => {
    const first = await joinGroup(broker, 'g', { version: 4 });
    assert.equal(first.errorCode, E.MEMBER_ID_REQUIRED.code);
    assert.match(first.memberId, /^handler-test-[0-9a-f-]{36}$/);
    const second = await joinGroup(broker, 'g', { version: 4, memberId: first.memberId });
    assert.deepEqual([second.errorCode, second.generationId, second.leader, second.memberId], [0, 1, first.memberId, first.memberId]);
    assert.equal(second.members.length, 1, 'the leader gets the members');
    const old = await joinGroup(broker, 'h', { version: 3 });
    assert.deepEqual([old.errorCode, old.generationId], [0, 1]);
  });

  it('selects the protocol all members support that most prefer, and refuses a member sharing none (INCONSISTENT_GROUP_PROTOCOL)', async () => {
    const a = await stableSingleMember(broker, 'g', { protocols: [{ name: 'roundrobin', metadata: subscription('t') }, { name: 'range', metadata: subscription('t') }] });
    assert.equal(a.joined.protocolName, 'roundrobin');
    const stranger = await joinGroup(broker, 'g', { version: 3, protocols: [{ name: 'sticky', metadata: subscription('t') }] });
    assert.equal(stranger.errorCode, E.INCONSISTENT_GROUP_PROTOCOL.code);
    const otherType = await joinGroup(broker, 'g', { version: 3, protocolType: 'connect', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] });
    assert.equal(otherType.errorCode, E.INCONSISTENT_GROUP_PROTOCOL.code);
    // A second member preferring range: both support both, votes tie 1-1 → either is fine, but it must be one both support.
    const b = joinGroup(broker, 'g', { version: 3, protocols: [{ name: 'range', metadata: subscription('t') }, { name: 'roundrobin', metadata: subscription('t') }] });
    const rejoin = joinGroup(broker, 'g', { version: 3, memberId: a.memberId, protocols: [{ name: 'range', metadata: subscription('t') }] });
    const [joinedB, joinedA] = await Promise.all([b, rejoin]);
    assert.deepEqual([joinedA.errorCode, joinedB.errorCode, joinedA.generationId, joinedA.protocolName, joinedB.protocolName], [0, 0, 2, 'range', 'range']);
  });

  it('fences stale generations and unknown members in SyncGroup and Heartbeat, and signals a rebalance in Heartbeat', async () => {
    const a = await stableSingleMember(broker, 'g');
    assert.deepEqual(a.synced.assignment, Buffer.from('all'));
    assert.equal(await heartbeat(broker, 'g', a.memberId, a.generationId), 0);
    const timers = broker.groupCoordinator.pendingTimers;
    for (let i = 0; i < 100; i++) await heartbeat(broker, 'g', a.memberId, a.generationId);
    assert.equal(broker.groupCoordinator.pendingTimers, timers, 'a heartbeat replaces the session timer, it does not add one');
    assert.equal(await heartbeat(broker, 'g', a.memberId, a.generationId + 1), E.ILLEGAL_GENERATION.code);
    assert.equal(await heartbeat(broker, 'g', 'ghost', a.generationId), E.UNKNOWN_MEMBER_ID.code);
    assert.equal(await heartbeat(broker, 'nope', a.memberId, 1), E.UNKNOWN_MEMBER_ID.code);
    assert.equal((await syncGroup(broker, 'g', a.memberId, 9)).errorCode, E.ILLEGAL_GENERATION.code);
    assert.equal((await syncGroup(broker, 'g', 'ghost', 1)).errorCode, E.UNKNOWN_MEMBER_ID.code);
    assert.equal((await syncGroup(broker, 'g', a.memberId, 1, [], { protocolName: 'roundrobin' })).errorCode, E.INCONSISTENT_GROUP_PROTOCOL.code);
    assert.equal((await syncGroup(broker, 'g', a.memberId, 1, [], { protocolName: null })).errorCode, E.INCONSISTENT_GROUP_PROTOCOL.code, 'v5 requires the name');
    assert.equal((await syncGroup(broker, 'g', a.memberId, 1, [], { protocolName: null, version: 4 })).errorCode, 0);
    const b = joinGroup(broker, 'g', { version: 3 }); // a new member: the group prepares to rebalance
    assert.equal(await heartbeat(broker, 'g', a.memberId, a.generationId), E.REBALANCE_IN_PROGRESS.code);
    assert.equal((await syncGroup(broker, 'g', a.memberId, a.generationId)).errorCode, E.REBALANCE_IN_PROGRESS.code);
    const rejoined = await joinGroup(broker, 'g', { version: 3, memberId: a.memberId });
    assert.deepEqual([rejoined.generationId, (await b).generationId], [2, 2]);
  });

  it('removes a member whose session expires, and one that does not rejoin within the rebalance timeout', async () => {
    const a = await stableSingleMember(broker, 'g', { sessionTimeoutMs: 150, rebalanceTimeoutMs: 300 });
    const b = joinGroup(broker, 'g', { version: 3, sessionTimeoutMs: 150, rebalanceTimeoutMs: 300 });
    // a never rejoins: after the rebalance timeout the group moves on without it.
    const joinedB = await b;
    assert.equal(joinedB.generationId, 2);
    assert.equal(joinedB.leader, joinedB.memberId);
    assert.deepEqual(joinedB.members.map((m) => m.memberId), [joinedB.memberId]);
    assert.equal(await heartbeat(broker, 'g', a.memberId, 2), E.UNKNOWN_MEMBER_ID.code);
    await syncGroup(broker, 'g', joinedB.memberId, 2, [{ memberId: joinedB.memberId, assignment: Buffer.from('b') }]);
    await sleep(250); // no heartbeat from b
    const described = await answer(describeGroupsHandler, describeApi, 5, { groups: ['g'], includeAuthorizedOperations: false }, broker);
    assert.deepEqual([described.groups[0].groupState, described.groups[0].members.length], ['Empty', 0]);
  });

  it('static membership: a rejoin under the same instance id replaces the member id and fences the old one (FENCED_INSTANCE_ID)', async () => {
    const a = await stableSingleMember(broker, 'g', { groupInstanceId: 'box-1' }, Buffer.from('mine'));
    assert.match(a.memberId, /^box-1-/);
    const again = await joinGroup(broker, 'g', { groupInstanceId: 'box-1' });
    assert.equal(again.errorCode, 0);
    assert.notEqual(again.memberId, a.memberId);
    assert.equal(again.generationId, a.generationId, 'no rebalance');
    assert.equal(await heartbeat(broker, 'g', a.memberId, a.generationId, 'box-1'), E.FENCED_INSTANCE_ID.code);
    const synced = await syncGroup(broker, 'g', again.memberId, again.generationId!, [], { groupInstanceId: 'box-1' });
    assert.deepEqual(synced.assignment, Buffer.from('mine'), 'the stored assignment is kept');
    // An administrator removes it by instance id alone (LeaveGroup v3+).
    const left = await leaveGroup(broker, 'g', [{ memberId: '', groupInstanceId: 'box-1' }, { memberId: '', groupInstanceId: 'box-9' }]);
    assert.deepEqual(left.members!.map((m) => m.errorCode), [0, E.UNKNOWN_MEMBER_ID.code]);
  });

  it('LeaveGroup: v0–v2 answer the one member\'s error at the top, v3+ per member', async () => {
    const a = await stableSingleMember(broker, 'g');
    assert.equal((await leaveGroup(broker, 'g', [{ memberId: 'ghost' }], 1)).errorCode, E.UNKNOWN_MEMBER_ID.code);
    assert.equal((await leaveGroup(broker, '', [{ memberId: 'ghost' }], 1)).errorCode, E.INVALID_GROUP_ID.code);
    const batch = await leaveGroup(broker, 'g', [{ memberId: a.memberId }, { memberId: 'ghost' }], 3);
    assert.deepEqual([batch.errorCode, ...batch.members!.map((m) => m.errorCode)], [0, 0, E.UNKNOWN_MEMBER_ID.code]);
    assert.equal(await heartbeat(broker, 'g', a.memberId, 1), E.UNKNOWN_MEMBER_ID.code);
  });

  it('DescribeGroups shows members, protocol and assignment while Stable; Dead for an unknown group. ListGroups filters by state (v4+) and type (v5)', async () => {
    const a = await stableSingleMember(broker, 'g');
    await stableSingleMember(broker, 'other');
    const newcomer = joinGroup(broker, 'other', { version: 3 }); // waits in PreparingRebalance until the coordinator stops
    const described = await answer(describeGroupsHandler, describeApi, 5, { groups: ['g', 'unknown'], includeAuthorizedOperations: true }, broker);
    const [g, unknown] = described.groups;
    assert.deepEqual([g.errorCode, g.groupState, g.protocolType, g.protocolData], [0, 'Stable', 'consumer', 'range']);
    assert.deepEqual(g.members.map((m) => [m.memberId, m.clientId, m.clientHost, m.memberAssignment.toString()]), [[a.memberId, 'handler-test', '/127.0.0.1', 'all']]);
    assert.deepEqual(g.members[0].memberMetadata, subscription('t'));
    assert.ok(g.authorizedOperations! > 0);
    assert.deepEqual([unknown.errorCode, unknown.groupState, unknown.members.length], [0, 'Dead', 0]);
    const list = async (version: number, statesFilter: string[] = [], typesFilter: string[] = []) =>
      (await answer(listGroupsHandler, listApi, version, { statesFilter, typesFilter }, broker)).groups.map((x) => `${x.groupId}:${x.groupState ?? ''}`).sort();
    assert.deepEqual(await list(0), ['g:', 'other:']);
    assert.deepEqual(await list(4, ['stable']), ['g:Stable']);
    assert.deepEqual(await list(5, [], ['consumer']), []);
    assert.deepEqual(await list(5, ['Stable', 'PreparingRebalance'], ['Classic']), ['g:Stable', 'other:PreparingRebalance']);
    broker.groupCoordinator.stop();
    assert.equal((await newcomer).errorCode, E.NOT_COORDINATOR.code);
  });

  it('GROUP_MAX_SIZE_REACHED past group.max.size', async () => {
    open({ maxSize: 1 });
    await stableSingleMember(broker, 'g');
    assert.equal((await joinGroup(broker, 'g', { version: 3 })).errorCode, E.GROUP_MAX_SIZE_REACHED.code);
  });

  it('answers JoinGroups still waiting with NOT_COORDINATOR when the coordinator stops', async () => {
    open({ initialRebalanceDelayMs: 60_000 });
    const waiting = joinGroup(broker, 'g', { version: 3 });
    broker.groupCoordinator.stop();
    assert.equal((await waiting).errorCode, E.NOT_COORDINATOR.code);
  });
});
