import * as fs from 'node:fs';
import type * as tls from 'node:tls';
import { BrokerConfigError } from '../config-error';

/** Kafka's ssl.client.auth. */
export type SslClientAuth = 'required' | 'requested' | 'none';

/** The TLS side of the SSL and SASL_SSL listeners, with Kafka's PEM setting names (ssl.keystore.type=PEM). */
export interface TlsOptions {
  /** Kafka's ssl.keystore.location: a PEM file with the broker's certificate chain (and its key, unless sslKeyLocation). */
  sslKeystoreLocation?: string;
  /** The private key's PEM file when it is not in the keystore file (sluice's own; Kafka keeps both in one file). */
  sslKeyLocation?: string;
  /** Kafka's ssl.key.password: the passphrase of an encrypted private key. */
  sslKeyPassword?: string;
  /** Kafka's ssl.truststore.location: PEM certificates of the CAs whose client certificates are accepted. */
  sslTruststoreLocation?: string;
  /** Kafka's ssl.client.auth (default none). */
  sslClientAuth?: SslClientAuth;
}

export const TLS_SETTING_NAMES: Record<keyof TlsOptions, string> = {
  sslKeystoreLocation: 'ssl-keystore-location',
  sslKeyLocation: 'ssl-key-location',
  sslKeyPassword: 'ssl-key-password',
  sslTruststoreLocation: 'ssl-truststore-location',
  sslClientAuth: 'ssl-client-auth',
};

const CLIENT_AUTH: readonly SslClientAuth[] = ['required', 'requested', 'none'];

export function sslClientAuthOf(options: TlsOptions): SslClientAuth {
  const value = options.sslClientAuth ?? 'none';
  if (!CLIENT_AUTH.includes(value)) throw new BrokerConfigError(`${TLS_SETTING_NAMES.sslClientAuth} must be one of ${CLIENT_AUTH.join(', ')}, not ${String(value)}`);
  return value;
}

function readPem(name: keyof TlsOptions, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new BrokerConfigError(`${TLS_SETTING_NAMES[name]} ${file}: ${(error as Error).message}`);
  }
}

/**
 * Reads the PEM files into what tls.createServer and setSecureContext take; called at start and again on
 * SIGHUP, so renewed certificates are served to new connections without a restart.
 */
export function secureContextOptions(options: TlsOptions): tls.SecureContextOptions {
  if (!options.sslKeystoreLocation) throw new BrokerConfigError(`an SSL or SASL_SSL listener needs ${TLS_SETTING_NAMES.sslKeystoreLocation} (a PEM file with the certificate chain and key)`);
  const cert = readPem('sslKeystoreLocation', options.sslKeystoreLocation);
  const key = options.sslKeyLocation ? readPem('sslKeyLocation', options.sslKeyLocation) : cert;
  if (!key.includes('PRIVATE KEY-----')) throw new BrokerConfigError(`${TLS_SETTING_NAMES.sslKeystoreLocation} ${options.sslKeystoreLocation} holds no private key; add it or name ${TLS_SETTING_NAMES.sslKeyLocation}`);
  const ca = options.sslTruststoreLocation ? readPem('sslTruststoreLocation', options.sslTruststoreLocation) : undefined;
  if (sslClientAuthOf(options) !== 'none' && !ca) throw new BrokerConfigError(`${TLS_SETTING_NAMES.sslClientAuth}=${options.sslClientAuth} needs ${TLS_SETTING_NAMES.sslTruststoreLocation} (the CAs of client certificates)`);
  return { cert, key, passphrase: options.sslKeyPassword, ca };
}

/** What tls.createServer takes for a listener: the context plus whether client certificates are asked for and required. */
export function tlsServerOptions(options: TlsOptions, handshakeTimeoutMs: number): tls.TlsOptions {
  const clientAuth = sslClientAuthOf(options);
  return {
    ...secureContextOptions(options),
    requestCert: clientAuth !== 'none',
    rejectUnauthorized: clientAuth === 'required',
    handshakeTimeout: handshakeTimeoutMs,
    minVersion: 'TLSv1.2',
  };
}

/** Attributes Java's RFC 2253 form names by OID, with the ASN.1 string tag their value is encoded with. */
const OID_ATTRIBUTES: Record<string, { oid: string; tag: number }> = {
  emailAddress: { oid: '1.2.840.113549.1.9.1', tag: 0x16 }, // IA5String
};

/** One attribute as Java prints it: its RFC 2253 keyword, or OID=#hex of the DER-encoded value for the others. */
function javaAttribute(attribute: string): string {
  const equals = attribute.indexOf('=');
  const name = attribute.slice(0, equals);
  if (name === 'street') return `STREET${attribute.slice(equals)}`;
  const byOid = OID_ATTRIBUTES[name];
  if (!byOid) return attribute;
  const value = Buffer.from(attribute.slice(equals + 1).replace(/\\(.)/g, '$1'), 'utf8');
  if (value.length > 127) return attribute;
  return `${byOid.oid}=#${Buffer.concat([Buffer.from([byOid.tag, value.length]), value]).toString('hex')}`;
}

/**
 * Kafka's DefaultKafkaPrincipalBuilder for an SSL peer: "User:" and the subject as Java's
 * X500Principal.getName() gives it (RFC 2253, most specific attribute first: "User:CN=alice,OU=eng,O=acme").
 * Node gives the subject one RDN a line, in the certificate's order, values already escaped as RFC 2253 asks,
 * and the attributes of a multi-valued RDN joined by " + ".
 */
export function principalOfSubject(subject: string): string {
  const rdns = subject.split('\n').filter((line) => line !== '');
  return `User:${rdns.reverse().map((rdn) => rdn.split(' + ').map(javaAttribute).join('+')).join(',')}`;
}
