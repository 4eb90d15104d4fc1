import type { ConfigSynonym, ConfigValueType, DescribedConfig, TopicConfigOverrides } from '../ports/partition-store';
import { CONFIG_FIELDS, DEFAULT_LOG_CONFIG, LogConfig, TOPIC_CONFIG_KEYS, catalogueEntry, renderedValue, resolveLogConfig } from './log-config';
import { TopicConfigEntry } from './topic-config-catalogue';
import type { DynamicTopicDefaults } from './dynamic-log-defaults';

const VALUE_TYPES: Record<TopicConfigEntry['type'], ConfigValueType> = {
  int: 'INT', long: 'LONG', double: 'DOUBLE', boolean: 'BOOLEAN', string: 'STRING', list: 'LIST',
};

/** Broker-level defaults: the values every topic falls back to, and which of them the broker was started with. */
export interface BrokerLogDefaults {
  /** The defaults in force (dynamic levels over static). */
  config: Readonly<LogConfig>;
  /** The defaults the broker started with. */
  staticConfig: Readonly<LogConfig>;
  /** The topic defaults set at run time, per level (topic config names). */
  dynamic: DynamicTopicDefaults;
  /** The LogConfig fields set explicitly when the broker started (STATIC_BROKER_CONFIG); the rest are Kafka's (or sluice's) defaults. */
  configured: ReadonlySet<keyof LogConfig>;
}

function brokerSynonyms(name: string, broker: BrokerLogDefaults): ConfigSynonym[] {
  const entry = catalogueEntry(name);
  const synonyms: ConfigSynonym[] = [];
  if (entry.brokerSynonym) {
    const perBroker = broker.dynamic.broker[name];
    const clusterDefault = broker.dynamic.clusterDefault[name];
    if (perBroker !== undefined) synonyms.push({ name: entry.brokerSynonym, value: perBroker, source: 'DYNAMIC_BROKER_CONFIG' });
    if (clusterDefault !== undefined) synonyms.push({ name: entry.brokerSynonym, value: clusterDefault, source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' });
  }
  if (entry.brokerSynonym && broker.configured.has(CONFIG_FIELDS[name])) {
    synonyms.push({ name: entry.brokerSynonym, value: renderedValue(broker.staticConfig, name), source: 'STATIC_BROKER_CONFIG' });
  }
  if (entry.defaultSynonym) synonyms.push({ ...entry.defaultSynonym, source: 'DEFAULT_CONFIG' });
  else if (entry.brokerSynonym) synonyms.push({ name: entry.brokerSynonym, value: renderedValue(DEFAULT_LOG_CONFIG, name), source: 'DEFAULT_CONFIG' });
  return synonyms;
}

/** Every topic config of a topic with `overrides`, in name order, as DescribeConfigs reports them. */
export function describeTopicConfig(overrides: TopicConfigOverrides, broker: BrokerLogDefaults): DescribedConfig[] {
  const effective = resolveLogConfig(overrides, broker.config);
  return TOPIC_CONFIG_KEYS.map((name) => {
    const entry = catalogueEntry(name);
    const fromBroker = brokerSynonyms(name, broker);
    const synonyms: ConfigSynonym[] = overrides[name] !== undefined
      ? [{ name, value: renderedValue(effective, name), source: 'DYNAMIC_TOPIC_CONFIG' }, ...fromBroker]
      : fromBroker;
    return {
      name,
      value: renderedValue(effective, name),
      source: synonyms[0]?.source ?? 'DEFAULT_CONFIG',
      readOnly: false,
      sensitive: false,
      type: VALUE_TYPES[entry.type],
      documentation: entry.documentation,
      synonyms,
    };
  });
}

/**
 * The broker settings behind the topic configs (log.retention.ms …), in name order. They can be changed at
 * run time (Kafka's DynamicLogConfig), so none is read-only.
 */
export function describeBrokerLogConfig(broker: BrokerLogDefaults): DescribedConfig[] {
  const described: DescribedConfig[] = [];
  for (const name of TOPIC_CONFIG_KEYS) {
    const entry = catalogueEntry(name);
    if (!entry.brokerSynonym) continue;
    const synonyms = brokerSynonyms(name, broker);
    const common = { readOnly: false, sensitive: false, type: VALUE_TYPES[entry.type], documentation: entry.documentation };
    const value = renderedValue(broker.config, name);
    described.push({ name: entry.brokerSynonym, value, source: synonyms[0]?.source ?? 'DEFAULT_CONFIG', synonyms, ...common });
    if (entry.defaultSynonym) {
      const hours = entry.defaultSynonym;
      described.push({ name: hours.name, value: hours.value, source: 'DEFAULT_CONFIG', synonyms: [{ ...hours, source: 'DEFAULT_CONFIG' }], ...common, type: 'INT' });
    }
  }
  return described.sort((a, b) => a.name.localeCompare(b.name));
}

/** The LogConfig fields named in a partial set of broker defaults. */
export function configuredFields(defaults: Partial<LogConfig> | undefined): Set<keyof LogConfig> {
  return new Set(Object.keys(defaults ?? {}) as (keyof LogConfig)[]);
}
