import type { CredentialMechanism, CredentialStore } from '../../ports/credential-store';
import { CREDENTIAL_MECHANISMS } from '../../ports/credential-store';
import { BrokerConfigError } from '../config-error';
import { isLoopbackHost, isUnauthenticated, ListenerConfig, parseListeners, parseProtocolMap } from '../listeners';
import type { ServerListener } from '../server';
import type { SaslSettings } from './sasl-exchange';
import { DEFAULT_SASL_MECHANISMS } from './sasl-mechanisms';
import { secureContextOptions, sslClientAuthOf, TlsOptions, tlsServerOptions } from './tls-settings';

/** The broker's listener and security settings, each named after Kafka's. */
export interface SecurityOptions extends TlsOptions {
  /** Kafka's listeners ("PLAINTEXT://127.0.0.1:9092,SASL_SSL://:9094"); without it, one PLAINTEXT listener on host:port. */
  listeners?: string;
  /** Kafka's advertised.listeners: what Metadata tells clients of each listener (default: its own address). */
  advertisedListeners?: string;
  /** Kafka's listener.security.protocol.map, for listener names that are not protocol names. */
  listenerSecurityProtocolMap?: string;
  /** Kafka's sasl.enabled.mechanisms (default PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; Kafka's is GSSAPI). */
  saslEnabledMechanisms?: readonly string[];
  /** Kafka's connections.max.reauth.ms (default 0: sessions do not expire). */
  connectionsMaxReauthMs?: number;
  /** Log each successful authentication with its principal (Kafka logs them at DEBUG). */
  logAuthentications?: boolean;
}

export interface ListenerSetup {
  listeners: ServerListener[];
  sasl?: SaslSettings;
  /** Said at start: listeners anyone on the network can use without authenticating. */
  warnings: string[];
}

function enabledMechanisms(names: readonly string[] | undefined): CredentialMechanism[] {
  const list = names ?? DEFAULT_SASL_MECHANISMS;
  const unknown = list.filter((n) => !(CREDENTIAL_MECHANISMS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new BrokerConfigError(`sasl-enabled-mechanisms: ${unknown.join(', ')} not supported (${CREDENTIAL_MECHANISMS.join(', ')})`);
  if (list.length === 0) throw new BrokerConfigError('sasl-enabled-mechanisms is empty but a listener uses SASL');
  return list as CredentialMechanism[];
}

/** Checks the settings and turns them into what KafkaServer listens with. */
export function listenerSetup(options: SecurityOptions, fallback: { host: string; port: number }, credentials: CredentialStore, handshakeTimeoutMs: number, log: (line: string) => void): ListenerSetup {
  const configs: ListenerConfig[] = options.listeners
    ? parseListeners(options.listeners, parseProtocolMap(options.listenerSecurityProtocolMap))
    : [{ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: fallback.host, port: fallback.port }];
  const usesTls = configs.some((c) => c.securityProtocol === 'SSL' || c.securityProtocol === 'SASL_SSL');
  const usesSasl = configs.some((c) => c.securityProtocol.startsWith('SASL_'));
  const sslTls = usesTls ? tlsServerOptions(options, handshakeTimeoutMs) : undefined;
  // KIP-684: ssl.client.auth is for SSL listeners; a SASL_SSL listener's principal comes from SASL.
  const saslTls = usesTls ? tlsServerOptions({ ...options, sslClientAuth: 'none' }, handshakeTimeoutMs) : undefined;
  const reauthMs = options.connectionsMaxReauthMs ?? 0;
  if (!Number.isInteger(reauthMs) || reauthMs < 0) throw new BrokerConfigError(`connections-max-reauth-ms must be an integer of at least 0, not ${reauthMs}`);
  const logAuthentication = options.logAuthentications ? log : undefined;
  const sasl = usesSasl ? { enabledMechanisms: enabledMechanisms(options.saslEnabledMechanisms), credentials, maxReauthMs: reauthMs, logAuthentication } : undefined;
  const clientAuth = sslClientAuthOf(options);
  const warnings = configs
    .filter((c) => !isLoopbackHost(c.host) && isUnauthenticated(c, clientAuth))
    .map((c) => `WARNING: listener ${c.name} on ${c.host}:${c.port} is ${c.securityProtocol} without authentication: anyone who can reach it can read and write every topic`);
  return { listeners: configs.map((c) => ({ ...c, tls: c.securityProtocol === 'SSL' ? sslTls : c.securityProtocol === 'SASL_SSL' ? saslTls : undefined })), sasl, warnings };
}

/** The TLS context again from the same files (SIGHUP): renewed certificates are served to new connections. */
export function reloadedSecureContext(options: TlsOptions): ReturnType<typeof secureContextOptions> {
  return secureContextOptions(options);
}
