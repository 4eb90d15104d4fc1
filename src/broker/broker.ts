import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { LogManager } from '../log/log-manager';
import { storageLimits } from './storage-limits';
import type { LogConfig } from '../log/log-config';
import { AppendNotifier } from './append-notifier';
import type { BrokerState } from './broker-state';
import { createDispatcher } from './dispatcher';
import { ReadBufferPool } from './read-buffer-pool';
import { KafkaServer } from './server';
import { brokerHandlers } from './handlers/registry';
import { ConnectionOptions, connectionSettings } from './connection-settings';
import { FileGroupStore } from '../group-store/file-group-store';
import { GroupCoordinator } from '../groups/group-coordinator';
import type { GroupCoordinatorConfig } from '../groups/group-config';
import { LocalTransactionCoordinator } from '../txn/transaction-coordinator';
import { groupStoreOffsetSink } from '../txn/group-offset-sink';
import { BrokerConfigFile } from '../log/broker-config-file';
import { DynamicBrokerConfig } from './dynamic-broker-config';
import { StandardAuthorizer } from '../acl/standard-authorizer';
import { FileAclStore } from '../acl/file-acl-store';
import { FileCredentialStore } from '../credential-store/file-credential-store';
import type { CredentialStore } from '../ports/credential-store';
import { advertisedEndpoints, formatListeners } from './listeners';
import { listenerSetup, reloadedSecureContext, SecurityOptions } from './security/listener-setup';
import { DEFAULT_SASL_MECHANISMS } from './security/sasl-mechanisms';
import type { MetricsServer } from '../metrics/metrics-server';

export interface BrokerOptions extends ConnectionOptions, SecurityOptions {
  dataDir: string;
  /** One PLAINTEXT listener on host:port when `listeners` is not given. */
  host?: string;
  port?: number;
  advertisedHost?: string;
  numPartitions?: number;
  autoCreateTopics?: boolean;
  nodeId?: number;
  maxPartitionsPerTopic?: number;
  /** Partitions of all topics together (default from the open-file limit; see storage-limits.ts). */
  maxPartitions?: number;
  /** Segment files that may hold a descriptor at once (default: half the open-file limit). */
  maxOpenFiles?: number;
  logDefaults?: Partial<LogConfig>;
  /** Kafka: log.cleaner.backoff.ms, the pause between the log cleaner's passes (default 15000). */
  logCleanerBackoffMs?: number;
  /** Kafka: log.retention.check.interval.ms, how often retention runs (default 300000). */
  logRetentionCheckIntervalMs?: number;
  /** The group coordinator's settings (group.initial.rebalance.delay.ms and the rest, camelCase). */
  groups?: Partial<GroupCoordinatorConfig>;
  /** Kafka's transaction.max.timeout.ms (default 900000): a longer transaction.timeout.ms is refused. */
  transactionMaxTimeoutMs?: number;
  /** Kafka's transaction.abort.timed.out.transaction.cleanup.interval.ms (default 10000). */
  transactionAbortCheckIntervalMs?: number;
  /**
   * Kafka's allow.everyone.if.no.acl.found: a resource no ACL names is open to everyone. Default true (Kafka's is
   * false) so a broker without ACLs behaves as before; set false to close everything not explicitly allowed.
   */
  allowEveryoneIfNoAclFound?: boolean;
  /** Kafka's super.users: principals ("User:admin") every ACL check lets through. */
  superUsers?: string[];
  /** Serves Prometheus metrics (`GET /metrics`) on this port (0: any free one); none when absent. */
  metricsPort?: number;
  /** Where the metrics port listens; loopback by default. */
  metricsHost?: string;
  log?: (line: string) => void;
}

/** Kafka's meta.properties: the cluster id survives restarts. */
function clusterIdFor(dataDir: string, nodeId: number): string {
  const file = path.join(dataDir, 'meta.properties');
  if (fs.existsSync(file)) {
    const match = /^cluster\.id=(.+)$/m.exec(fs.readFileSync(file, 'utf8'));
    if (match) return match[1].trim();
  }
  const clusterId = randomBytes(16).toString('base64url').slice(0, 22);
  fs.writeFileSync(file, `version=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\n`);
  return clusterId;
}

/** The log engine behind a Kafka-protocol TCP listener. */
export class Broker {
  private constructor(
    private readonly state: BrokerState,
    private readonly logManager: LogManager,
    private readonly groupStore: FileGroupStore,
    private readonly groupCoordinator: GroupCoordinator,
    private readonly transactions: LocalTransactionCoordinator,
    private readonly authorizer: StandardAuthorizer,
    private readonly server: KafkaServer,
    private readonly options: BrokerOptions,
    readonly host: string,
    readonly port: number,
    /** Each listener's bound address, in the order of `listeners`. */
    readonly listeners: { name: string; host: string; port: number }[],
    /** The Prometheus scrape target, when `metricsPort` was given. */
    readonly metrics: MetricsServer | null,
  ) {}

  static async start(options: BrokerOptions): Promise<Broker> {
    const log = options.log ?? (() => undefined);
    const connections = connectionSettings(options);
    const host = options.host ?? '127.0.0.1';
    const nodeId = options.nodeId ?? 0;
    const limits = storageLimits(options);
    const credentials = FileCredentialStore.open(options.dataDir);
    const setup = listenerSetup(options, { host, port: options.port ?? 9092 }, credentials, connections.frameTimeoutMs, log);
    const logs = LogManager.open(options.dataDir, {
      defaults: options.logDefaults,
      maxPartitionsPerTopic: options.maxPartitionsPerTopic,
      maxPartitions: limits.maxPartitions,
      maxOpenFiles: limits.maxOpenFiles,
      cleanerBackoffMs: options.logCleanerBackoffMs,
      retentionCheckIntervalMs: options.logRetentionCheckIntervalMs,
      log,
    });
    let dynamicConfig: DynamicBrokerConfig;
    try {
      dynamicConfig = DynamicBrokerConfig.open(new BrokerConfigFile(options.dataDir), logs, log);
    } catch (error) {
      logs.close();
      throw error;
    }
    const appends = new AppendNotifier();
    let authorizer: StandardAuthorizer;
    try {
      authorizer = new StandardAuthorizer(new FileAclStore(options.dataDir), {
        allowEveryoneIfNoAclFound: options.allowEveryoneIfNoAclFound ?? true,
        superUsers: options.superUsers ?? [],
        log,
      });
    } catch (error) {
      logs.close();
      throw error;
    }
    let groupStore: FileGroupStore;
    let groupCoordinator: GroupCoordinator;
    let transactions: LocalTransactionCoordinator;
    try {
      groupStore = FileGroupStore.open(options.dataDir, { log });
      try {
        groupCoordinator = new GroupCoordinator(groupStore, { ...options.groups, log, topicExists: (topic) => logs.hasTopic(topic) });
        transactions = LocalTransactionCoordinator.open({
          dataDir: options.dataDir,
          partitions: logs,
          offsets: groupStoreOffsetSink(groupStore),
          maxTimeoutMs: options.transactionMaxTimeoutMs,
          abortCheckIntervalMs: options.transactionAbortCheckIntervalMs,
          log,
          onMarkerWritten: (topic, partition) => appends.appended(topic, partition),
        });
      } catch (error) {
        groupStore.close();
        throw error;
      }
    } catch (error) {
      logs.close();
      throw error;
    }
    const state: BrokerState = {
      stores: { partitions: logs, groups: groupStore, transactions, authorizer },
      groupCoordinator,
      identity: { nodeId, advertisedHost: options.advertisedHost ?? host, advertisedPort: options.port ?? 9092, clusterId: clusterIdFor(options.dataDir, nodeId) },
      topicDefaults: { numPartitions: options.numPartitions ?? 4, autoCreateTopics: options.autoCreateTopics ?? true },
      dynamicConfig,
      startSettings: startSettings(options),
      appends,
      credentials,
      readBuffers: new ReadBufferPool(),
      stopping: false,
    };
    // prom-client is loaded only when metrics are asked for, so a plain broker starts as fast as before.
    const metrics = options.metricsPort === undefined ? null : new (await import('../metrics/broker-metrics')).PrometheusBrokerMetrics(logs, groupStore);
    if (metrics) state.metrics = metrics;
    const server = new KafkaServer(createDispatcher(brokerHandlers(), state), {
      metrics: metrics ?? undefined,
      listeners: setup.listeners,
      sasl: setup.sasl,
      logAuthentication: options.logAuthentications ? log : undefined,
      ...connections,
      log,
    });
    let addresses;
    let metricsServer: MetricsServer | null = null;
    try {
      addresses = await server.listen();
      state.identity.endpoints = advertisedEndpoints(setup.listeners, addresses.map((a) => a.port), options.advertisedListeners, options.advertisedHost);
      if (metrics) metricsServer = await (await import('../metrics/metrics-server')).startMetricsServer(metrics.registry, options.metricsPort!, options.metricsHost);
    } catch (error) {
      await server.close().catch(() => undefined);
      groupCoordinator.stop();
      transactions.close();
      groupStore.close();
      logs.close();
      throw error;
    }
    const [address] = addresses;
    state.identity.advertisedHost = state.identity.endpoints[0].host;
    state.identity.advertisedPort = state.identity.endpoints[0].port;
    const bound = setup.listeners.map((l, i) => ({ name: l.name, host: addresses[i].address, port: addresses[i].port }));
    logs.startBackgroundTasks();
    groupCoordinator.setPendingTransactionalOffsets((group, topic, partition) => transactions.hasPendingOffset(group, topic, partition));
    groupCoordinator.start();
    transactions.startTimers();
    const recovered = !logs.openedClean && logs.listTopics().length > 0;
    log(`limits: max.partitions=${limits.maxPartitions} (${logs.partitionCount} in use), segment files open at once ≤ ${limits.maxOpenFiles}, open-file limit ${limits.openFileLimit ?? 'unknown'}`);
    log(`authorizer: ${authorizer.aclCount} ACL${authorizer.aclCount === 1 ? '' : 's'}, allow.everyone.if.no.acl.found=${options.allowEveryoneIfNoAclFound ?? true}, super.users=${(options.superUsers ?? []).join(';')}`);
    for (const warning of setup.warnings) log(warning);
    const where = options.listeners ? formatListeners(bound) : `${address.address}:${address.port}`;
    log(`sluice broker ${nodeId} listening on ${where}, data in ${options.dataDir}${recovered ? ' (recovered after an unclean stop)' : ''}`);
    if (metricsServer) log(`metrics for Prometheus at ${metricsServer.url}`);
    return new Broker(state, logs, groupStore, groupCoordinator, transactions, authorizer, server, options, address.address, address.port, bound, metricsServer);
  }

  /** Reads the TLS key and certificate files again for new connections (SIGHUP); answers how many listeners took them. */
  reloadCertificates(): number {
    if (!this.listeners.length || !this.options.sslKeystoreLocation) return 0;
    return this.server.setSecureContext(reloadedSecureContext(this.options));
  }

  /** The buffers Fetch reads the log into (see ReadBufferPool). */
  get fetchBuffers(): ReadBufferPool {
    return this.state.readBuffers!;
  }

  get logs(): LogManager {
    return this.logManager;
  }

  /** The users SASL logs in (`sluice users`); the embedded schema registry's basic auth checks them too. */
  get credentials(): CredentialStore {
    return this.state.credentials!;
  }

  /** Wakes fetches waiting on a partition that was appended to from inside this process (the schema registry). */
  appended(topic: string, partition: number): void {
    this.state.appends.appended(topic, partition);
  }

  /** Stops accepting, answers the requests already received, flushes and writes the clean-shutdown marker. */
  async stop(): Promise<void> {
    this.state.stopping = true;
    this.state.appends.wakeAll();
    // Waiting JoinGroups and SyncGroups are answered first, or closing would wait for their rebalance.
    this.groupCoordinator.stop();
    await this.server.close();
    await this.metrics?.close();
    this.transactions.close();
    this.groupStore.close();
    this.authorizer.close();
    this.logManager.close();
  }
}

/** The security settings a client may read back with DescribeConfigs (librdkafka checks connections.max.reauth.ms). */
function startSettings(options: BrokerOptions): NonNullable<BrokerState['startSettings']> {
  return {
    'connections.max.reauth.ms': {
      value: String(options.connectionsMaxReauthMs ?? 0), type: 'LONG', given: options.connectionsMaxReauthMs !== undefined,
      documentation: 'How long a SASL session lasts before the client must re-authenticate (KIP-368); 0: for ever.',
    },
    'sasl.enabled.mechanisms': {
      value: (options.saslEnabledMechanisms ?? DEFAULT_SASL_MECHANISMS).join(','), type: 'LIST', given: options.saslEnabledMechanisms !== undefined,
      documentation: 'The SASL mechanisms SASL listeners offer.',
    },
    'allow.everyone.if.no.acl.found': {
      value: String(options.allowEveryoneIfNoAclFound ?? true), type: 'BOOLEAN', given: options.allowEveryoneIfNoAclFound !== undefined,
      documentation: 'Whether a resource no ACL matches is open to everyone (sluice\'s default true; Kafka\'s false).',
    },
    'super.users': {
      value: (options.superUsers ?? []).join(';'), type: 'STRING', given: options.superUsers !== undefined,
      documentation: 'Principals every ACL check allows.',
    },
  };
}
