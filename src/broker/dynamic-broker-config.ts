import { KafkaError } from '../protocol/error-codes';
import type { BrokerConfigLevel, BrokerConfigStore, DynamicBrokerConfigPort, DynamicBrokerConfigs } from '../ports/broker-config-store';
import type { ConfigSynonym, ConfigValueType, DescribedConfig, PartitionStore } from '../ports/partition-store';

interface OtherDynamicConfig {
  type: ConfigValueType;
  /** Kafka's PerBrokerConfigs: refused on the cluster-wide default resource. */
  perBroker?: boolean;
  min?: number;
}

const KERBEROS = 'A Kerberos and SASL/OAUTHBEARER login setting: kept and described, with no effect (sluice has no Kerberos or OAUTHBEARER login).';
const THREADS = 'A thread-pool or replication setting of Kafka: kept and described, with no effect (sluice runs on one event loop and one broker).';

/**
 * Kafka 3.9's dynamic broker configs (DynamicBrokerConfig.AllDynamicConfigs) for which sluice has no
 * mechanism. Kafka accepts them at run time, so sluice does too (admin tools and librdkafka's tests set
 * them), stores them and describes them; the topic defaults (log.retention.ms …) are applied instead.
 */
const OTHER_DYNAMIC: ReadonlyMap<string, OtherDynamicConfig> = new Map([
  ['sasl.kerberos.service.name', { type: 'STRING', perBroker: true }],
  ['sasl.kerberos.kinit.cmd', { type: 'STRING', perBroker: true }],
  ['sasl.kerberos.ticket.renew.window.factor', { type: 'DOUBLE', perBroker: true }],
  ['sasl.kerberos.ticket.renew.jitter', { type: 'DOUBLE', perBroker: true }],
  ['sasl.kerberos.min.time.before.relogin', { type: 'LONG', perBroker: true }],
  ['sasl.kerberos.principal.to.local.rules', { type: 'LIST', perBroker: true }],
  ['sasl.login.refresh.window.factor', { type: 'DOUBLE', perBroker: true }],
  ['sasl.login.refresh.window.jitter', { type: 'DOUBLE', perBroker: true }],
  ['sasl.login.refresh.min.period.seconds', { type: 'INT', perBroker: true, min: 0 }],
  ['sasl.login.refresh.buffer.seconds', { type: 'INT', perBroker: true, min: 0 }],
  ['num.io.threads', { type: 'INT', min: 1 }],
  ['num.network.threads', { type: 'INT', min: 1 }],
  ['num.replica.fetchers', { type: 'INT', min: 1 }],
  ['num.recovery.threads.per.data.dir', { type: 'INT', min: 1 }],
  ['background.threads', { type: 'INT', min: 1 }],
  ['log.cleaner.threads', { type: 'INT', min: 0 }],
  ['log.cleaner.io.max.bytes.per.second', { type: 'DOUBLE' }],
  ['log.cleaner.dedupe.buffer.size', { type: 'LONG' }],
  ['log.cleaner.io.buffer.size', { type: 'INT', min: 0 }],
  ['log.cleaner.io.buffer.load.factor', { type: 'DOUBLE' }],
  ['metric.reporters', { type: 'LIST' }],
  ['leader.replication.throttled.rate', { type: 'LONG', min: 0 }],
  ['follower.replication.throttled.rate', { type: 'LONG', min: 0 }],
  ['replica.alter.log.dirs.io.max.bytes.per.second', { type: 'LONG', min: 0 }],
]);

/** Broker configs that exist but are taken at start only: Kafka's static ones, and those sluice takes as flags. */
const STATIC_ONLY = new Set([
  'broker.id', 'node.id', 'process.roles', 'controller.quorum.voters', 'zookeeper.connect', 'log.dirs', 'log.dir',
  'listeners', 'advertised.listeners', 'listener.security.protocol.map', 'inter.broker.listener.name', 'security.inter.broker.protocol',
  'num.partitions', 'auto.create.topics.enable', 'default.replication.factor', 'offsets.topic.replication.factor',
  'transaction.state.log.replication.factor', 'transaction.state.log.min.isr', 'transaction.max.timeout.ms',
  'log.cleaner.backoff.ms', 'log.retention.check.interval.ms', 'max.connections', 'max.connections.per.ip',
  'connections.max.idle.ms', 'socket.request.max.bytes', 'queued.max.request.bytes', 'sasl.enabled.mechanisms', 'connections.max.reauth.ms',
  'ssl.client.auth', 'allow.everyone.if.no.acl.found', 'super.users', 'group.initial.rebalance.delay.ms',
  'group.min.session.timeout.ms', 'group.max.session.timeout.ms', 'group.max.size', 'producer.id.expiration.ms',
]);

const scalaSet = (names: readonly string[]) => `Set(${names.join(', ')})`;

function typeProblem(name: string, value: string, spec: OtherDynamicConfig): string | undefined {
  const text = value.trim();
  if (spec.type === 'INT' || spec.type === 'LONG') {
    if (!/^-?\d+$/.test(text)) return `Invalid value ${value} for configuration ${name}: Not a number of type ${spec.type}`;
    if (spec.min !== undefined && Number(text) < spec.min) return `Invalid value ${value} for configuration ${name}: Value must be at least ${spec.min}`;
  }
  if (spec.type === 'DOUBLE' && !Number.isFinite(Number(text))) return `Invalid value ${value} for configuration ${name}: Not a number of type DOUBLE`;
  return undefined;
}

/**
 * Kafka's KIP-226 dynamic broker configs on one broker: checked as DynamicBrokerConfig.validateConfigs does,
 * the topic defaults applied by the partition store at once, everything kept in a store and set again at start.
 */
export class DynamicBrokerConfig implements DynamicBrokerConfigPort {
  private constructor(private readonly store: BrokerConfigStore, private readonly partitions: PartitionStore, private configs: DynamicBrokerConfigs) {}

  /** A stored config the partition store no longer accepts is reported and left unapplied; the broker still starts. */
  static open(store: BrokerConfigStore, partitions: PartitionStore, log: (line: string) => void): DynamicBrokerConfig {
    const configs = store.load();
    try {
      partitions.setDynamicBrokerDefaults(configs);
    } catch (error) {
      log(`dynamic broker configs not applied: ${(error as Error).message}`);
    }
    return new DynamicBrokerConfig(store, partitions, configs);
  }

  current(level: BrokerConfigLevel): Readonly<Record<string, string>> {
    return this.configs[level];
  }

  replace(level: BrokerConfigLevel, configs: Record<string, string>, validateOnly: boolean): void {
    this.check(level, configs);
    const next: DynamicBrokerConfigs = { ...this.configs, [level]: { ...configs } };
    this.partitions.setDynamicBrokerDefaults(next, { validateOnly: true });
    if (validateOnly) return;
    this.store.save(next);
    this.partitions.setDynamicBrokerDefaults(next);
    this.configs = next;
  }

  describeOthers(level: BrokerConfigLevel): DescribedConfig[] {
    const names = new Set([...Object.keys(this.configs.clusterDefault), ...(level === 'broker' ? Object.keys(this.configs.broker) : [])]);
    const described: DescribedConfig[] = [];
    for (const name of [...names].sort()) {
      const spec = OTHER_DYNAMIC.get(name);
      if (!spec) continue;
      const synonyms: ConfigSynonym[] = [];
      if (level === 'broker' && this.configs.broker[name] !== undefined) synonyms.push({ name, value: this.configs.broker[name], source: 'DYNAMIC_BROKER_CONFIG' });
      if (this.configs.clusterDefault[name] !== undefined) synonyms.push({ name, value: this.configs.clusterDefault[name], source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' });
      const documentation = name.startsWith('sasl.') ? KERBEROS : THREADS;
      described.push({ name, value: synonyms[0].value, source: synonyms[0].source, readOnly: false, sensitive: false, type: spec.type, documentation, synonyms });
    }
    return described;
  }

  /** Kafka's order of checks; the first that fails refuses the whole resource. */
  private check(level: BrokerConfigLevel, configs: Record<string, string>): void {
    const names = Object.keys(configs);
    const staticOnes = names.filter((n) => STATIC_ONLY.has(n) || n.startsWith('listener.name.'));
    if (staticOnes.length > 0) throw new KafkaError('INVALID_REQUEST', `Cannot update these configs dynamically: ${scalaSet(staticOnes)}`);
    const security = names.filter((n) => n.startsWith('ssl.'));
    if (security.length > 0) {
      throw new KafkaError('INVALID_REQUEST', `These security configs can be dynamically updated only per-listener using the listener prefix: ${scalaSet(security)}`);
    }
    const unknown = names.filter((n) => !OTHER_DYNAMIC.has(n) && !this.partitions.brokerLogConfigNames.has(n));
    if (unknown.length > 0) throw new KafkaError('INVALID_CONFIG', `Unknown broker configs: ${scalaSet(unknown)} (not a dynamic broker config of Kafka 3.9)`);
    for (const name of names) {
      const spec = OTHER_DYNAMIC.get(name);
      const problem = spec && typeProblem(name, configs[name], spec);
      if (problem) throw new KafkaError('INVALID_REQUEST', problem);
    }
    const perBroker = names.filter((n) => OTHER_DYNAMIC.get(n)?.perBroker);
    if (level === 'clusterDefault' && perBroker.length > 0) {
      throw new KafkaError('INVALID_REQUEST', `Cannot update these configs at default cluster level, broker id must be specified: ${scalaSet(perBroker)}`);
    }
  }
}
