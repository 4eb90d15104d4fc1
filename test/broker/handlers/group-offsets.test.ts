import { strict as assert } from 'node:assert';
import {
  deleteGroupsRequestSchema, deleteGroupsResponseSchema, deleteTopicsRequestSchema, deleteTopicsResponseSchema,
  offsetCommitRequestSchema, offsetCommitResponseSchema, offsetDeleteRequestSchema, offsetDeleteResponseSchema,
  offsetFetchRequestSchema, offsetFetchResponseSchema,
} from '../../../src/protocol/generated';
import { KafkaErrors as E } from '../../../src/protocol/error-codes';
import { offsetCommitHandler } from '../../../src/broker/handlers/08-offset-commit';
import { offsetFetchHandler } from '../../../src/broker/handlers/09-offset-fetch';
import { deleteGroupsHandler } from '../../../src/broker/handlers/42-delete-groups';
import { offsetDeleteHandler } from '../../../src/broker/handlers/47-offset-delete';
import { deleteTopicsHandler } from '../../../src/broker/handlers/20-delete-topics';
import type { GroupCoordinatorOptions } from '../../../src/groups/group-coordinator';
import { answer, brokerStateOver, versionsOf } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';
import { MemoryGroupStore } from '../../helpers/memory-group-store';
import { joinGroup, stableSingleMember, subscription } from '../../helpers/group-requests';

const commitApi = { request: offsetCommitRequestSchema, response: offsetCommitResponseSchema };
const fetchApi = { request: offsetFetchRequestSchema, response: offsetFetchResponseSchema };

describe('group offset handlers (OffsetCommit, OffsetFetch, OffsetDelete, DeleteGroups)', () => {
  let partitions: MemoryPartitionStore;
  let groups: MemoryGroupStore;
  let broker: ReturnType<typeof brokerStateOver>;
  let clock = 1_700_000_000_000;
  const open = (options: GroupCoordinatorOptions = {}) => {
    broker?.groupCoordinator.stop();
    broker = brokerStateOver(partitions, {}, { groups: { store: groups, options: { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 50, now: () => clock, ...options } } });
  };
  beforeEach(() => {
    partitions = new MemoryPartitionStore();
    partitions.createTopic('t', 2);
    partitions.createTopic('u', 1);
    groups = new MemoryGroupStore();
    clock = 1_700_000_000_000;
    open();
  });
  afterEach(() => broker.groupCoordinator.stop());

  const commit = async (version: number, groupId: string, offsets: [string, number, number, string?][], member: { memberId?: string; generationId?: number; retentionTimeMs?: number } = {}) => {
    const topics = [...new Set(offsets.map(([t]) => t))].map((name) => ({
      name,
      partitions: offsets.filter(([t]) => t === name).map(([, p, o, m]) => ({ partitionIndex: p, committedOffset: o, committedLeaderEpoch: 4, commitTimestamp: -1, committedMetadata: m ?? null })),
    }));
    const response = await answer(offsetCommitHandler, commitApi, version, {
      groupId, generationIdOrMemberEpoch: member.generationId ?? -1, memberId: member.memberId ?? '', groupInstanceId: null, retentionTimeMs: member.retentionTimeMs ?? -1, topics,
    }, broker);
    return response.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}:${p.errorCode}`));
  };
  const fetchV7 = async (groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null, requireStable = false) =>
    (await answer(offsetFetchHandler, fetchApi, 7, { groupId, topics, requireStable }, broker)).topics!.flatMap((t) =>
      t.partitions.map((p) => `${t.name}-${p.partitionIndex}:${p.committedOffset}/${p.committedLeaderEpoch}/${p.metadata}/${p.errorCode}`));

  it('commits and fetches offsets with metadata and leader epoch at every version', async () => {
    for (const version of versionsOf(offsetCommitHandler)) {
      assert.deepEqual(await commit(version, `g${version}`, [['t', 0, 10 + version, 'meta'], ['t', 1, 20]]), ['t-0:0', 't-1:0'], `v${version}`);
      const stored = groups.offset(`g${version}`, 't', 0)!;
      assert.deepEqual([stored.offset, stored.metadata, stored.leaderEpoch], [10 + version, 'meta', version >= 6 ? 4 : -1]);
      assert.equal(groups.offset(`g${version}`, 't', 1)!.metadata, '', 'null metadata is stored as ""');
    }
    for (const version of versionsOf(offsetFetchHandler)) {
      const request = { groupId: 'g9', topics: [{ name: 't', partitionIndexes: [0, 1] }, { name: 'u', partitionIndexes: [0] }], requireStable: false,
        groups: [{ groupId: 'g9', memberId: null, memberEpoch: -1, topics: null }, { groupId: 'g3', memberId: null, memberEpoch: -1, topics: [{ name: 't', partitionIndexes: [0] }] }] };
      const response = await answer(offsetFetchHandler, fetchApi, version, request, broker);
      if (version >= 8) {
        assert.deepEqual(response.groups!.map((g) => [g.groupId, g.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}:${p.committedOffset}`)).sort()]),
          [['g9', ['t-0:19', 't-1:20']], ['g3', ['t-0:13']]], `v${version}`);
      } else {
        const got = response.topics!.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}:${p.committedOffset}:${p.metadata}`));
        assert.deepEqual(got, ['t-0:19:meta', 't-1:20:', 'u-0:-1:'], `v${version}`);
      }
    }
    assert.deepEqual(await fetchV7('g9', null), ['t-0:19/4/meta/0', 't-1:20/4//0'], 'null topics: every committed offset');
    assert.deepEqual(await fetchV7('nobody', [{ name: 't', partitionIndexes: [0] }]), ['t-0:-1/-1//0']);
  });

  it('OffsetCommit: UNKNOWN_TOPIC_OR_PARTITION, OFFSET_METADATA_TOO_LARGE, and member checks like Kafka\'s', async () => {
    assert.deepEqual(await commit(8, 'g', [['missing', 0, 1], ['t', 5, 1], ['t', 0, 1, 'x'.repeat(4097)], ['t', 1, 3]]),
      [`missing-0:${E.UNKNOWN_TOPIC_OR_PARTITION.code}`, `t-5:${E.UNKNOWN_TOPIC_OR_PARTITION.code}`, `t-0:${E.OFFSET_METADATA_TOO_LARGE.code}`, 't-1:0']);
    // An unknown group with a generation: a member of a group that is gone.
    assert.deepEqual(await commit(8, 'fresh', [['t', 0, 1]], { memberId: 'm', generationId: 3 }), [`t-0:${E.ILLEGAL_GENERATION.code}`]);
    const member = await stableSingleMember(broker, 'live', { protocols: [{ name: 'range', metadata: subscription('t') }] });
    assert.deepEqual(await commit(8, 'live', [['t', 0, 5]], { memberId: member.memberId, generationId: member.generationId }), ['t-0:0']);
    assert.deepEqual(await commit(8, 'live', [['t', 0, 6]], { memberId: member.memberId, generationId: 7 }), [`t-0:${E.ILLEGAL_GENERATION.code}`]);
    assert.deepEqual(await commit(8, 'live', [['t', 0, 6]], { memberId: 'ghost', generationId: 1 }), [`t-0:${E.UNKNOWN_MEMBER_ID.code}`]);
    assert.deepEqual(await commit(8, 'live', [['t', 0, 6]]), [`t-0:${E.UNKNOWN_MEMBER_ID.code}`], 'a group with members takes commits from members only');
    assert.equal(groups.offset('live', 't', 0)!.offset, 5);
  });

  it('requireStable answers UNSTABLE_OFFSET_COMMIT for an offset a transaction still holds', async () => {
    await commit(8, 'g', [['t', 0, 5]]);
    broker.groupCoordinator.setPendingTransactionalOffsets((group, topic, partition) => group === 'g' && topic === 't' && partition === 0);
    assert.deepEqual(await fetchV7('g', [{ name: 't', partitionIndexes: [0, 1] }], true), [`t-0:-1/-1//${E.UNSTABLE_OFFSET_COMMIT.code}`, 't-1:-1/-1//0']);
    assert.deepEqual(await fetchV7('g', [{ name: 't', partitionIndexes: [0] }], false), ['t-0:5/4//0']);
  });

  it('OffsetDelete: GROUP_ID_NOT_FOUND, GROUP_SUBSCRIBED_TO_TOPIC for a topic an active consumer group reads, any offset of an empty group', async () => {
    const remove = async (groupId: string, topics: [string, number][]) => {
      const r = await answer(offsetDeleteHandler, { request: offsetDeleteRequestSchema, response: offsetDeleteResponseSchema }, 0,
        { groupId, topics: [...new Set(topics.map(([t]) => t))].map((name) => ({ name, partitions: topics.filter(([t]) => t === name).map(([, p]) => ({ partitionIndex: p })) })) }, broker);
      return [r.errorCode, ...r.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}:${p.errorCode}`))];
    };
    assert.deepEqual(await remove('nobody', [['t', 0]]), [E.GROUP_ID_NOT_FOUND.code]);
    const member = await stableSingleMember(broker, 'reader', { protocols: [{ name: 'range', metadata: subscription('t') }] });
    await commit(8, 'reader', [['t', 0, 5], ['u', 0, 6]], { memberId: member.memberId, generationId: member.generationId });
    assert.deepEqual(await remove('reader', [['t', 0], ['u', 0]]), [0, `t-0:${E.GROUP_SUBSCRIBED_TO_TOPIC.code}`, 'u-0:0']);
    assert.deepEqual(groups.offsets('reader').map((o) => o.topic), ['t']);
    await commit(8, 'simple', [['t', 0, 5]]);
    assert.deepEqual(await remove('simple', [['t', 0], ['t', 9], ['missing', 0]]), [0, 't-0:0', `t-9:${E.UNKNOWN_TOPIC_OR_PARTITION.code}`, `missing-0:${E.UNKNOWN_TOPIC_OR_PARTITION.code}`]);
    assert.ok(!groups.groupIds().includes('simple'), 'an empty group without offsets is gone');
  });

  it('DeleteGroups: NON_EMPTY_GROUP for an active group, GROUP_ID_NOT_FOUND for none; an empty one goes with its offsets', async () => {
    await stableSingleMember(broker, 'active');
    await commit(8, 'idle', [['t', 0, 5]]);
    const response = await answer(deleteGroupsHandler, { request: deleteGroupsRequestSchema, response: deleteGroupsResponseSchema }, 2, { groupsNames: ['active', 'idle', 'never'] }, broker);
    assert.deepEqual(response.results.map((r) => [r.groupId, r.errorCode]), [['active', E.NON_EMPTY_GROUP.code], ['idle', 0], ['never', E.GROUP_ID_NOT_FOUND.code]]);
    assert.deepEqual(groups.offsets('idle'), []);
    assert.ok(!groups.groupIds().includes('idle'));
  });

  it('removes the offsets of a deleted topic from every group (DeleteTopics), and of a topic gone while nobody was told (expiry check)', async () => {
    await commit(8, 'a', [['t', 0, 5], ['u', 0, 6]]);
    await commit(8, 'b', [['u', 0, 7]]);
    await answer(deleteTopicsHandler, { request: deleteTopicsRequestSchema, response: deleteTopicsResponseSchema }, 3, { topicNames: ['u'], timeoutMs: 1000 }, broker);
    assert.deepEqual(groups.offsets('a').map((o) => o.topic), ['t']);
    assert.ok(!groups.groupIds().includes('b'));
    partitions.deleteTopic('t'); // behind the coordinator's back
    assert.equal(await broker.groupCoordinator.expireOffsets(), 1);
    assert.deepEqual(groups.groupIds(), []);
  });

  it('expires offsets as Kafka does: an empty group\'s offsets.retention.minutes after it emptied, a retention time of its own (v2–v4)', async () => {
    open({ offsetsRetentionMinutes: 10 });
    const member = await stableSingleMember(broker, 'g', { protocols: [{ name: 'range', metadata: subscription('t') }] });
    await commit(8, 'g', [['t', 0, 5], ['u', 0, 6]], { memberId: member.memberId, generationId: member.generationId });
    clock += 11 * 60_000;
    // Stable: the subscribed topic's offset stays, the other topic's (committed over 10 minutes ago) expires.
    assert.equal(await broker.groupCoordinator.expireOffsets(), 1);
    assert.deepEqual(groups.offsets('g').map((o) => o.topic), ['t']);
    await commit(3, 'short', [['t', 0, 1]], { retentionTimeMs: 1000 });
    await commit(3, 'long', [['t', 0, 1]]);
    clock += 2000;
    assert.equal(await broker.groupCoordinator.expireOffsets(), 1);
    assert.deepEqual(groups.groupIds().sort(), ['g', 'long']);
    clock += 10 * 60_000;
    assert.equal(await broker.groupCoordinator.expireOffsets(), 1, 'a group without a protocol: 10 minutes after its commit');
    // The member leaves: the group is empty from now, and its offset (committed long ago) is kept 10 more minutes.
    broker.groupCoordinator.leave('g', [{ memberId: member.memberId, groupInstanceId: null }]);
    assert.equal(broker.groupCoordinator.describeGroup('g').state, 'Empty');
    clock += 9 * 60_000;
    assert.equal(await broker.groupCoordinator.expireOffsets(), 0);
    clock += 60_000;
    assert.equal(await broker.groupCoordinator.expireOffsets(), 1);
    assert.deepEqual(groups.groupIds(), [], 'the empty group went with its last offset');
  });

  it('a restarted coordinator brings a stored group back Stable with its members, whose sessions start again', async () => {
    const member = await stableSingleMember(broker, 'g', { sessionTimeoutMs: 200 }, Buffer.from('assigned'));
    broker.groupCoordinator.stop();
    open();
    const described = broker.groupCoordinator.describeGroup('g');
    assert.deepEqual([described.state, described.members.map((m) => m.memberId), described.members[0].assignment.toString()], ['Stable', [member.memberId], 'assigned']);
    const rejoin = await joinGroup(broker, 'g', { memberId: member.memberId, sessionTimeoutMs: 200 });
    assert.equal(rejoin.errorCode, 0, 'the member is known after the restart');
  });
});
