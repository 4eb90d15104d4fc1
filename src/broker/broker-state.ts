import type { PartitionStore } from '../ports/partition-store';
import type { GroupStore } from '../ports/group-store';
import type { GroupCoordinatorPort } from '../ports/group-coordinator';
import type { TransactionCoordinator } from '../ports/transaction-coordinator';
import type { Authorizer } from '../ports/authorizer';
import type { CredentialStore } from '../ports/credential-store';
import type { AppendNotifier } from './append-notifier';
import type { DynamicBrokerConfigPort } from '../ports/broker-config-store';
import type { AdvertisedEndpoint } from './listeners';
import type { BrokerMetrics } from '../ports/broker-metrics';
import type { ReadBufferPool } from './read-buffer-pool';

export interface BrokerIdentity {
  nodeId: number;
  /** The host and port clients are told to connect to (Metadata): the first listener's. */
  advertisedHost: string;
  advertisedPort: number;
  clusterId: string;
  /** Each listener's advertised address: a client is told the one of the listener it came in through, as Kafka does. */
  endpoints?: AdvertisedEndpoint[];
}

/** The address to give a client that connected through `listenerName`. */
export function advertisedEndpoint(identity: BrokerIdentity, listenerName: string): { host: string; port: number } {
  const endpoint = identity.endpoints?.find((e) => e.listenerName === listenerName);
  return endpoint ?? { host: identity.advertisedHost, port: identity.advertisedPort };
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
  /**
   * Start-time settings DescribeConfigs reports beside identity and topic defaults (security ones such as
   * connections.max.reauth.ms, which clients read back): the value and whether it was given (else Kafka's default).
   */
  startSettings?: Readonly<Record<string, { value: string; type: 'LONG' | 'LIST' | 'BOOLEAN' | 'STRING'; given: boolean; documentation: string }>>;
  topicDefaults: TopicDefaults;
  /** Broker configs changed at run time (AlterConfigs on a BROKER resource), kept across restarts. */
  dynamicConfig: DynamicBrokerConfigPort;
  appends: AppendNotifier;
  /** SCRAM and PLAIN users (DescribeUserScramCredentials, AlterUserScramCredentials); absent in handler tests. */
  credentials?: CredentialStore;
  /** Counters and timings for `/metrics` (`sluice broker --metrics-port`); absent in handler tests. */
  metrics?: BrokerMetrics;
  /** Buffers Fetch reads the log into, reused once each response is written; absent in handler tests. */
  readBuffers?: ReadBufferPool;
  /** True once shutdown began: long polls answer at once. */
  stopping: boolean;
}
