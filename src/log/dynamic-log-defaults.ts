import { TOPIC_CONFIG_CATALOGUE } from './topic-config-catalogue';
import { InvalidConfigError } from '../ports/store-errors';
import type { DynamicBrokerConfigs, TopicConfigOverrides } from '../ports/partition-store';

/**
 * The broker configs that set every topic's default (Kafka's DynamicLogConfig: the topic configs' broker
 * synonyms), mapped to the topic config each one sets.
 */
const DIRECT: ReadonlyMap<string, string> = new Map(
  [...TOPIC_CONFIG_CATALOGUE.values()].filter((e) => e.brokerSynonym !== undefined).map((e) => [e.brokerSynonym!, e.name]),
);

/** Kafka's coarser synonyms: a longer unit counts only when the finer one is not set at the same level. */
const IN_UNITS: ReadonlyMap<string, { topic: string; factor: number }> = new Map([
  ['log.retention.minutes', { topic: 'retention.ms', factor: 60_000 }],
  ['log.retention.hours', { topic: 'retention.ms', factor: 3_600_000 }],
  ['log.roll.hours', { topic: 'segment.ms', factor: 3_600_000 }],
  ['log.roll.jitter.hours', { topic: 'segment.jitter.ms', factor: 3_600_000 }],
]);

/** Every broker config name that changes topic defaults. */
export const BROKER_LOG_CONFIG_NAMES: ReadonlySet<string> = new Set([...DIRECT.keys(), ...IN_UNITS.keys()]);

/** One level's broker configs (only the log ones are read) as the topic overrides they amount to. */
export function topicDefaultsOf(configs: Readonly<Record<string, string>>): TopicConfigOverrides {
  const overrides: TopicConfigOverrides = {};
  // Finest first: minutes before hours, so hours never replace minutes or milliseconds.
  for (const [name, { topic, factor }] of [...IN_UNITS].reverse().sort((a, b) => a[1].factor - b[1].factor)) {
    const raw = configs[name];
    if (raw === undefined || overrides[topic] !== undefined || configs[brokerNameOf(topic)] !== undefined) continue;
    if (!/^-?\d+$/.test(raw.trim())) throw new InvalidConfigError(name, raw, `Invalid value ${raw} for configuration ${name}: Not a number of type INT`);
    const units = Number(raw.trim());
    overrides[topic] = String(units < 0 ? -1 : units * factor);
  }
  for (const [name, raw] of Object.entries(configs)) {
    const topic = DIRECT.get(name);
    if (topic !== undefined) overrides[topic] = raw;
  }
  return overrides;
}

function brokerNameOf(topic: string): string {
  return TOPIC_CONFIG_CATALOGUE.get(topic)?.brokerSynonym ?? topic;
}

/** The topic defaults of both dynamic levels, per level. */
export interface DynamicTopicDefaults {
  broker: TopicConfigOverrides;
  clusterDefault: TopicConfigOverrides;
}

export function dynamicTopicDefaults(configs: DynamicBrokerConfigs): DynamicTopicDefaults {
  return { broker: topicDefaultsOf(configs.broker), clusterDefault: topicDefaultsOf(configs.clusterDefault) };
}
