import type { PartitionStore } from '../ports/partition-store';
import type { TransactionCoordinator } from '../ports/transaction-coordinator';
import type { AppendNotifier } from './append-notifier';

export interface BrokerIdentity {
  nodeId: number;
  /** The host and port clients are told to connect to (Metadata). */
  advertisedHost: string;
  advertisedPort: number;
  clusterId: string;
}

export interface TopicDefaults {
  numPartitions: number;
  autoCreateTopics: boolean;
}

/** The storage handlers reach, one port per kind of state. */
export interface BrokerStores {
  partitions: PartitionStore;
  /** Producer ids, epochs and transactions. */
  transactions: TransactionCoordinator;
}

/** What request handlers may touch: the stores, who this broker is, and the append wake-ups. */
export interface BrokerState {
  stores: BrokerStores;
  identity: BrokerIdentity;
  topicDefaults: TopicDefaults;
  appends: AppendNotifier;
  /** True once shutdown began: long polls answer at once. */
  stopping: boolean;
}
