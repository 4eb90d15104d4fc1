import type { Argv } from 'yargs';
import { Broker } from '../../broker/broker';
import { CONNECTION_DEFAULTS as d } from '../../broker/connection-settings';
import { GROUP_DEFAULTS as g } from '../../groups/group-config';
import type { CommandIO } from '../io';
import type { SslClientAuth } from '../../broker/security/tls-settings';

export interface BrokerArgs {
  'data-dir': string;
  host: string;
  port: number;
  'advertised-host'?: string;
  listeners?: string;
  'advertised-listeners'?: string;
  'listener-security-protocol-map'?: string;
  'ssl-keystore-location'?: string;
  'ssl-key-location'?: string;
  'ssl-key-password'?: string;
  'ssl-truststore-location'?: string;
  'ssl-client-auth': SslClientAuth;
  'sasl-enabled-mechanisms': string;
  'connections-max-reauth-ms': number;
  'log-authentications': boolean;
  'num-partitions': number;
  'auto-create-topics': boolean;
  'socket-request-max-bytes': number;
  'queued-max-request-bytes': number;
  'connections-max-idle-ms': number;
  'request-frame-timeout-ms': number;
  'max-connections': number;
  'max-connections-per-ip': number;
  'bad-client-log-window-ms': number;
  'max-partitions'?: number;
  'max-open-files'?: number;
  'group-initial-rebalance-delay-ms': number;
  'group-min-session-timeout-ms': number;
  'group-max-session-timeout-ms': number;
  'group-max-size': number;
  'offsets-retention-minutes': number;
  'offsets-retention-check-interval-ms': number;
  'offset-metadata-max-bytes': number;
  'log-retention-check-interval-ms': number;
  'log-cleaner-backoff-ms': number;
  'transaction-max-timeout-ms': number;
  'transaction-abort-timed-out-transaction-cleanup-interval-ms': number;
  'allow-everyone-if-no-acl-found': boolean;
  'super-users'?: string;
  'registry-port'?: number;
  'registry-host'?: string;
  'registry-basic-auth': boolean;
  'registry-users-file'?: string;
  'metrics-port'?: number;
  'metrics-host'?: string;
}

export const command = 'broker';
export const describe = 'Run a Kafka-protocol broker on the log engine (SIGTERM stops it cleanly)';

export function builder(yargs: Argv): Argv<BrokerArgs> {
  return yargs
    .config('config', 'a JSON file of these options (e.g. {"data-dir": "...", "port": 9092}); flags override it')
    .option('data-dir', { type: 'string', demandOption: true, describe: 'where topics and partitions live' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on (loopback unless told otherwise)' })
    .option('port', { type: 'number', default: 9092 })
    .option('advertised-host', { type: 'string', describe: 'host name given to clients in Metadata (default: --host)' })
    .option('listeners', {
      type: 'string',
      describe: 'Kafka\'s listeners: NAME://host:port,… with names PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL (default: PLAINTEXT on --host:--port)',
    })
    .option('advertised-listeners', { type: 'string', describe: 'NAME://host:port,… told to clients in Metadata, per listener (default: each listener\'s address)' })
    .option('listener-security-protocol-map', { type: 'string', describe: 'NAME:PROTOCOL,… for listener names that are not protocol names' })
    .option('ssl-keystore-location', { type: 'string', describe: 'PEM file with the broker\'s certificate chain and private key (SSL, SASL_SSL)' })
    .option('ssl-key-location', { type: 'string', describe: 'PEM file of the private key, when not in --ssl-keystore-location' })
    .option('ssl-key-password', { type: 'string', describe: 'passphrase of an encrypted private key' })
    .option('ssl-truststore-location', { type: 'string', describe: 'PEM file of the CAs whose client certificates are accepted' })
    .option('ssl-client-auth', {
      choices: ['required', 'requested', 'none'] as const,
      default: 'none' as SslClientAuth,
      describe: 'client certificates on SSL listeners; the principal is User:<subject DN>',
    })
    .option('sasl-enabled-mechanisms', { type: 'string', default: 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512', describe: 'mechanisms SASL listeners offer (users: `sluice users add`)' })
    .option('connections-max-reauth-ms', { type: 'number', default: 0, describe: 'SASL sessions last this long before clients must re-authenticate (KIP-368; 0: forever)' })
    .option('log-authentications', { type: 'boolean', default: false, describe: 'log each successful authentication and its principal' })
    .option('num-partitions', { type: 'number', default: 4, describe: 'partitions of auto-created topics' })
    .option('auto-create-topics', { type: 'boolean', default: true, describe: 'create unknown topics named in Metadata requests' })
    .option('socket-request-max-bytes', { type: 'number', default: d.maxRequestBytes, describe: 'largest request; a larger one closes its connection' })
    .option('queued-max-request-bytes', {
      type: 'number',
      default: d.maxQueuedRequestBytes,
      describe: 'bytes of requests being received or handled, all connections together; past it reading pauses (-1: no cap)',
    })
    .option('connections-max-idle-ms', { type: 'number', default: d.connectionsMaxIdleMs, describe: 'close connections idle this long' })
    .option('request-frame-timeout-ms', {
      type: 'number',
      default: d.requestFrameTimeoutMs,
      describe: 'close a connection whose request has not arrived whole this long after its first byte (sluice\'s own)',
    })
    .option('max-connections', { type: 'number', default: d.maxConnections, describe: 'connections beyond this are closed at once' })
    .option('max-connections-per-ip', { type: 'number', default: d.maxConnectionsPerIp, describe: 'connections from one address beyond this are closed at once' })
    .option('bad-client-log-window-ms', {
      type: 'number',
      default: d.badClientLogWindowMs,
      describe: 'log the first bad-client event of each kind per window, then one line counting the rest',
    })
    .option('max-partitions', {
      type: 'number',
      describe: 'partitions of all topics together; creating more is refused with POLICY_VIOLATION (default: a third of --max-open-files, at most 4000)',
    })
    .option('max-open-files', { type: 'number', describe: 'segment files holding a descriptor at once (default: half of `ulimit -n`)' })
    .option('group-initial-rebalance-delay-ms', { type: 'number', default: g.initialRebalanceDelayMs, describe: 'how long an empty group\'s first rebalance waits for more members' })
    .option('group-min-session-timeout-ms', { type: 'number', default: g.minSessionTimeoutMs, describe: 'shortest session timeout a member may ask for' })
    .option('group-max-session-timeout-ms', { type: 'number', default: g.maxSessionTimeoutMs, describe: 'longest session timeout a member may ask for' })
    .option('group-max-size', { type: 'number', default: g.maxSize, describe: 'members a group may have' })
    .option('offsets-retention-minutes', { type: 'number', default: g.offsetsRetentionMinutes, describe: 'how long an empty group keeps its committed offsets' })
    .option('offsets-retention-check-interval-ms', { type: 'number', default: g.offsetsRetentionCheckIntervalMs, describe: 'how often expired offsets are removed' })
    .option('offset-metadata-max-bytes', { type: 'number', default: g.offsetMetadataMaxBytes, describe: 'longest metadata string of a committed offset' })
    .option('log-retention-check-interval-ms', { type: 'number', default: 300_000, describe: 'how often segments past retention.ms / retention.bytes are deleted' })
    .option('log-cleaner-backoff-ms', { type: 'number', default: 15_000, describe: 'pause between passes of the log cleaner (cleanup.policy=compact topics)' })
    .option('transaction-max-timeout-ms', { type: 'number', default: 900_000, describe: 'longest transaction.timeout.ms a producer may ask for' })
    .option('transaction-abort-timed-out-transaction-cleanup-interval-ms', { type: 'number', default: 10_000, describe: 'how often transactions past their timeout are aborted' })
    .option('allow-everyone-if-no-acl-found', {
      type: 'boolean',
      default: true,
      describe: 'a resource no ACL names is open to every principal (Kafka\'s default is false; --no-allow-everyone-if-no-acl-found closes it)',
    })
    .option('super-users', { type: 'string', describe: 'principals every ACL check lets through, as Kafka: "User:admin;User:ops"' })
    .option('registry-port', { type: 'number', describe: 'also serve a Confluent-compatible Schema Registry on this port (schemas in the _schemas topic; 8081 is Confluent\'s)' })
    .option('registry-host', { type: 'string', describe: 'address the schema registry listens on (default: --host)' })
    .option('registry-basic-auth', { type: 'boolean', default: false, describe: 'the schema registry asks for HTTP basic auth: the broker\'s PLAIN users (`sluice users add --mechanism PLAIN`)' })
    .option('registry-users-file', { type: 'string', describe: 'the schema registry asks for HTTP basic auth: users from a "user: password" file (Jetty\'s format, as Confluent\'s)' })
    .option('metrics-port', { type: 'number', describe: 'serve Prometheus metrics at http://<metrics-host>:<port>/metrics (Kafka\'s JMX-exporter names; 0: any free port)' })
    .option('metrics-host', { type: 'string', default: '127.0.0.1', describe: 'address the metrics port listens on' });
}

/** Kafka's super.users: principals separated by semicolons. */
export function parseSuperUsers(value: string | undefined): string[] {
  return (value ?? '').split(';').map((p) => p.trim()).filter((p) => p !== '');
}

/** Runs until SIGTERM or SIGINT, then stops cleanly; resolves to the exit status. */
export async function handler(args: BrokerArgs, io: CommandIO, signals: NodeJS.EventEmitter = process): Promise<number> {
  // Listening first: a SIGTERM that arrives while the log opens stops the broker cleanly once it has started.
  const stopSignal = new Promise<string>((resolve) => {
    signals.once('SIGTERM', () => resolve('SIGTERM'));
    signals.once('SIGINT', () => resolve('SIGINT'));
  });
  const broker = await Broker.start({
    dataDir: args['data-dir'],
    host: args.host,
    port: args.port,
    advertisedHost: args['advertised-host'],
    listeners: args.listeners,
    advertisedListeners: args['advertised-listeners'],
    listenerSecurityProtocolMap: args['listener-security-protocol-map'],
    sslKeystoreLocation: args['ssl-keystore-location'],
    sslKeyLocation: args['ssl-key-location'],
    sslKeyPassword: args['ssl-key-password'],
    sslTruststoreLocation: args['ssl-truststore-location'],
    sslClientAuth: args['ssl-client-auth'],
    saslEnabledMechanisms: args['sasl-enabled-mechanisms'].split(',').map((m) => m.trim()).filter((m) => m !== ''),
    connectionsMaxReauthMs: args['connections-max-reauth-ms'],
    logAuthentications: args['log-authentications'],
    numPartitions: args['num-partitions'],
    autoCreateTopics: args['auto-create-topics'],
    maxRequestBytes: args['socket-request-max-bytes'],
    maxQueuedRequestBytes: args['queued-max-request-bytes'],
    connectionsMaxIdleMs: args['connections-max-idle-ms'],
    requestFrameTimeoutMs: args['request-frame-timeout-ms'],
    maxConnections: args['max-connections'],
    maxConnectionsPerIp: args['max-connections-per-ip'],
    badClientLogWindowMs: args['bad-client-log-window-ms'],
    maxPartitions: args['max-partitions'],
    maxOpenFiles: args['max-open-files'],
    groups: {
      initialRebalanceDelayMs: args['group-initial-rebalance-delay-ms'],
      minSessionTimeoutMs: args['group-min-session-timeout-ms'],
      maxSessionTimeoutMs: args['group-max-session-timeout-ms'],
      maxSize: args['group-max-size'],
      offsetsRetentionMinutes: args['offsets-retention-minutes'],
      offsetsRetentionCheckIntervalMs: args['offsets-retention-check-interval-ms'],
      offsetMetadataMaxBytes: args['offset-metadata-max-bytes'],
    },
    logRetentionCheckIntervalMs: args['log-retention-check-interval-ms'],
    logCleanerBackoffMs: args['log-cleaner-backoff-ms'],
    transactionMaxTimeoutMs: args['transaction-max-timeout-ms'],
    transactionAbortCheckIntervalMs: args['transaction-abort-timed-out-transaction-cleanup-interval-ms'],
    allowEveryoneIfNoAclFound: args['allow-everyone-if-no-acl-found'],
    superUsers: parseSuperUsers(args['super-users']),
    metricsPort: args['metrics-port'],
    metricsHost: args['metrics-host'],
    log: (line) => io.err(line),
  });
  let registry: { url: string; close(): Promise<void> } | undefined;
  if (args['registry-port'] !== undefined) {
    // Loaded only when asked for, so a plain broker starts as fast as before.
    const { startBrokerRegistry } = await import('../../registry/start');
    try {
      registry = await startBrokerRegistry(broker, {
        host: args['registry-host'] ?? args.host,
        port: args['registry-port'],
        brokerUsers: args['registry-basic-auth'],
        usersFile: args['registry-users-file'],
        logLine: (line) => io.err(line),
      });
    } catch (error) {
      await broker.stop();
      throw error;
    }
    const auth = args['registry-users-file'] ? ', basic auth from ' + args['registry-users-file'] : args['registry-basic-auth'] ? ', basic auth (PLAIN users)' : '';
    io.err(`schema registry at ${registry.url} (schemas in _schemas${auth})`);
  }
  const reload = () => {
    try {
      const listeners = broker.reloadCertificates();
      io.err(`SIGHUP: ${listeners === 0 ? 'no TLS listener to reload' : `TLS certificate and key read again for ${listeners} listener(s)`}`);
    } catch (error) {
      io.err(`SIGHUP: certificates not reloaded, the old ones stay: ${(error as Error).message}`);
    }
  };
  signals.on('SIGHUP', reload);
  const signal = await stopSignal;
  signals.off('SIGHUP', reload);
  io.err(`${signal}: stopping (finishing requests in flight, flushing)`);
  await registry?.close();
  await broker.stop();
  io.err('stopped cleanly');
  return 0;
}
