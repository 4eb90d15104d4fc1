import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type * as tls from 'node:tls';
import { ClientSecurityConfigError } from './security-errors';

import {
  CLIENT_SECURITY_KEYS, ClientSecurity, ClientSecurityKey, ENDPOINT_IDENTIFICATION, SASL_MECHANISMS, SaslMechanism, SECURITY_PROTOCOLS, SecurityProtocol,
} from '../ports/client-security-settings';

export { CLIENT_SECURITY_KEYS, ENDPOINT_IDENTIFICATION, SASL_MECHANISMS, SECURITY_PROTOCOLS };
export type { ClientSecurity, ClientSecurityKey, SaslMechanism, SecurityProtocol };

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
