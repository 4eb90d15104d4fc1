import { strict as assert } from 'node:assert';
import {
  alterConfigsRequestSchema, alterConfigsResponseSchema, describeConfigsRequestSchema, describeConfigsResponseSchema,
  incrementalAlterConfigsRequestSchema, incrementalAlterConfigsResponseSchema, DescribeConfigsRequest,
} from '../../../src/protocol/generated';
import { KafkaErrors } from '../../../src/protocol/error-codes';
import { describeConfigsHandler } from '../../../src/broker/handlers/32-describe-configs';
import { alterConfigsHandler } from '../../../src/broker/handlers/33-alter-configs';
import { incrementalAlterConfigsHandler } from '../../../src/broker/handlers/44-incremental-alter-configs';
import type { BrokerState } from '../../../src/broker/broker-state';
import { answer, brokerStateOver, versionsOf } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';
import { TOPIC_CONFIG_KEYS } from '../../../src/log/log-config';

const describeApi = { request: describeConfigsRequestSchema, response: describeConfigsResponseSchema };
const alterApi = { request: alterConfigsRequestSchema, response: alterConfigsResponseSchema };
const incrementalApi = { request: incrementalAlterConfigsRequestSchema, response: incrementalAlterConfigsResponseSchema };
const TOPIC = 2;
const BROKER = 4;
const code = (name: keyof typeof KafkaErrors) => KafkaErrors[name].code;

describe('config handlers (DescribeConfigs 32, AlterConfigs 33, IncrementalAlterConfigs 44)', () => {
  let store: MemoryPartitionStore;
  let broker: BrokerState;
  beforeEach(() => {
    store = new MemoryPartitionStore({ defaults: { retentionMs: 3_600_000 } });
    store.createTopic('orders', 1, { 'cleanup.policy': 'compact', 'max.message.bytes': ' 2000 ' });
    broker = brokerStateOver(store);
  });

  async function describe_(resources: DescribeConfigsRequest['resources'], version = 4, extra: Partial<DescribeConfigsRequest> = {}) {
    return (await answer(describeConfigsHandler, describeApi, version, { resources, includeSynonyms: true, includeDocumentation: true, ...extra }, broker)).results;
  }
  const topicConfigs = async (keys: string[] | null = null) => {
    const [result] = await describe_([{ resourceType: TOPIC, resourceName: 'orders', configurationKeys: keys }]);
    assert.equal(result.errorCode, 0, result.errorMessage ?? '');
    return new Map(result.configs.map((c) => [c.name, c]));
  };

  it('describes every topic config with its value, source, type, synonyms and documentation', async () => {
    const configs = await topicConfigs();
    assert.deepEqual([...configs.keys()], [...TOPIC_CONFIG_KEYS], 'every Kafka 3.9 topic config, in name order');
    const policy = configs.get('cleanup.policy')!;
    assert.deepEqual([policy.value, policy.configSource, policy.configType, policy.isDefault], ['compact', 1, 7, false]);
    assert.deepEqual(policy.synonyms?.map((s) => [s.name, s.value, s.source]), [['cleanup.policy', 'compact', 1], ['log.cleanup.policy', 'delete', 5]]);
    assert.equal(configs.get('max.message.bytes')!.value, '2000', 'stored as Kafka renders it');
    const retention = configs.get('retention.ms')!;
    assert.deepEqual([retention.value, retention.configSource], ['3600000', 4], 'the broker\'s own setting: STATIC_BROKER_CONFIG');
    assert.deepEqual(retention.synonyms?.map((s) => [s.name, s.value, s.source]), [['log.retention.ms', '3600000', 4], ['log.retention.hours', '168', 5]]);
    const type = configs.get('message.timestamp.type')!;
    assert.deepEqual([type.value, type.configSource, type.configType, type.isDefault], ['CreateTime', 5, 2, false]);
    assert.equal(configs.get('max.compaction.lag.ms')!.value, '9223372036854775807', 'Long.MAX_VALUE as Kafka shows it');
    assert.match(configs.get('segment.bytes')!.documentation ?? '', /segment/);
  });

  it('filters by key, leaves out synonyms and documentation unless asked, and answers v0 with isDefault', async () => {
    const [result] = await describe_([{ resourceType: TOPIC, resourceName: 'orders', configurationKeys: ['segment.ms', 'no.such'] }], 4, { includeSynonyms: false, includeDocumentation: false });
    assert.deepEqual(result.configs.map((c) => [c.name, c.value, c.synonyms, c.documentation]), [['segment.ms', '604800000', [], null]]);
    for (const version of versionsOf(describeConfigsHandler)) {
      const [v] = await describe_([{ resourceType: TOPIC, resourceName: 'orders', configurationKeys: ['segment.ms', 'cleanup.policy'] }], version, { includeSynonyms: false });
      assert.deepEqual(v.configs.map((c) => c.name), ['cleanup.policy', 'segment.ms'], `v${version}`);
      if (version === 0) assert.deepEqual(v.configs.map((c) => c.isDefault), [false, true]);
    }
  });

  it('describes the broker (by node id) and answers unknown topics, bad names, other brokers and resource types with Kafka codes', async () => {
    const results = await describe_([
      { resourceType: BROKER, resourceName: '7', configurationKeys: null },
      { resourceType: TOPIC, resourceName: 'missing', configurationKeys: null },
      { resourceType: TOPIC, resourceName: 'bad/name', configurationKeys: null },
      { resourceType: BROKER, resourceName: '3', configurationKeys: null },
      { resourceType: 8, resourceName: '7', configurationKeys: null },
    ]);
    assert.deepEqual(results.map((r) => r.errorCode), [0, code('UNKNOWN_TOPIC_OR_PARTITION'), code('INVALID_TOPIC_EXCEPTION'), code('INVALID_REQUEST'), code('INVALID_REQUEST')]);
    const brokerConfigs = new Map(results[0].configs.map((c) => [c.name, c]));
    assert.deepEqual([brokerConfigs.get('log.retention.ms')?.value, brokerConfigs.get('log.retention.ms')?.configSource], ['3600000', 4]);
    assert.deepEqual([brokerConfigs.get('log.segment.bytes')?.value, brokerConfigs.get('log.segment.bytes')?.configSource], ['1073741824', 5]);
    assert.equal(brokerConfigs.get('broker.id')?.value, '7');
  });

  it('AlterConfigs replaces every override; a bad value fails the resource and changes nothing', async () => {
    for (const version of versionsOf(alterConfigsHandler)) {
      const response = await answer(alterConfigsHandler, alterApi, version, { validateOnly: false, resources: [
        { resourceType: TOPIC, resourceName: 'orders', configs: [{ name: 'retention.ms', value: String(1000 + version) }] },
      ] }, broker);
      assert.equal(response.responses[0].errorCode, 0, `v${version}`);
      assert.deepEqual(store.describeTopic('orders').config, { 'retention.ms': String(1000 + version) }, 'cleanup.policy and max.message.bytes went back to their defaults');
    }
    const bad = await answer(alterConfigsHandler, alterApi, 2, { validateOnly: false, resources: [
      { resourceType: TOPIC, resourceName: 'orders', configs: [{ name: 'min.insync.replicas', value: '0' }, { name: 'segment.ms', value: '5' }] },
      { resourceType: TOPIC, resourceName: 'missing', configs: [] },
      { resourceType: BROKER, resourceName: '7', configs: [{ name: 'broker.id', value: '5' }] },
      { resourceType: TOPIC, resourceName: 'orders', configs: [{ name: 'null.value', value: null }] },
    ] }, broker);
    assert.deepEqual(bad.responses.map((r) => r.errorCode), [code('INVALID_REQUEST'), code('UNKNOWN_TOPIC_OR_PARTITION'), code('INVALID_REQUEST'), code('INVALID_REQUEST')]);
    const again = await answer(alterConfigsHandler, alterApi, 2, { validateOnly: false, resources: [
      { resourceType: TOPIC, resourceName: 'orders', configs: [{ name: 'min.insync.replicas', value: '0' }, { name: 'segment.ms', value: '5' }] },
    ] }, broker);
    assert.equal(again.responses[0].errorCode, code('INVALID_CONFIG'));
    assert.match(again.responses[0].errorMessage ?? '', /min\.insync\.replicas.*Value must be at least 1/);
    assert.deepEqual(store.describeTopic('orders').config, { 'retention.ms': '1002' }, 'unchanged');
    const validateOnly = await answer(alterConfigsHandler, alterApi, 1, { validateOnly: true, resources: [
      { resourceType: TOPIC, resourceName: 'orders', configs: [{ name: 'segment.ms', value: '5' }] },
    ] }, broker);
    assert.equal(validateOnly.responses[0].errorCode, 0);
    assert.deepEqual(store.describeTopic('orders').config, { 'retention.ms': '1002' }, 'validateOnly changes nothing');
  });

  it('IncrementalAlterConfigs SET, DELETE, APPEND and SUBTRACT; APPEND on a non-list is INVALID_CONFIG', async () => {
    const run = async (configs: { name: string; configOperation: number; value: string | null }[], version = 1, validateOnly = false) =>
      (await answer(incrementalAlterConfigsHandler, incrementalApi, version, { validateOnly, resources: [{ resourceType: TOPIC, resourceName: 'orders', configs }] }, broker)).responses[0];
    assert.equal((await run([{ name: 'retention.ms', configOperation: 0, value: '5000' }, { name: 'max.message.bytes', configOperation: 1, value: null }], 0)).errorCode, 0);
    assert.deepEqual(store.describeTopic('orders').config, { 'cleanup.policy': 'compact', 'retention.ms': '5000' });
    assert.equal((await run([{ name: 'cleanup.policy', configOperation: 2, value: 'delete' }])).errorCode, 0);
    assert.equal(store.describeTopic('orders').config['cleanup.policy'], 'compact,delete');
    assert.deepEqual(store.topicConfig('orders').cleanupPolicy, ['compact', 'delete']);
    assert.equal((await run([{ name: 'cleanup.policy', configOperation: 3, value: 'compact' }])).errorCode, 0);
    assert.equal(store.describeTopic('orders').config['cleanup.policy'], 'delete');
    assert.equal((await run([{ name: 'leader.replication.throttled.replicas', configOperation: 2, value: '0:7' }])).errorCode, 0, 'APPEND to a list at its default');
    assert.equal(store.describeTopic('orders').config['leader.replication.throttled.replicas'], '0:7');
    const append = await run([{ name: 'retention.ms', configOperation: 2, value: '1' }]);
    assert.equal(append.errorCode, code('INVALID_CONFIG'));
    assert.match(append.errorMessage ?? '', /Config value append is not allowed for config key: retention\.ms/);
    assert.equal((await run([{ name: 'retention.ms', configOperation: 0, value: '1' }, { name: 'retention.ms', configOperation: 1, value: null }])).errorCode, code('INVALID_REQUEST'), 'duplicate keys');
    assert.equal((await run([{ name: 'cleanup.policy', configOperation: 0, value: 'shred' }])).errorCode, code('INVALID_CONFIG'));
    assert.equal((await run([{ name: 'retention.ms', configOperation: 9, value: '1' }])).errorCode, code('INVALID_REQUEST'));
    assert.equal((await run([{ name: 'retention.ms', configOperation: 0, value: '77' }], 1, true)).errorCode, 0);
    assert.equal(store.describeTopic('orders').config['retention.ms'], '5000', 'validateOnly');
  });
});
