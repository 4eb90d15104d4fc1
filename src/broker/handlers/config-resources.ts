// What DescribeConfigs, AlterConfigs and IncrementalAlterConfigs share: Kafka's resource types, config
// sources and types as numbers, and the broker's own (read-only) settings.
import { KafkaError, KafkaErrors } from '../../protocol/error-codes';
import { errorOf } from './errors';
import type { ConfigSource, ConfigValueType, DescribedConfig } from '../../ports/partition-store';
import type { BrokerState } from '../broker-state';
import type { BrokerConfigLevel } from '../../ports/broker-config-store';
import type { RequestContext } from './handler';
import { allowed, clusterAllowed, ResourceType } from './authorize';
import { formatListeners } from '../listeners';

/** Kafka's ConfigResource.Type ids. */
export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;
export const RESOURCE_BROKER_LOGGER = 8;

/** Kafka's DescribeConfigsResponse.ConfigSource ids. */
export const SOURCE_IDS: Record<ConfigSource, number> = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
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

/**
 * As KafkaApis: a topic's configs need `operation` (DESCRIBE_CONFIGS or ALTER_CONFIGS) on the topic
 * (TOPIC_AUTHORIZATION_FAILED), a broker's and its loggers' on the cluster (CLUSTER_AUTHORIZATION_FAILED).
 */
export function checkConfigAccess(context: RequestContext, resource: ResourceKey, operation: number): void {
  if (resource.resourceType === RESOURCE_TOPIC) {
    if (!allowed(context, operation, ResourceType.TOPIC, resource.resourceName)) throw new KafkaError('TOPIC_AUTHORIZATION_FAILED', `topic ${resource.resourceName}`);
  } else if (resource.resourceType === RESOURCE_BROKER || resource.resourceType === RESOURCE_BROKER_LOGGER) {
    if (!clusterAllowed(context, operation)) throw new KafkaError('CLUSTER_AUTHORIZATION_FAILED', `broker ${resource.resourceName}`);
  }
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
  for (const [name, setting] of Object.entries(broker.startSettings ?? {})) {
    const source = setting.given ? 'STATIC_BROKER_CONFIG' : 'DEFAULT_CONFIG';
    own.push({ ...staticBroker(name, setting.value, setting.type, setting.documentation), source, synonyms: [{ name, value: setting.value, source }] });
  }
  return [...own, ...broker.stores.partitions.describeBrokerConfig(), ...broker.dynamicConfig.describeOthers('broker')].sort((a, b) => a.name.localeCompare(b.name));
}

/** The cluster-wide default resource (""): only what was set there, as Kafka describes it. */
export function clusterDefaultConfigs(broker: BrokerState): DescribedConfig[] {
  const topicDefaults = broker.stores.partitions.describeBrokerConfig().flatMap((config): DescribedConfig[] => {
    const set = config.synonyms.find((s) => s.source === 'DYNAMIC_DEFAULT_BROKER_CONFIG');
    return set ? [{ ...config, value: set.value, source: set.source, synonyms: [set] }] : [];
  });
  return [...topicDefaults, ...broker.dynamicConfig.describeOthers('clusterDefault')].sort((a, b) => a.name.localeCompare(b.name));
}

/** The dynamic level a BROKER resource names, after checking the name. */
export function brokerLevel(broker: BrokerState, name: string): BrokerConfigLevel {
  checkBrokerResource(broker, name);
  return name === '' ? 'clusterDefault' : 'broker';
}

/** Sets a topic's overrides to `overrides` (or only checks them): the store validates every value. */
export function replaceTopicConfig(broker: BrokerState, topic: string, overrides: Record<string, string>, validateOnly: boolean): void {
  const store = broker.stores.partitions;
  store.checkTopicName(topic);
  store.alterTopicConfig(topic, overrides, { validateOnly });
}
