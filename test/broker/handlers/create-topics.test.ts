import { strict as assert } from 'node:assert';
import { createTopicsRequestSchema, createTopicsResponseSchema, CreateTopicsRequest } from '../../../src/protocol/generated';
import { KafkaErrors } from '../../../src/protocol/error-codes';
import { createTopicsHandler } from '../../../src/broker/handlers/19-create-topics';
import type { BrokerState } from '../../../src/broker/broker-state';
import { answer, brokerStateOver, TEST_IDENTITY, versionsOf } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';

const api = { request: createTopicsRequestSchema, response: createTopicsResponseSchema };
type Creatable = CreateTopicsRequest['topics'][number];

function topic(name: string, fields: Partial<Omit<Creatable, 'configs'>> & { configs?: Record<string, string | null> } = {}): Creatable {
  const { configs = {}, ...rest } = fields;
  return {
    name, numPartitions: 1, replicationFactor: 1, assignments: [],
    ...rest,
    configs: Object.entries(configs).map(([configName, value]) => ({ name: configName, value })),
  };
}

async function create(broker: BrokerState, version: number, topics: Creatable[], validateOnly = false) {
  const response = await answer(createTopicsHandler, api, version, { topics, timeoutMs: 1000, validateOnly }, broker);
  return response.topics;
}

import { uuidText } from '../../../src/protocol/uuid';

const codeOf = (name: keyof typeof KafkaErrors) => KafkaErrors[name].code;

describe('CreateTopics handler (API 19)', () => {
  let store: MemoryPartitionStore;
  let broker: BrokerState;
  beforeEach(() => {
    store = new MemoryPartitionStore({ maxPartitionsPerTopic: 50 });
    store.createTopic('taken', 1);
    broker = brokerStateOver(store, { numPartitions: 6 });
  });

  it('creates topics with their partitions and configs at every version', async () => {
    for (const version of versionsOf(createTopicsHandler)) {
      const name = `orders-v${version}`;
      const [result] = await create(broker, version, [topic(name, { numPartitions: 5, configs: { 'retention.ms': '3600000', 'segment.ms': null } })]);
      assert.deepEqual([result.name, result.errorCode], [name, 0], `v${version}`);
      if (version >= 1) assert.equal(result.errorMessage, null);
      const { topicId, ...described } = store.describeTopic(name);
      assert.deepEqual(described, { name, partitions: 5, config: { 'retention.ms': '3600000' } }, 'a null config value is left out');
      if (version >= 5) {
        assert.deepEqual([result.numPartitions, result.replicationFactor], [5, 1], `v${version}`);
        const byName = new Map(result.configs?.map((c) => [c.name, [c.value, c.configSource]]));
        assert.deepEqual(byName.get('retention.ms'), ['3600000', 1], 'the override, source DYNAMIC_TOPIC_CONFIG');
        assert.deepEqual(byName.get('cleanup.policy'), ['delete', 5], 'every other config too, source DEFAULT_CONFIG');
        assert.equal(byName.size, store.describeTopicConfig(name).length);
      }
      if (version >= 7) assert.equal(uuidText(result.topicId as Buffer), topicId, 'v7 answers the new topic id');
      assert.equal(store.topicConfig(name).retentionMs, 3_600_000);
    }
  });

  it('takes the broker default for -1 partitions, and the assignment count when assignments are given', async () => {
    const assignments = [0, 1, 2].map((partitionIndex) => ({ partitionIndex, brokerIds: [TEST_IDENTITY.nodeId] }));
    const results = await create(broker, 4, [
      topic('defaulted', { numPartitions: -1, replicationFactor: -1 }),
      topic('assigned', { numPartitions: -1, replicationFactor: -1, assignments }),
    ]);
    assert.deepEqual(results.map((r) => r.errorCode), [0, 0]);
    assert.equal(store.describeTopic('defaulted').partitions, 6);
    assert.equal(store.describeTopic('assigned').partitions, 3);
  });

  it('refuses a replication factor above 1, or replicas on another broker, with INVALID_REPLICATION_FACTOR', async () => {
    const results = await create(broker, 4, [
      topic('three', { replicationFactor: 3 }),
      topic('elsewhere', { numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [TEST_IDENTITY.nodeId, 99] }] }),
    ]);
    assert.deepEqual(results.map((r) => r.errorCode), [codeOf('INVALID_REPLICATION_FACTOR'), codeOf('INVALID_REPLICATION_FACTOR')]);
    assert.match(results[0].errorMessage ?? '', /one broker \(node 7\)/);
    assert.deepEqual(store.listTopics().map((t) => t.name), ['taken']);
  });

  it('answers each topic on its own: existing, bad names, partition counts and configs', async () => {
    const results = await create(broker, 4, [
      topic('taken'),
      topic('bad/name'),
      topic('none', { numPartitions: 0 }),
      topic('too-many', { numPartitions: 51 }),
      topic('unknown-config', { configs: { 'no.such.config': '1' } }),
      topic('bad-value', { configs: { 'retention.ms': 'forever' } }),
      topic('fine', { numPartitions: 2 }),
    ]);
    assert.deepEqual(results.map((r) => [r.name, r.errorCode]), [
      ['taken', codeOf('TOPIC_ALREADY_EXISTS')],
      ['bad/name', codeOf('INVALID_TOPIC_EXCEPTION')],
      ['none', codeOf('INVALID_PARTITIONS')],
      ['too-many', codeOf('INVALID_PARTITIONS')],
      ['unknown-config', codeOf('INVALID_CONFIG')],
      ['bad-value', codeOf('INVALID_CONFIG')],
      ['fine', 0],
    ]);
    assert.match(results[4].errorMessage ?? '', /no\.such\.config=1: Unknown topic config name: no\.such\.config/);
    assert.deepEqual(store.listTopics().map((t) => [t.name, t.partitions]), [['fine', 2], ['taken', 1]]);
  });

  it('checks the name and existence before the replication factor', async () => {
    const results = await create(broker, 4, [topic('taken', { replicationFactor: 3 }), topic('bad/name', { replicationFactor: 3 })]);
    assert.deepEqual(results.map((r) => r.errorCode), [codeOf('TOPIC_ALREADY_EXISTS'), codeOf('INVALID_TOPIC_EXCEPTION')]);
  });

  it('validateOnly (v1+) reports what a create would answer and creates nothing', async () => {
    for (const version of [1, 4, 5]) {
      const results = await create(broker, version, [
        topic('would-work', { numPartitions: 3, configs: { 'retention.ms': '1000' } }),
        topic('taken'),
        topic('three', { replicationFactor: 3 }),
        topic('too-many', { numPartitions: 51 }),
        topic('bad-config', { configs: { 'segment.bytes': '1' } }),
      ], true);
      assert.deepEqual(results.map((r) => r.errorCode), [0, codeOf('TOPIC_ALREADY_EXISTS'), codeOf('INVALID_REPLICATION_FACTOR'), codeOf('INVALID_PARTITIONS'), codeOf('INVALID_CONFIG')], `v${version}`);
      assert.deepEqual(store.listTopics().map((t) => t.name), ['taken']);
      if (version >= 5) assert.deepEqual(results[0].configs?.find((c) => c.name === 'retention.ms')?.value, '1000', 'v5+: the configs it would have');
    }
  });

  it('creates for real at v0, which has no validateOnly field', async () => {
    const [result] = await create(broker, 0, [topic('plain', { numPartitions: 2 })], true);
    assert.equal(result.errorCode, 0);
    assert.equal(store.describeTopic('plain').partitions, 2, 'validateOnly was not sent, so the topic exists');
  });
});
