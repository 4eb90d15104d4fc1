/** Kafka's security.protocol values, one per listener. */
export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';

/** Kafka's principal before (or without) authentication. */
export const ANONYMOUS_PRINCIPAL = 'User:ANONYMOUS';

/**
 * Who is on one connection and through which listener. The listener sets it when the connection opens (TLS
 * client certificates give the principal at once); SaslAuthenticate changes it. Handlers read it for ACLs.
 */
export interface ConnectionSession {
  /** Kafka's principal string, "User:alice" (SASL) or "User:CN=alice,OU=…" (an SSL client certificate). */
  principal: string;
  /** The listener's name, as in `listeners=NAME://host:port` ("PLAINTEXT", "SASL_SSL", …). */
  listenerName: string;
  securityProtocol: SecurityProtocol;
  /** False on a SASL listener until SaslAuthenticate succeeds: only ApiVersions and the SASL APIs are served. */
  authenticated: boolean;
}

/** The session of a connection on an unauthenticated PLAINTEXT listener (today's only kind). */
export function plaintextSession(listenerName = 'PLAINTEXT'): ConnectionSession {
  return { principal: ANONYMOUS_PRINCIPAL, listenerName, securityProtocol: 'PLAINTEXT', authenticated: true };
}
