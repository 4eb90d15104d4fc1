import * as net from 'node:net';
import * as tls from 'node:tls';
import type { BrokerMetrics } from '../ports/broker-metrics';
import { BadClientLog } from './bad-client-log';
import { Connection, ConnectionLimits, FrameHandler } from './connection';
import type { ListenerConfig } from './listeners';
import { RequestMemory } from './request-memory';
import { SaslExchange, SaslSettings } from './security/sasl-exchange';
import { principalOfSubject } from './security/tls-settings';
import { ANONYMOUS_PRINCIPAL, ConnectionSession } from './session';

/** One socket the server listens on: its listener, and for SSL and SASL_SSL the TLS server options. */
export interface ServerListener extends ListenerConfig {
  tls?: tls.TlsOptions;
}

export interface ServerOptions extends ConnectionLimits {
  listeners: readonly ServerListener[];
  /** Needed when a listener is SASL_PLAINTEXT or SASL_SSL. */
  sasl?: SaslSettings;
  /** Told of each connection accepted and closed, by listener name. */
  metrics?: Pick<BrokerMetrics, 'connectionOpened' | 'connectionClosed'>;
  /** Logs each TLS client certificate accepted as a principal (Kafka logs it at DEBUG). */
  logAuthentication?: (line: string) => void;
  /** Kafka's queued.max.request.bytes; -1 for no cap. */
  maxQueuedRequestBytes: number;
  /** Kafka's max.connections: connections beyond it are closed at once. */
  maxConnections: number;
  /** Kafka's max.connections.per.ip: connections beyond it from one address are closed at once. */
  maxConnectionsPerIp: number;
  /** How long the bad-client log counts repeated events before writing their summary. */
  badClientLogWindowMs: number;
  log: (line: string) => void;
}

/** TCP and TLS listeners that hand each Kafka frame to one `handler` and write back its answer. */
export class KafkaServer {
  private readonly servers: net.Server[];
  private readonly connections = new Set<Connection>();
  private readonly perIp = new Map<string, number>();
  private readonly memory: RequestMemory;
  private readonly badClients: BadClientLog;
  private sweep: NodeJS.Timeout | undefined;
  private nextConnectionId = 1;

  constructor(handler: FrameHandler, private readonly options: ServerOptions) {
    this.memory = new RequestMemory(options.maxQueuedRequestBytes);
    this.badClients = new BadClientLog(options.log, options.badClientLogWindowMs);
    this.servers = options.listeners.map((listener) => {
      if (!listener.tls) return net.createServer((socket) => this.accept(socket, handler, listener));
      const server = tls.createServer(listener.tls, (socket) => this.accept(socket, handler, listener));
      server.on('tlsClientError', (error, socket) => {
        // The socket is already gone, its address with it, unless the failure came late.
        const from = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'a client';
        const reason = /SSL routines:[^:]*:([^:]+)/.exec(error.message)?.[1] ?? error.message.trim();
        this.badClients.record('tls handshake failed', from, `TLS handshake with ${from} on ${listener.name} failed: ${reason}`);
      });
      return server;
    });
  }

  /** Serves new TLS connections with new certificates (those open keep theirs), as after a renewal on SIGHUP. */
  setSecureContext(options: tls.SecureContextOptions): number {
    let changed = 0;
    for (const server of this.servers) {
      if (server instanceof tls.Server) {
        server.setSecureContext(options);
        changed += 1;
      }
    }
    return changed;
  }

  private sessionFor(socket: net.Socket, listener: ServerListener): ConnectionSession | string {
    const base = { listenerName: listener.name, securityProtocol: listener.securityProtocol, principal: ANONYMOUS_PRINCIPAL };
    if (listener.securityProtocol === 'SASL_PLAINTEXT' || listener.securityProtocol === 'SASL_SSL') return { ...base, authenticated: false };
    if (listener.securityProtocol === 'PLAINTEXT' || !(socket instanceof tls.TLSSocket)) return { ...base, authenticated: true };
    const certificate = socket.getPeerX509Certificate();
    if (!certificate) return { ...base, authenticated: true };
    // ssl.client.auth=requested: no certificate is ANONYMOUS, but one that is not trusted is refused, as Java's TLS does.
    if (!socket.authorized) return `client certificate not trusted: ${String(socket.authorizationError)}`;
    const principal = principalOfSubject(certificate.subject);
    this.options.logAuthentication?.(`authenticated ${principal} on ${listener.name} (client certificate) from ${socket.remoteAddress}:${socket.remotePort}`);
    return { ...base, principal, authenticated: true };
  }

  /** One timer checks every connection's timeouts, often enough to close within a tenth of the shorter one. */
  private startSweep(): void {
    const every = Math.min(1000, Math.max(10, Math.min(this.options.idleTimeoutMs, this.options.frameTimeoutMs) / 10));
    this.sweep = setInterval(() => {
      const now = Date.now();
      for (const connection of this.connections) connection.checkTimeouts(now);
    }, every);
    this.sweep.unref();
  }

  private accept(socket: net.Socket, handler: FrameHandler, listener: ServerListener): void {
    const ip = socket.remoteAddress;
    if (ip === undefined) {
      socket.destroy(); // already gone
      return;
    }
    const fromIp = this.perIp.get(ip) ?? 0;
    const refusal =
      this.connections.size >= this.options.maxConnections
        ? `the broker has max-connections (${this.options.maxConnections}) open`
        : fromIp >= this.options.maxConnectionsPerIp
          ? `${ip} has max-connections-per-ip (${this.options.maxConnectionsPerIp}) open`
          : null;
    if (refusal) {
      socket.on('error', () => undefined);
      socket.destroy();
      this.badClients.record('too many connections', `${ip}:${socket.remotePort}`, `connection from ${ip}:${socket.remotePort} refused: ${refusal}`);
      return;
    }
    const session = this.sessionFor(socket, listener);
    if (typeof session === 'string') {
      socket.on('error', () => undefined);
      socket.destroy();
      this.badClients.record('tls handshake failed', `${ip}:${socket.remotePort}`, `connection from ${ip}:${socket.remotePort} on ${listener.name} refused: ${session}`);
      return;
    }
    const connection = new Connection(this.nextConnectionId++, socket, handler, this.options, this.memory, (c, kind, message) =>
      this.badClients.record(kind, c.remote, `connection ${c.id} from ${c.remote}: closing: ${message}`),
      session,
    );
    if (!session.authenticated) {
      if (!this.options.sasl) throw new Error(`listener ${listener.name} is ${listener.securityProtocol} but the server has no SASL settings`);
      connection.sasl = new SaslExchange(this.options.sasl, session, connection.remote, (reason) => connection.closeAfterResponse('authentication failed', reason));
    }
    this.connections.add(connection);
    this.perIp.set(ip, fromIp + 1);
    this.options.metrics?.connectionOpened(listener.name);
    socket.on('close', () => {
      this.connections.delete(connection);
      this.options.metrics?.connectionClosed(listener.name);
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
    });
  }

  /** Listens on every listener, in their order; if one cannot, those already listening are closed. */
  async listen(): Promise<net.AddressInfo[]> {
    const addresses: net.AddressInfo[] = [];
    try {
      for (const [i, server] of this.servers.entries()) {
        const { host, port } = this.options.listeners[i];
        addresses.push(await new Promise<net.AddressInfo>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => {
            server.off('error', reject);
            resolve(server.address() as net.AddressInfo);
          });
        }));
      }
    } catch (error) {
      await Promise.all(this.servers.filter((s) => s.listening).map((s) => new Promise((resolve) => s.close(resolve))));
      throw error;
    }
    this.startSweep();
    return addresses;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Bytes of requests being received or waiting to be handled, across all connections. */
  get queuedRequestBytes(): number {
    return this.memory.usedBytes;
  }

  /** Stops accepting, lets every connection finish the requests it already received, then closes them. */
  async close(): Promise<void> {
    clearInterval(this.sweep);
    const closed = Promise.all(this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    for (const connection of this.connections) connection.stopReading();
    await Promise.all([...this.connections].map((c) => c.whenIdle()));
    for (const connection of this.connections) connection.close();
    await closed;
    this.badClients.flush();
  }
}
