import { KafkaError, KafkaErrorName } from '../protocol/error-codes';

// Failures of TLS, SASL and the security settings. None is retriable: trying again with the same settings
// fails the same way, so a load stops at once with the reason instead of spending its retries.

/** The security settings cannot be used: a missing or contradictory key, a file that cannot be read. */
export class ClientSecurityConfigError extends Error {
  readonly retriable = false;

  constructor(readonly key: string, readonly detail: string, readonly origin = 'the security settings') {
    super(`${origin}: ${key}: ${detail}`);
    this.name = 'ClientSecurityConfigError';
  }
}

/** The TLS handshake failed: the certificate was not trusted, named another host, or the listener is not TLS. */
export class TlsHandshakeError extends Error {
  readonly retriable = false;

  constructor(readonly address: string, readonly reason: string, readonly hint: string | null) {
    super(`TLS handshake with ${address} failed: ${reason}${hint ? ` (${hint})` : ''}`);
    this.name = 'TlsHandshakeError';
  }
}

/** The broker refused the credentials (SASL_AUTHENTICATION_FAILED), or could not prove it knows them (SCRAM). */
export class SaslAuthenticationError extends Error {
  readonly retriable = false;

  constructor(readonly username: string, readonly address: string, readonly reason: string) {
    super(`SASL authentication failed for user ${username} on ${address}: ${reason}`);
    this.name = 'SaslAuthenticationError';
  }
}

/** The broker does not offer the mechanism asked for (UNSUPPORTED_SASL_MECHANISM), or offers no SASL at all. */
export class UnsupportedSaslMechanismError extends Error {
  readonly retriable = false;

  constructor(readonly mechanism: string, readonly address: string, readonly offered: readonly string[] | null) {
    const what = offered === null
      ? 'the broker does not offer SASL on this listener (check security.protocol)'
      : `the broker offers ${offered.length > 0 ? offered.join(', ') : 'no mechanism'} (check sasl.mechanism)`;
    super(`SASL mechanism ${mechanism} is not enabled on ${address}: ${what}`);
    this.name = 'UnsupportedSaslMechanismError';
  }
}

/** Node's TLS error codes that mean the broker's certificate chain was not trusted. */
const UNTRUSTED = /^(CERT_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_SELF_SIGNED_|UNABLE_TO_VERIFY_LEAF_)/;

/** What to check for a TLS failure, from Node's error code (null when there is nothing useful to say). */
export function tlsHint(code: string | undefined, handshakeBegun: boolean): string | null {
  if (code && UNTRUSTED.test(code)) return 'check ssl.ca.location';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'the certificate does not name this host; ssl.endpoint.identification.algorithm=none turns the check off';
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ECONNRESET' || code === 'EPIPE' || !handshakeBegun) return 'is this a TLS listener? check security.protocol';
  if (code && /CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE|UNKNOWN_CA/.test(code)) return 'the broker refused the client certificate: check ssl.certificate.location and ssl.key.location';
  return null;
}

const AUTHORIZATION_FAILURES: readonly KafkaErrorName[] = [
  'TOPIC_AUTHORIZATION_FAILED', 'GROUP_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
];

/** An ACL refused the request: the message says what was asked and as whom, so the grant to ask for is plain. */
export class KafkaAuthorizationError extends KafkaError {
  constructor(errorName: KafkaErrorName, detail: string, readonly principal: string) {
    super(errorName, `${detail}: ${principal} is not authorized`);
    this.name = 'KafkaAuthorizationError';
  }

  static covers(errorName: KafkaErrorName): boolean {
    return AUTHORIZATION_FAILURES.includes(errorName);
  }
}

/** A failure no other bootstrap server and no retry can fix: the settings, the certificate or the credentials. */
export function isSecurityFailure(error: unknown): boolean {
  return error instanceof ClientSecurityConfigError || error instanceof TlsHandshakeError || error instanceof SaslAuthenticationError || error instanceof UnsupportedSaslMechanismError;
}
