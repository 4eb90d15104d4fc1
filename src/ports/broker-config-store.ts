import type { DescribedConfig, DynamicBrokerConfigs } from './partition-store';

export type { DynamicBrokerConfigs } from './partition-store';

/** Which dynamic level a BROKER resource names: this broker (its id) or the cluster-wide default (""). */
export type BrokerConfigLevel = keyof DynamicBrokerConfigs;

/** Where dynamic broker configs are kept between starts (Kafka keeps them in its metadata log). */
export interface BrokerConfigStore {
  /** Both levels as last saved; empty ones before the first save. */
  load(): DynamicBrokerConfigs;
  /** Durably: once this returns a crash keeps the new configs, and before it the old ones. */
  save(configs: DynamicBrokerConfigs): void;
}

/** What the config handlers use: both levels, checked, applied and kept. */
export interface DynamicBrokerConfigPort {
  current(level: BrokerConfigLevel): Readonly<Record<string, string>>;
  /**
   * Replaces the level's configs with `configs` (AlterConfigs semantics; IncrementalAlterConfigs computes the
   * full set first). A KafkaError (INVALID_REQUEST or INVALID_CONFIG, naming the keys) changes nothing.
   */
  replace(level: BrokerConfigLevel, configs: Record<string, string>, validateOnly: boolean): void;
  /** The level's dynamic configs that are not topic defaults (those come from the partition store), as described. */
  describeOthers(level: BrokerConfigLevel): DescribedConfig[];
}
