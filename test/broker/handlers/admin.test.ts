import { strict as assert } from 'node:assert';
import {
  createPartitionsRequestSchema, createPartitionsResponseSchema, deleteRecordsRequestSchema, deleteRecordsResponseSchema,
  describeClusterRequestSchema, describeClusterResponseSchema, offsetForLeaderEpochRequestSchema, offsetForLeaderEpochResponseSchema,
  produceRequestSchema, produceResponseSchema,
} from '../../../src/protocol/generated';
import { KafkaErrors } from '../../../src/protocol/error-codes';
import { ATTRIBUTES_POS, BASE_TIMESTAMP_POS, MAX_TIMESTAMP_POS, usesLogAppendTime } from '../../../src/protocol/record-batch';
import { decodeRecords } from '../../../src/protocol/records';
import { createPartitionsHandler } from '../../../src/broker/handlers/37-create-partitions';
import { deleteRecordsHandler } from '../../../src/broker/handlers/21-delete-records';
import { describeClusterHandler } from '../../../src/broker/handlers/60-describe-cluster';
import { offsetForLeaderEpochHandler } from '../../../src/broker/handlers/23-offset-for-leader-epoch';
import { produceHandler } from '../../../src/broker/handlers/00-produce';
import type { BrokerState } from '../../../src/broker/broker-state';
import { makeBatch } from '../../helpers/batches';
import { answer, brokerStateOver, versionsOf } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';

const code = (name: keyof typeof KafkaErrors) => KafkaErrors[name].code;
const NOW = 1_800_000_000_000;

describe('admin handlers (CreatePartitions 37, DeleteRecords 21, DescribeCluster 60, OffsetForLeaderEpoch 23) and topic configs on Produce', () => {
  let store: MemoryPartitionStore;
  let broker: BrokerState;
  beforeEach(() => {
    store = new MemoryPartitionStore({ now: () => NOW, maxPartitionsPerTopic: 10 });
    store.createTopic('events', 2);
    broker = brokerStateOver(store);
  });

  it('CreatePartitions grows a topic and answers each topic with Kafka\'s codes', async () => {
    const api = { request: createPartitionsRequestSchema, response: createPartitionsResponseSchema };
    for (const version of versionsOf(createPartitionsHandler)) {
      const before = store.describeTopic('events').partitions;
      const response = await answer(createPartitionsHandler, api, version, { timeoutMs: 1000, validateOnly: false, topics: [{ name: 'events', count: before + 1, assignments: null }] }, broker);
      assert.equal(response.results[0].errorCode, 0, `v${version}`);
      assert.equal(store.describeTopic('events').partitions, before + 1);
    }
    store.partition('events', 5).append(makeBatch('new', 2));
    const response = await answer(createPartitionsHandler, api, 3, { timeoutMs: 1000, validateOnly: false, topics: [
      { name: 'events', count: 6, assignments: null },
      { name: 'events', count: 7, assignments: null },
      { name: 'missing', count: 3, assignments: null },
    ] }, broker);
    assert.deepEqual(response.results.map((r) => r.errorCode), [code('INVALID_REQUEST'), code('INVALID_REQUEST'), code('UNKNOWN_TOPIC_OR_PARTITION')]);
    const each = async (topic: { name: string; count: number; assignments: { brokerIds: number[] }[] | null }, validateOnly = false) =>
      (await answer(createPartitionsHandler, api, 3, { timeoutMs: 1000, validateOnly, topics: [topic] }, broker)).results[0];
    assert.match((await each({ name: 'events', count: 6, assignments: null })).errorMessage ?? '', /Topic already has 6 partitions/);
    assert.equal((await each({ name: 'events', count: 4, assignments: null })).errorCode, code('INVALID_PARTITIONS'));
    assert.equal((await each({ name: 'events', count: 11, assignments: null })).errorCode, code('INVALID_PARTITIONS'));
    assert.equal((await each({ name: 'events', count: 7, assignments: [{ brokerIds: [3] }] })).errorCode, code('INVALID_REPLICA_ASSIGNMENT'));
    assert.equal((await each({ name: 'events', count: 8, assignments: [{ brokerIds: [7] }] })).errorCode, code('INVALID_REPLICA_ASSIGNMENT'));
    assert.equal((await each({ name: 'events', count: 8, assignments: null }, true)).errorCode, 0);
    assert.equal(store.describeTopic('events').partitions, 6, 'validateOnly and failures add nothing');
    assert.equal((await each({ name: 'events', count: 7, assignments: [{ brokerIds: [7] }] })).errorCode, 0);
    assert.equal(store.partition('events', 5).logEndOffset, 2, 'existing partitions keep their data');
  });

  it('DeleteRecords moves the low watermark (-1: the high watermark) and answers OFFSET_OUT_OF_RANGE past it', async () => {
    const api = { request: deleteRecordsRequestSchema, response: deleteRecordsResponseSchema };
    store.partition('events', 0).append(makeBatch('a', 5));
    store.partition('events', 0).append(makeBatch('b', 5));
    store.partition('events', 1).append(makeBatch('c', 3));
    for (const version of versionsOf(deleteRecordsHandler)) {
      const response = await answer(deleteRecordsHandler, api, version, { timeoutMs: 1000, topics: [{ name: 'events', partitions: [
        { partitionIndex: 0, offset: 3 + version }, { partitionIndex: 1, offset: 99 }, { partitionIndex: 9, offset: 0 },
      ] }, { name: 'missing', partitions: [{ partitionIndex: 0, offset: 0 }] }] }, broker);
      assert.deepEqual(response.topics.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, p.errorCode, p.lowWatermark])), [
        [0, 0, 3 + version], [1, code('OFFSET_OUT_OF_RANGE'), -1], [9, code('UNKNOWN_TOPIC_OR_PARTITION'), -1], [0, code('UNKNOWN_TOPIC_OR_PARTITION'), -1],
      ], `v${version}`);
    }
    const all = await answer(deleteRecordsHandler, api, 2, { timeoutMs: 1000, topics: [{ name: 'events', partitions: [{ partitionIndex: 1, offset: -1 }, { partitionIndex: 0, offset: 1 }] }] }, broker);
    assert.deepEqual(all.topics[0].partitions.map((p) => [p.errorCode, p.lowWatermark]), [[0, 3], [0, 5]], 'an offset below the start changes nothing');
    assert.equal(store.partition('events', 0).logStartOffset, 5);
    assert.throws(() => store.partition('events', 0).read(4, 1000), /outside/);
  });

  it('DescribeCluster names this broker as the one broker and the controller', async () => {
    const api = { request: describeClusterRequestSchema, response: describeClusterResponseSchema };
    for (const version of versionsOf(describeClusterHandler)) {
      const response = await answer(describeClusterHandler, api, version, { includeClusterAuthorizedOperations: false, endpointType: 1 }, broker);
      assert.deepEqual([response.errorCode, response.clusterId, response.controllerId, response.clusterAuthorizedOperations], [0, 'test-cluster', 7, -2147483648]);
      assert.deepEqual(response.brokers.map((b) => [b.brokerId, b.host, b.port]), [[7, 'broker.test', 19092]]);
    }
    const asked = await answer(describeClusterHandler, api, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 }, broker);
    assert.ok((asked.clusterAuthorizedOperations ?? 0) & (1 << 10), 'DESCRIBE_CONFIGS allowed');
    const controllers = await answer(describeClusterHandler, api, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 }, broker);
    assert.equal(controllers.errorCode, code('MISMATCHED_ENDPOINT_TYPE'));
  });

  it('OffsetForLeaderEpoch answers epoch 0 with the log end, other epochs undefined, and fences current epochs', async () => {
    const api = { request: offsetForLeaderEpochRequestSchema, response: offsetForLeaderEpochResponseSchema };
    store.partition('events', 0).append(makeBatch('a', 4));
    for (const version of versionsOf(offsetForLeaderEpochHandler)) {
      const response = await answer(offsetForLeaderEpochHandler, api, version, { replicaId: -1, topics: [{ topic: 'events', partitions: [
        { partition: 0, leaderEpoch: 0, currentLeaderEpoch: -1 }, { partition: 1, leaderEpoch: 0, currentLeaderEpoch: 0 },
        { partition: 0, leaderEpoch: 4, currentLeaderEpoch: -1 }, { partition: 8, leaderEpoch: 0, currentLeaderEpoch: -1 },
      ] }] }, broker);
      const rows = response.topics[0].partitions.map((p) => [p.partition, p.errorCode, p.endOffset]);
      assert.deepEqual(rows, [[0, 0, 4], [1, 0, 0], [0, 0, -1], [8, code('UNKNOWN_TOPIC_OR_PARTITION'), -1]], `v${version}`);
      if (version >= 1) assert.deepEqual(response.topics[0].partitions.map((p) => p.leaderEpoch), [0, 0, -1, -1]);
    }
    const fenced = await answer(offsetForLeaderEpochHandler, api, 4, { replicaId: -1, topics: [{ topic: 'events', partitions: [{ partition: 0, leaderEpoch: 0, currentLeaderEpoch: 2 }] }] }, broker);
    assert.equal(fenced.topics[0].partitions[0].errorCode, code('UNKNOWN_LEADER_EPOCH'));
  });

  describe('Produce under topic configs', () => {
    const api = { request: produceRequestSchema, response: produceResponseSchema };
    const produce = async (topic: string, records: Buffer, acks = 1) =>
      (await answer(produceHandler, api, 8, { transactionalId: null, acks, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] }, broker)).responses[0].partitionResponses[0];

    it('LogAppendTime: the batch gets the broker\'s time (attribute bit, max timestamp) and Produce answers it', async () => {
      store.createTopic('stamped', 1, { 'message.timestamp.type': 'LogAppendTime' });
      const answered = await produce('stamped', makeBatch('x', 3, { timestamp: 1_000 }));
      assert.deepEqual([answered.errorCode, answered.logAppendTimeMs], [0, NOW]);
      const stored = store.partition('stamped', 0).read(0, 1 << 20).records;
      assert.ok(usesLogAppendTime(stored.readInt16BE(ATTRIBUTES_POS)));
      assert.equal(Number(stored.readBigInt64BE(MAX_TIMESTAMP_POS)), NOW);
      assert.equal(Number(stored.readBigInt64BE(BASE_TIMESTAMP_POS)), 1_000, 'the base timestamp stays, as Kafka leaves it when it stamps in place');
      assert.deepEqual(decodeRecords(stored).map((r) => r.timestamp), [NOW, NOW, NOW]);
      assert.equal((await produce('events', makeBatch('y', 1))).logAppendTimeMs, -1, 'CreateTime topics answer -1');
    });

    it('message.timestamp.before/after.max.ms refuse out-of-range CreateTime timestamps with INVALID_TIMESTAMP', async () => {
      store.createTopic('recent', 1, { 'message.timestamp.before.max.ms': '60000', 'message.timestamp.after.max.ms': '1000' });
      assert.equal((await produce('recent', makeBatch('ok', 2, { timestamp: NOW - 59_000 }))).errorCode, 0);
      const old = await produce('recent', makeBatch('old', 2, { timestamp: NOW - 61_000 }));
      assert.equal(old.errorCode, code('INVALID_TIMESTAMP'));
      assert.match(old.errorMessage ?? '', /out of range/);
      assert.equal((await produce('recent', makeBatch('future', 1, { timestamp: NOW + 2_000 }))).errorCode, code('INVALID_TIMESTAMP'));
      assert.equal(store.partition('recent', 0).logEndOffset, 2);
      store.createTopic('legacy', 1, { 'message.timestamp.difference.max.ms': '10' });
      assert.equal((await produce('legacy', makeBatch('old', 1, { timestamp: NOW - 11 }))).errorCode, code('INVALID_TIMESTAMP'), 'the deprecated difference fills in both limits');
    });

    it('min.insync.replicas 2 refuses acks=-1 with NOT_ENOUGH_REPLICAS but takes acks=1; max.message.bytes per topic', async () => {
      store.createTopic('safe', 1, { 'min.insync.replicas': '2', 'max.message.bytes': '200' });
      const all = await produce('safe', makeBatch('x', 1), -1);
      assert.equal(all.errorCode, code('NOT_ENOUGH_REPLICAS'));
      assert.match(all.errorMessage ?? '', /min\.insync\.replicas 2/);
      assert.equal((await produce('safe', makeBatch('x', 1), 1)).errorCode, 0);
      assert.equal((await produce('safe', makeBatch('big', 1, { valueBytes: 300 }), 1)).errorCode, code('MESSAGE_TOO_LARGE'));
      assert.equal((await produce('events', makeBatch('big', 1, { valueBytes: 300 }), -1)).errorCode, 0, 'other topics keep the defaults');
    });
  });
});
