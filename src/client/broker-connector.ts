import { BrokerConnection, DEFAULT_REQUEST_TIMEOUT_MS } from './broker-connection';
import { PLAINTEXT, ResolvedSecurity, resolveClientSecurity } from './client-security';
import { authenticate, VersionTable } from './sasl-authenticator';

export interface ConnectorOptions {
  clientId: string;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  security?: ResolvedSecurity;
  /** The client's version table (CLIENT_VERSIONS) and ApiVersions version, for the SASL requests. */
  versions: VersionTable;
  apiVersionsVersion: number;
}

/**
 * Opens every connection a client makes (bootstrap, partition leaders, group coordinators) the same way: TCP or
 * TLS, then SASL when the settings ask for it. A connection is handed out only once it is authenticated.
 */
export class BrokerConnector {
  readonly clientId: string;
  readonly requestTimeoutMs: number;
  readonly security: ResolvedSecurity;

  constructor(private readonly options: ConnectorOptions) {
    this.clientId = options.clientId;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.security = options.security ?? resolveClientSecurity(PLAINTEXT);
  }

  /** Who the broker sees this client as (for authorization messages). */
  get principal(): string {
    return this.security.principal;
  }

  async open(host: string, port: number): Promise<BrokerConnection> {
    const connection = await BrokerConnection.connect(host, port, this.clientId, this.options.connectTimeoutMs ?? 10_000, this.requestTimeoutMs, this.security.tls ?? undefined);
    if (!this.security.sasl) return connection;
    try {
      const lifetimeMs = await authenticate(connection, this.security.sasl, this.options.versions, this.options.apiVersionsVersion);
      // Kafka's client re-authenticates at 85-95% of the session; this one opens a new connection then instead,
      // and the old one closes once its answers are in.
      if (lifetimeMs > 0) connection.retireAfter(lifetimeMs * 0.85);
      return connection;
    } catch (error) {
      connection.close();
      throw error;
    }
  }
}
