import type { LogManager } from '../log/log-manager';
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

/** What request handlers may touch: the logs, who this broker is, and the append wake-ups. */
export interface BrokerState {
  logs: LogManager;
  identity: BrokerIdentity;
  topicDefaults: TopicDefaults;
  appends: AppendNotifier;
  /** True once shutdown began: long polls answer at once. */
  stopping: boolean;
}
