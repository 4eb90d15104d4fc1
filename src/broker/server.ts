import * as net from 'node:net';
import { BadClientLog } from './bad-client-log';
import { Connection, ConnectionLimits, FrameHandler } from './connection';
import { RequestMemory } from './request-memory';

export interface ServerOptions extends ConnectionLimits {
  host: string;
  port: number;
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

/** A TCP listener that hands each Kafka frame to `handler` and writes back its answer. */
export class KafkaServer {
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();
  private readonly perIp = new Map<string, number>();
  private readonly memory: RequestMemory;
  private readonly badClients: BadClientLog;
  private sweep: NodeJS.Timeout | undefined;
  private nextConnectionId = 1;

  constructor(handler: FrameHandler, private readonly options: ServerOptions) {
    this.memory = new RequestMemory(options.maxQueuedRequestBytes);
    this.badClients = new BadClientLog(options.log, options.badClientLogWindowMs);
    this.server = net.createServer((socket) => this.accept(socket, handler));
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

  private accept(socket: net.Socket, handler: FrameHandler): void {
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
    const connection = new Connection(this.nextConnectionId++, socket, handler, this.options, this.memory, (c, kind, message) =>
      this.badClients.record(kind, c.remote, `connection ${c.id} from ${c.remote}: closing: ${message}`),
    );
    this.connections.add(connection);
    this.perIp.set(ip, fromIp + 1);
    socket.on('close', () => {
      this.connections.delete(connection);
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
    });
  }

  listen(): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        this.startSweep();
        resolve(this.server.address() as net.AddressInfo);
      });
    });
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
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.stopReading();
    await Promise.all([...this.connections].map((c) => c.whenIdle()));
    for (const connection of this.connections) connection.close();
    await closed;
    this.badClients.flush();
  }
}
