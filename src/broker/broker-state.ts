import type { PartitionStore } from '../ports/partition-store';
import type { GroupStore } from '../ports/group-store';
import type { GroupCoordinatorPort } from '../ports/group-coordinator';
import type { TransactionCoordinator } from '../ports/transaction-coordinator';
import type { Authorizer } from '../ports/authorizer';
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
  /** Consumer group metadata and committed offsets (what Kafka keeps in __consumer_offsets). */
  groups: GroupStore;
  /** Producer ids, epochs and transactions. */
  transactions: TransactionCoordinator;
  /** The ACLs and the decision on each request (Kafka's authorizer). */
  authorizer: Authorizer;
}

/** What request handlers may touch: the stores, who this broker is, and the append wake-ups. */
export interface BrokerState {
  stores: BrokerStores;
  /** Membership, rebalances and offset rules of consumer groups, over `stores.groups`. */
  groupCoordinator: GroupCoordinatorPort;
  identity: BrokerIdentity;
  topicDefaults: TopicDefaults;
  appends: AppendNotifier;
  /** True once shutdown began: long polls answer at once. */
  stopping: boolean;
}
