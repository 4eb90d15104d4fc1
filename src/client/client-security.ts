import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type * as tls from 'node:tls';
import { ClientSecurityConfigError } from './security-errors';

// How sluice's client secures its connections, under the names Kafka clients use (librdkafka's for the PEM files,
// since Java's keystores are not PEM). Plain data, so a job can hand it to worker threads.

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];
export const ENDPOINT_IDENTIFICATION = ['https', 'none'] as const;

export interface ClientSecurity {
  'security.protocol': SecurityProtocol;
  'sasl.mechanism'?: SaslMechanism;
  'sasl.username'?: string;
  /** The password itself: only from a secret file (`--command-config`), never from a job file. */
  'sasl.password'?: string;
  /** The name of an environment variable holding the password. */
  'sasl.password.env'?: string;
  /** A file holding the password (one trailing newline is dropped). */
  'sasl.password.file'?: string;
  /** PEM file of the CA certificates to trust; default: Node's bundled CAs. */
  'ssl.ca.location'?: string;
  /** PEM client certificate and its key, for brokers with ssl.client.auth=required. */
  'ssl.certificate.location'?: string;
  'ssl.key.location'?: string;
  /** `https` (the default) checks the broker's certificate names this host; `none` does not (the chain still is). */
  'ssl.endpoint.identification.algorithm'?: (typeof ENDPOINT_IDENTIFICATION)[number];
}

export type ClientSecurityKey = keyof ClientSecurity;

export const CLIENT_SECURITY_KEYS: readonly ClientSecurityKey[] = [
  'security.protocol', 'sasl.mechanism', 'sasl.username', 'sasl.password', 'sasl.password.env', 'sasl.password.file',
  'ssl.ca.location', 'ssl.certificate.location', 'ssl.key.location', 'ssl.endpoint.identification.algorithm',
];

export const PLAINTEXT: ClientSecurity = { 'security.protocol': 'PLAINTEXT' };

export const usesTls = (security: ClientSecurity) => security['security.protocol'] === 'SSL' || security['security.protocol'] === 'SASL_SSL';
export const usesSasl = (security: ClientSecurity) => security['security.protocol'].startsWith('SASL_');

const PASSWORD_SOURCES = ['sasl.password', 'sasl.password.env', 'sasl.password.file'] as const;
const SASL_KEYS = ['sasl.mechanism', 'sasl.username', ...PASSWORD_SOURCES] as const;
const TLS_KEYS = ['ssl.ca.location', 'ssl.certificate.location', 'ssl.key.location', 'ssl.endpoint.identification.algorithm'] as const;

/**
 * Checks that the settings fit together: SASL needs a mechanism, a user and one password source; TLS files only
 * with a TLS protocol and SASL keys only with a SASL one (a forgotten `security.protocol` must not quietly send
 * credentials, or expect TLS, on a plaintext connection); a client certificate comes with its key.
 */
export function checkClientSecurity(security: ClientSecurity, origin?: string): ClientSecurity {
  const fail = (key: string, detail: string): never => {
    throw new ClientSecurityConfigError(key, detail, origin);
  };
  const protocol = security['security.protocol'];
  if (!SECURITY_PROTOCOLS.includes(protocol)) fail('security.protocol', `must be one of ${SECURITY_PROTOCOLS.join(', ')}, not ${JSON.stringify(protocol)}`);
  if (usesSasl(security)) {
    const mechanism = security['sasl.mechanism'];
    if (mechanism === undefined) fail('sasl.mechanism', `is required with ${protocol}: one of ${SASL_MECHANISMS.join(', ')}`);
    if (!SASL_MECHANISMS.includes(mechanism as SaslMechanism)) fail('sasl.mechanism', `${JSON.stringify(mechanism)} is not supported: use one of ${SASL_MECHANISMS.join(', ')} (sluice has no GSSAPI or OAUTHBEARER)`);
    if (!security['sasl.username']) fail('sasl.username', `is required with ${protocol}`);
    const sources = PASSWORD_SOURCES.filter((key) => security[key] !== undefined);
    if (sources.length === 0) fail('sasl.password.env', `${protocol} needs a password: sasl.password.env (an environment variable) or sasl.password.file`);
    if (sources.length > 1) fail(sources[1], `give one password source, not ${sources.join(' and ')}`);
  } else {
    const stray = SASL_KEYS.find((key) => security[key] !== undefined);
    if (stray) fail(stray, `is set, but security.protocol is ${protocol}: SASL settings need SASL_PLAINTEXT or SASL_SSL`);
  }
  if (!usesTls(security)) {
    const stray = TLS_KEYS.find((key) => security[key] !== undefined);
    if (stray) fail(stray, `is set, but security.protocol is ${protocol}: TLS settings need SSL or SASL_SSL`);
  }
  if ((security['ssl.certificate.location'] === undefined) !== (security['ssl.key.location'] === undefined)) {
    fail(security['ssl.key.location'] === undefined ? 'ssl.key.location' : 'ssl.certificate.location', 'a client certificate needs both ssl.certificate.location and ssl.key.location');
  }
  const algorithm = security['ssl.endpoint.identification.algorithm'];
  if (algorithm !== undefined && !ENDPOINT_IDENTIFICATION.includes(algorithm)) fail('ssl.endpoint.identification.algorithm', `must be "https" or "none", not ${JSON.stringify(algorithm)}`);
  return security;
}

/** Later settings override earlier ones key by key; a new `security.protocol` keeps the other keys that still fit. */
export function mergeClientSecurity(...layers: (Partial<ClientSecurity> | null | undefined)[]): ClientSecurity {
  const merged: Partial<ClientSecurity> = {};
  for (const layer of layers) {
    if (!layer) continue;
    if (PASSWORD_SOURCES.some((key) => layer[key] !== undefined)) for (const key of PASSWORD_SOURCES) delete merged[key];
    Object.assign(merged, Object.fromEntries(Object.entries(layer).filter(([, value]) => value !== undefined)));
  }
  return { ...merged, 'security.protocol': merged['security.protocol'] ?? 'PLAINTEXT' };
}

export interface SaslCredentials {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

/** The settings with their files and environment read: what a connection needs. */
export interface ResolvedSecurity {
  protocol: SecurityProtocol;
  /** Node's TLS options, or null for a plaintext connection. */
  tls: tls.ConnectionOptions | null;
  sasl: SaslCredentials | null;
  /** Who the broker will see: `User:<sasl.username>`, the client certificate's subject, or `User:ANONYMOUS`. */
  principal: string;
}

function readSetting(key: string, file: string, origin?: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new ClientSecurityConfigError(key, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, origin);
  }
}

function password(security: ClientSecurity, origin?: string): string {
  const inline = security['sasl.password'];
  if (inline !== undefined) return inline;
  const variable = security['sasl.password.env'];
  if (variable !== undefined) {
    const value = process.env[variable];
    if (value === undefined || value === '') throw new ClientSecurityConfigError('sasl.password.env', `the environment variable ${variable} is not set`, origin);
    return value;
  }
  const file = security['sasl.password.file']!;
  return readSetting('sasl.password.file', file, origin).toString('utf8').replace(/\r?\n$/, '');
}

/** Reads the CA, certificate, key and password the settings name; fails naming the key whose file cannot be read. */
export function resolveClientSecurity(security: ClientSecurity = PLAINTEXT, origin?: string): ResolvedSecurity {
  checkClientSecurity(security, origin);
  let principal = 'User:ANONYMOUS';
  let options: tls.ConnectionOptions | null = null;
  if (usesTls(security)) {
    options = { rejectUnauthorized: true, minVersion: 'TLSv1.2' };
    const ca = security['ssl.ca.location'];
    if (ca !== undefined) options.ca = readSetting('ssl.ca.location', ca, origin);
    const certificate = security['ssl.certificate.location'];
    if (certificate !== undefined) {
      options.cert = readSetting('ssl.certificate.location', certificate, origin);
      options.key = readSetting('ssl.key.location', security['ssl.key.location']!, origin);
      try {
        principal = `User:${new crypto.X509Certificate(options.cert).subject.split('\n').reverse().join(',')}`;
      } catch (error) {
        throw new ClientSecurityConfigError('ssl.certificate.location', `${certificate} is not a PEM certificate: ${(error as Error).message}`, origin);
      }
    }
    if (security['ssl.endpoint.identification.algorithm'] === 'none') options.checkServerIdentity = () => undefined;
  }
  let sasl: SaslCredentials | null = null;
  if (usesSasl(security)) {
    sasl = { mechanism: security['sasl.mechanism']!, username: security['sasl.username']!, password: password(security, origin) };
    principal = `User:${sasl.username}`;
  }
  return { protocol: security['security.protocol'], tls: options, sasl, principal };
}

/** The settings as a log line may show them: never the password, only where it comes from. */
export function describeClientSecurity(security: ClientSecurity): string {
  return Object.entries(security)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => (key === 'sasl.password' ? 'sasl.password=(hidden)' : `${key}=${value}`))
    .join(' ');
}
