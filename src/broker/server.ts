import * as net from 'node:net';
import { Connection, ConnectionLog, FrameHandler } from './connection';

export interface ServerOptions {
  host: string;
  port: number;
  /** Kafka's socket.request.max.bytes: larger frames close their connection. */
  maxFrameBytes: number;
  log: ConnectionLog;
}

/** A TCP listener that hands each Kafka frame to `handler` and writes back its answer. */
export class KafkaServer {
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();
  private nextConnectionId = 1;

  constructor(handler: FrameHandler, private readonly options: ServerOptions) {
    this.server = net.createServer((socket) => {
      const connection = new Connection(this.nextConnectionId++, socket, handler, options.maxFrameBytes, options.log);
      this.connections.add(connection);
      socket.on('close', () => this.connections.delete(connection));
    });
  }

  listen(): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as net.AddressInfo);
      });
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Stops accepting, lets every connection finish the requests it already received, then closes them. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.stopReading();
    await Promise.all([...this.connections].map((c) => c.whenIdle()));
    for (const connection of this.connections) connection.close();
    await closed;
  }
}
