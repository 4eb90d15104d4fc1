import { strict as assert } from 'node:assert';
import { metadataRequestSchema, metadataResponseSchema, MetadataRequest, MetadataResponse } from '../../../src/protocol/generated';
import { KafkaErrors } from '../../../src/protocol/error-codes';
import { metadataHandler } from '../../../src/broker/handlers/03-metadata';
import type { BrokerState } from '../../../src/broker/broker-state';
import { answer, brokerStateOver, TEST_IDENTITY, versionsOf } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';
import { uuidBytes, uuidText, ZERO_UUID } from '../../../src/protocol/uuid';

const api = { request: metadataRequestSchema, response: metadataResponseSchema };

function metadata(broker: BrokerState, version: number, topics: string[] | null, allowAutoTopicCreation = true): Promise<MetadataResponse> {
  const request: MetadataRequest = {
    topics: topics === null ? null : topics.map((name) => ({ name })),
    allowAutoTopicCreation,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  };
  return answer(metadataHandler, api, version, request, broker);
}

const codes = (response: MetadataResponse) => response.topics.map((t) => [t.name, t.errorCode, t.partitions.length]);

describe('Metadata handler (API 3)', () => {
  let store: MemoryPartitionStore;
  let broker: BrokerState;
  beforeEach(() => {
    store = new MemoryPartitionStore();
    store.createTopic('orders', 2);
    store.createTopic('audit', 1);
    broker = brokerStateOver(store, { numPartitions: 3 });
  });

  it('answers authorized operations as Kafka does without an authorizer: all a topic (8) and the cluster (7) have, when asked', async () => {
    const bitsOf = (n: number) => Array.from({ length: 31 }, (_, op) => op).filter((op) => (n & (1 << op)) !== 0);
    for (const version of [8, 9, 10]) {
      const asked = await answer(metadataHandler, api, version, { topics: [{ name: 'orders' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: true }, broker);
      assert.deepEqual(bitsOf(asked.topics[0].topicAuthorizedOperations ?? 0), [3, 4, 5, 6, 7, 8, 10, 11], `v${version}: READ WRITE CREATE DELETE ALTER DESCRIBE DESCRIBE_CONFIGS ALTER_CONFIGS`);
      assert.deepEqual(bitsOf(asked.clusterAuthorizedOperations ?? 0), [5, 7, 8, 9, 10, 11, 12], `v${version}: CREATE ALTER DESCRIBE CLUSTER_ACTION DESCRIBE_CONFIGS ALTER_CONFIGS IDEMPOTENT_WRITE`);
      const silent = await metadata(broker, version, ['orders']);
      assert.equal(silent.topics[0].topicAuthorizedOperations, -2147483648, 'not asked: omitted');
      assert.equal(silent.clusterAuthorizedOperations, -2147483648);
    }
    const v11 = await answer(metadataHandler, api, 11, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: true }, broker);
    assert.ok(v11.topics.every((t) => bitsOf(t.topicAuthorizedOperations ?? 0).length === 8), 'every listed topic, from v11 too');
  });

  it('describes this one broker as leader, replica and in-sync replica of every partition, at every version', async () => {
    for (const version of versionsOf(metadataHandler)) {
      const response = await metadata(broker, version, ['orders']);
      assert.deepEqual(response.brokers.map((b) => [b.nodeId, b.host, b.port]), [[TEST_IDENTITY.nodeId, TEST_IDENTITY.advertisedHost, TEST_IDENTITY.advertisedPort]], `v${version}`);
      if (version >= 2) assert.equal(response.clusterId, TEST_IDENTITY.clusterId);
      if (version >= 1) assert.equal(response.controllerId, TEST_IDENTITY.nodeId);
      const [topic] = response.topics;
      assert.deepEqual([topic.name, topic.errorCode], ['orders', 0]);
      assert.deepEqual(topic.partitions.map((p) => [p.partitionIndex, p.errorCode, p.leaderId, p.replicaNodes, p.isrNodes]), [
        [0, 0, 7, [7], [7]],
        [1, 0, 7, [7], [7]],
      ]);
    }
  });

  it('lists every topic for null (v1+) or an empty list (v0), and none for an empty list from v1', async () => {
    assert.deepEqual(codes(await metadata(broker, 0, [])), [['audit', 0, 1], ['orders', 0, 2]]);
    for (const version of [1, 4, 8]) {
      assert.deepEqual(codes(await metadata(broker, version, null)), [['audit', 0, 1], ['orders', 0, 2]], `v${version} null`);
      assert.deepEqual(codes(await metadata(broker, version, [])), [], `v${version} empty`);
    }
  });

  it('auto-creates a named topic with the broker default partition count', async () => {
    for (const [version, name] of [[0, 'fresh0'], [3, 'fresh3'], [8, 'fresh8']] as const) {
      assert.deepEqual(codes(await metadata(broker, version, [name, 'orders'])), [[name, 0, 3], ['orders', 0, 2]], `v${version}`);
      assert.deepEqual(store.describeTopic(name).partitions, 3);
    }
  });

  it('creates nothing when the request (v4+) or the broker says no, and answers UNKNOWN_TOPIC_OR_PARTITION', async () => {
    assert.deepEqual(codes(await metadata(broker, 4, ['quiet'], false)), [['quiet', KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code, 0]]);
    const noAutoCreate = brokerStateOver(store, { autoCreateTopics: false });
    for (const version of [0, 3, 8]) {
      assert.deepEqual(codes(await metadata(noAutoCreate, version, ['quiet'], true)), [['quiet', KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code, 0]], `v${version}`);
    }
    assert.ok(!store.hasTopic('quiet'));
  });

  it('answers INVALID_TOPIC_EXCEPTION for a bad name and the store error when auto-create fails', async () => {
    const tooMany = brokerStateOver(new MemoryPartitionStore({ maxPartitionsPerTopic: 2 }), { numPartitions: 3 });
    assert.deepEqual(codes(await metadata(tooMany, 8, ['wide'])), [['wide', KafkaErrors.INVALID_PARTITIONS.code, 0]]);
    assert.deepEqual(codes(await metadata(broker, 8, ['bad/name', '..', 'orders'])), [
      ['bad/name', KafkaErrors.INVALID_TOPIC_EXCEPTION.code, 0],
      ['..', KafkaErrors.INVALID_TOPIC_EXCEPTION.code, 0],
      ['orders', 0, 2],
    ]);
    assert.deepEqual(store.listTopics().map((t) => t.name), ['audit', 'orders']);
  });
  it('answers topic ids from v10 and looks topics up by id from v12 (UNKNOWN_TOPIC_ID; before v12 INVALID_REQUEST)', async () => {
    const ordersId = store.describeTopic('orders').topicId;
    for (const version of [10, 11, 12]) {
      const response = await metadata(broker, version, null);
      assert.deepEqual(response.topics.map((t) => [t.name, uuidText(t.topicId as Buffer)]), [['audit', store.describeTopic('audit').topicId], ['orders', ordersId]], `v${version}`);
      const unknown = await metadata(broker, version, ['nope'], false);
      assert.equal(uuidText(unknown.topics[0].topicId as Buffer), uuidText(ZERO_UUID), 'an unknown name has the zero id');
    }
    const unknownId = Buffer.alloc(16, 5);
    const request = (version: number) => answer(metadataHandler, api, version, {
      topics: [{ name: null, topicId: uuidBytes(ordersId) }, { name: null, topicId: unknownId }],
      allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false,
    }, broker);
    const byId = await request(12);
    assert.deepEqual(byId.topics.map((t) => [t.name, t.errorCode, t.partitions.length]), [['orders', 0, 2], [null, KafkaErrors.UNKNOWN_TOPIC_ID.code, 0]]);
    assert.equal(uuidText(byId.topics[1].topicId as Buffer), uuidText(unknownId));
    const tooEarly = await request(11);
    assert.deepEqual(tooEarly.topics.map((t) => t.errorCode), [KafkaErrors.INVALID_REQUEST.code, KafkaErrors.INVALID_REQUEST.code]);
  });
});
