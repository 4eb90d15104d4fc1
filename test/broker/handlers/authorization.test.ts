import { strict as assert } from 'node:assert';
import * as g from '../../../src/protocol/generated';
import { KafkaErrors } from '../../../src/protocol/error-codes';
import type { MessageSchema } from '../../../src/protocol/codec';
import { AclOperation as Op, AclPermissionType as Perm, PatternType, ResourceType } from '../../../src/protocol/acl-types';
import { produceHandler } from '../../../src/broker/handlers/00-produce';
import { fetchHandler } from '../../../src/broker/handlers/01-fetch';
import { listOffsetsHandler } from '../../../src/broker/handlers/02-list-offsets';
import { metadataHandler } from '../../../src/broker/handlers/03-metadata';
import { offsetCommitHandler } from '../../../src/broker/handlers/08-offset-commit';
import { offsetFetchHandler } from '../../../src/broker/handlers/09-offset-fetch';
import { findCoordinatorHandler } from '../../../src/broker/handlers/10-find-coordinator';
import { joinGroupHandler } from '../../../src/broker/handlers/11-join-group';
import { listGroupsHandler } from '../../../src/broker/handlers/16-list-groups';
import { createTopicsHandler } from '../../../src/broker/handlers/19-create-topics';
import { deleteTopicsHandler } from '../../../src/broker/handlers/20-delete-topics';
import { initProducerIdHandler } from '../../../src/broker/handlers/22-init-producer-id';
import { describeConfigsHandler } from '../../../src/broker/handlers/32-describe-configs';
import { StandardAuthorizer } from '../../../src/acl/standard-authorizer';
import { plaintextSession } from '../../../src/broker/session';
import type { BrokerState } from '../../../src/broker/broker-state';
import type { AclBinding } from '../../../src/ports/authorizer';
import { makeBatch } from '../../helpers/batches';
import { subscription } from '../../helpers/group-requests';
import { answer, brokerStateOver } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';
import { MemoryAclStore } from '../../helpers/memory-acl-store';

const api = <Req, Res>(request: MessageSchema<Req>, response: MessageSchema<Res>) => ({ request, response });
const as = (principal: string) => ({ ...plaintextSession(), principal });
const alice = as('User:alice');
const bob = as('User:bob');
const admin = as('User:admin');
const TOPIC_DENIED = KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code;
const GROUP_DENIED = KafkaErrors.GROUP_AUTHORIZATION_FAILED.code;
const CLUSTER_DENIED = KafkaErrors.CLUSTER_AUTHORIZATION_FAILED.code;

const allow = (resourceType: number, name: string, principal: string, operation: number): AclBinding =>
  ({ pattern: { resourceType, name, patternType: PatternType.LITERAL }, entry: { principal, host: '*', operation, permissionType: Perm.ALLOW } });

/** v10: the last version with cluster authorized operations (v11 dropped them for DescribeCluster). */
function metadata(broker: BrokerState, topics: string[] | null, session = alice, operations = false) {
  return answer(metadataHandler, api(g.metadataRequestSchema, g.metadataResponseSchema), 10, {
    topics: topics === null ? null : topics.map((name) => ({ name })), allowAutoTopicCreation: true, includeClusterAuthorizedOperations: operations, includeTopicAuthorizedOperations: operations,
  }, broker, session);
}

function produce(broker: BrokerState, topic: string, session: ReturnType<typeof as>, transactionalId: string | null = null) {
  return answer(produceHandler, api(g.produceRequestSchema, g.produceResponseSchema), 9, { transactionalId, acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: makeBatch('x', 1) }] }] }, broker, session);
}

describe('every handler asks the authorizer (allow.everyone.if.no.acl.found=false)', () => {
  let store: MemoryPartitionStore;
  let broker: BrokerState;
  beforeEach(async () => {
    store = new MemoryPartitionStore();
    store.createTopic('a', 1);
    store.createTopic('b', 1);
    store.partition('a', 0).append(makeBatch('a', 2));
    store.partition('b', 0).append(makeBatch('b', 2));
    const authorizer = new StandardAuthorizer(new MemoryAclStore(), { allowEveryoneIfNoAclFound: false, superUsers: ['User:admin'] });
    await authorizer.createAcls([
      allow(ResourceType.TOPIC, 'a', 'User:alice', Op.READ),
      allow(ResourceType.GROUP, 'g-alice', 'User:alice', Op.READ),
      allow(ResourceType.TOPIC, 'a', 'User:bob', Op.WRITE),
    ]);
    broker = brokerStateOver(store, {}, { authorizer });
  });

  it('Metadata hides topics the caller may not DESCRIBE, refuses them by name, and auto-creates only with CREATE', async () => {
    assert.deepEqual((await metadata(broker, null)).topics.map((t) => [t.name, t.errorCode]), [['a', 0]], 'READ implies DESCRIBE; b is hidden');
    assert.deepEqual((await metadata(broker, null, admin)).topics.map((t) => t.name).sort(), ['a', 'b'], 'a super user sees everything');
    assert.deepEqual((await metadata(broker, ['a', 'b', 'fresh'])).topics.map((t) => [t.name, t.errorCode, t.partitions.length]), [['a', 0, 1], ['b', TOPIC_DENIED, 0], ['fresh', TOPIC_DENIED, 0]]);
    assert.equal(store.hasTopic('fresh'), false, 'not created without CREATE');
    const described = await metadata(broker, ['a'], alice, true);
    assert.equal(described.topics[0].topicAuthorizedOperations, (1 << Op.READ) | (1 << Op.DESCRIBE));
    assert.equal(described.clusterAuthorizedOperations, 0, 'no DESCRIBE on the cluster');
    assert.equal((await metadata(broker, ['a'], admin, true)).clusterAuthorizedOperations, 0b1111110100000, 'a super user: every cluster operation');
    assert.notEqual((await metadata(broker, ['fresh'], admin)).topics[0].errorCode, TOPIC_DENIED);
    assert.equal(store.hasTopic('fresh'), true);
  });

  it('Produce needs WRITE (TOPIC_AUTHORIZATION_FAILED, nothing stored), and WRITE on the transactional id', async () => {
    assert.equal((await produce(broker, 'a', alice)).responses[0].partitionResponses[0].errorCode, TOPIC_DENIED, 'READ is not WRITE');
    assert.equal((await produce(broker, 'b', bob)).responses[0].partitionResponses[0].errorCode, TOPIC_DENIED);
    assert.equal(store.partition('b', 0).logEndOffset, 2);
    assert.equal((await produce(broker, 'a', bob)).responses[0].partitionResponses[0].errorCode, 0);
    assert.equal(store.partition('a', 0).logEndOffset, 3);
    assert.equal((await produce(broker, 'a', bob, 'tx')).responses[0].partitionResponses[0].errorCode, KafkaErrors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code);
  });

  it('Fetch needs READ, ListOffsets DESCRIBE', async () => {
    const fetched = await answer(fetchHandler, api(g.fetchRequestSchema, g.fetchResponseSchema), 11, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, forgottenTopicsData: [], rackId: '',
      topics: ['a', 'b'].map((topic) => ({ topic, partitions: [{ partition: 0, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }] })),
    }, broker, alice);
    assert.deepEqual(fetched.responses.map((t) => [t.topic, t.partitions[0].errorCode, (t.partitions[0].records?.length ?? 0) > 0]), [['a', 0, true], ['b', TOPIC_DENIED, false]]);
    const offsets = await answer(listOffsetsHandler, api(g.listOffsetsRequestSchema, g.listOffsetsResponseSchema), 7, {
      replicaId: -1, isolationLevel: 0, topics: ['a', 'b'].map((name) => ({ name, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] })),
    }, broker, alice);
    assert.deepEqual(offsets.topics.map((t) => [t.name, t.partitions[0].errorCode, t.partitions[0].offset]), [['a', 0, 2], ['b', TOPIC_DENIED, -1]]);
  });

  it('groups need READ on the group (GROUP_AUTHORIZATION_FAILED) and, for offsets, on the topic', async () => {
    const join = await answer(joinGroupHandler, api(g.joinGroupRequestSchema, g.joinGroupResponseSchema), 5, {
      groupId: 'g-other', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: subscription('a') }], reason: null,
    }, broker, alice);
    assert.equal(join.errorCode, GROUP_DENIED);
    const coordinator = await answer(findCoordinatorHandler, api(g.findCoordinatorRequestSchema, g.findCoordinatorResponseSchema), 3, { key: 'g-other', keyType: 0 }, broker, alice);
    assert.deepEqual([coordinator.errorCode, coordinator.nodeId], [GROUP_DENIED, -1]);
    const commit = (groupId: string) => answer(offsetCommitHandler, api(g.offsetCommitRequestSchema, g.offsetCommitResponseSchema), 7, {
      groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: ['a', 'b'].map((name) => ({ name, partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] })),
    }, broker, alice);
    assert.deepEqual((await commit('g-other')).topics.map((t) => t.partitions[0].errorCode), [GROUP_DENIED, GROUP_DENIED]);
    assert.deepEqual((await commit('g-alice')).topics.map((t) => t.partitions[0].errorCode), [0, TOPIC_DENIED]);
    const fetched = await answer(offsetFetchHandler, api(g.offsetFetchRequestSchema, g.offsetFetchResponseSchema), 7, { groupId: 'g-alice', topics: [{ name: 'a', partitionIndexes: [0] }, { name: 'b', partitionIndexes: [0] }], requireStable: false }, broker, alice);
    assert.deepEqual((fetched.topics ?? []).map((t) => [t.name, t.partitions[0].errorCode, t.partitions[0].committedOffset]), [['a', 0, 1], ['b', TOPIC_DENIED, -1]]);
    await commit('g-other').then(() => answer(offsetCommitHandler, api(g.offsetCommitRequestSchema, g.offsetCommitResponseSchema), 7, {
      groupId: 'g-other', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'a', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] }],
    }, broker, admin));
    const listed = (session: ReturnType<typeof as>) => answer(listGroupsHandler, api(g.listGroupsRequestSchema, g.listGroupsResponseSchema), 4, { statesFilter: [] }, broker, session);
    assert.deepEqual((await listed(alice)).groups.map((x) => x.groupId), ['g-alice'], 'only groups alice may DESCRIBE');
    assert.deepEqual((await listed(admin)).groups.map((x) => x.groupId).sort(), ['g-alice', 'g-other']);
  });

  it('topic admin and configs: CREATE, DELETE, DESCRIBE_CONFIGS on the topic; the broker\'s configs need the cluster', async () => {
    const created = await answer(createTopicsHandler, api(g.createTopicsRequestSchema, g.createTopicsResponseSchema), 5, {
      topics: [{ name: 'c', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false,
    }, broker, alice);
    assert.deepEqual([created.topics[0].errorCode, store.hasTopic('c')], [TOPIC_DENIED, false]);
    const deleted = await answer(deleteTopicsHandler, api(g.deleteTopicsRequestSchema, g.deleteTopicsResponseSchema), 5, { topicNames: ['b'], timeoutMs: 1000 }, broker, alice);
    assert.deepEqual([deleted.responses[0].errorCode, store.hasTopic('b')], [TOPIC_DENIED, true]);
    const configs = await answer(describeConfigsHandler, api(g.describeConfigsRequestSchema, g.describeConfigsResponseSchema), 4, {
      resources: [{ resourceType: 2, resourceName: 'b', configurationKeys: null }, { resourceType: 4, resourceName: '7', configurationKeys: null }], includeSynonyms: false, includeDocumentation: false,
    }, broker, alice);
    assert.deepEqual(configs.results.map((r) => [r.errorCode, r.configs.length]), [[TOPIC_DENIED, 0], [CLUSTER_DENIED, 0]]);
  });

  it('InitProducerId: WRITE on the transactional id; an idempotent producer needs IDEMPOTENT_WRITE or WRITE on some topic', async () => {
    const init = (transactionalId: string | null, session: ReturnType<typeof as>) =>
      answer(initProducerIdHandler, api(g.initProducerIdRequestSchema, g.initProducerIdResponseSchema), 4, { transactionalId, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 }, broker, session);
    assert.equal((await init('tx', bob)).errorCode, KafkaErrors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code);
    assert.equal((await init(null, alice)).errorCode, CLUSTER_DENIED, 'alice may write nowhere');
    assert.equal((await init(null, bob)).errorCode, KafkaErrors.COORDINATOR_NOT_AVAILABLE.code, 'bob passes the check (this harness has no coordinator)');
  });
});
