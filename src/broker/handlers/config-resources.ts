// What DescribeConfigs, AlterConfigs and IncrementalAlterConfigs share: Kafka's resource types, config
// sources and types as numbers, and the broker's own (read-only) settings.
import { KafkaError, KafkaErrors } from '../../protocol/error-codes';
import { errorOf } from './errors';
import type { ConfigSource, ConfigValueType, DescribedConfig } from '../../ports/partition-store';
import type { BrokerState } from '../broker-state';
import { formatListeners } from '../listeners';

/** Kafka's ConfigResource.Type ids. */
export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;
export const RESOURCE_BROKER_LOGGER = 8;

/** Kafka's DescribeConfigsResponse.ConfigSource ids. */
export const SOURCE_IDS: Record<ConfigSource, number> = {
  DYNAMIC_TOPIC_CONFIG: 1,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
};

/** Kafka's ConfigEntry.ConfigType ids (DescribeConfigs v3+). */
export const TYPE_IDS: Record<ConfigValueType, number> = { BOOLEAN: 1, STRING: 2, INT: 3, LONG: 5, DOUBLE: 6, LIST: 7 };

export interface ResourceKey {
  resourceType: number;
  resourceName: string;
}

/** Resources named twice in one request; Kafka answers each of them INVALID_REQUEST. */
export function duplicatedResources(resources: readonly ResourceKey[]): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const r of resources) {
    const key = resourceId(r);
    if (seen.has(key)) twice.add(key);
    seen.add(key);
  }
  return twice;
}

export function resourceId(resource: ResourceKey): string {
  return `${resource.resourceType}:${resource.resourceName}`;
}

export interface AlterResult extends ResourceKey {
  errorCode: number;
  errorMessage: string | null;
}

/**
 * AlterConfigs' and IncrementalAlterConfigs' answer: `alter` runs for each resource named once; a resource
 * named twice is INVALID_REQUEST, and a failure answers that resource only.
 */
export function alterEachResource<R extends ResourceKey>(resources: readonly R[], alter: (resource: R) => void): AlterResult[] {
  const duplicated = duplicatedResources(resources);
  return resources.map((resource) => {
    const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
    if (duplicated.has(resourceId(resource))) return { ...base, errorCode: KafkaErrors.INVALID_REQUEST.code, errorMessage: 'Error due to duplicate resource' };
    try {
      alter(resource);
      return { ...base, errorCode: 0, errorMessage: null };
    } catch (error) {
      const { code, message } = errorOf(error);
      return { ...base, errorCode: code, errorMessage: message };
    }
  });
}

/** A BROKER resource must name this broker (or be "" for the cluster-wide default), as Kafka checks. */
export function checkBrokerResource(broker: BrokerState, name: string): void {
  if (name !== '' && name !== String(broker.identity.nodeId)) {
    throw new KafkaError('INVALID_REQUEST', `Unexpected broker id, expected ${broker.identity.nodeId} or empty string, but received ${name}`);
  }
}

function staticBroker(name: string, value: string, type: ConfigValueType, documentation: string): DescribedConfig {
  return {
    name, value, type, documentation, source: 'STATIC_BROKER_CONFIG', readOnly: true, sensitive: false,
    synonyms: [{ name, value, source: 'STATIC_BROKER_CONFIG' }],
  };
}

function advertisedListeners(identity: BrokerState['identity']): string {
  const endpoints = identity.endpoints ?? [{ listenerName: 'PLAINTEXT', host: identity.advertisedHost, port: identity.advertisedPort }];
  return formatListeners(endpoints);
}

/** This broker's settings: identity and replication (one broker), then the log defaults of the store. */
export function brokerConfigs(broker: BrokerState): DescribedConfig[] {
  const { identity, topicDefaults } = broker;
  const own: DescribedConfig[] = [
    staticBroker('broker.id', String(identity.nodeId), 'INT', 'The id of this broker.'),
    staticBroker('node.id', String(identity.nodeId), 'INT', 'The node id of this broker.'),
    staticBroker('advertised.listeners', advertisedListeners(identity), 'STRING', 'The address clients are told to connect to.'),
    staticBroker('num.partitions', String(topicDefaults.numPartitions), 'INT', 'The partitions of an automatically created topic, or one created with -1 partitions.'),
    staticBroker('auto.create.topics.enable', String(topicDefaults.autoCreateTopics), 'BOOLEAN', 'Whether Metadata and Produce create missing topics.'),
    staticBroker('default.replication.factor', '1', 'INT', 'Replicas of a new topic: one, with one broker.'),
    staticBroker('offsets.topic.replication.factor', '1', 'INT', 'Replicas of the offsets topic: one, with one broker.'),
    staticBroker('transaction.state.log.replication.factor', '1', 'INT', 'Replicas of the transaction state topic: one, with one broker.'),
    staticBroker('transaction.state.log.min.isr', '1', 'INT', 'In-sync replicas the transaction state topic needs.'),
  ];
  return [...own, ...broker.stores.partitions.describeBrokerConfig()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Sets a topic's overrides to `overrides` (or only checks them): the store validates every value. */
export function replaceTopicConfig(broker: BrokerState, topic: string, overrides: Record<string, string>, validateOnly: boolean): void {
  const store = broker.stores.partitions;
  store.checkTopicName(topic);
  store.alterTopicConfig(topic, overrides, { validateOnly });
}

/** sluice takes broker settings at start only; a BROKER resource with changes is refused as Kafka refuses static configs. */
export function refuseBrokerChanges(broker: BrokerState, name: string, keys: readonly string[]): void {
  checkBrokerResource(broker, name);
  if (keys.length > 0) {
    throw new KafkaError('INVALID_REQUEST', `Cannot update these configs dynamically: ${keys.join(', ')} (sluice takes broker settings at start; alter topic configs instead)`);
  }
}
