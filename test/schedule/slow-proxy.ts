import * as net from 'node:net';
import { closeTogether } from '../helpers/socket-pair';

export interface SlowProxy {
  /** host:port for a job's `source.bootstrap`. */
  bootstrap: string;
  /** Lifts the throttle from now on (for a catch-up load whose speed the test does not measure). */
  unthrottle(): void;
  close(): Promise<void>;
}

/**
 * A slow network in front of a broker: a TCP proxy on 127.0.0.2 (same port as the broker, which
 * advertises 127.0.0.2, so clients reach every broker through it) passing broker→client bytes at
 * `bytesPerSecond` per connection. Requests go through unthrottled, so producing stays quick while
 * fetching a large range takes a while: a load that is long for a real reason.
 */
export function startSlowProxy(brokerPort: number, bytesPerSecond: number): Promise<SlowProxy> {
  const sockets = new Set<net.Socket>();
  let rate = bytesPerSecond;
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: brokerPort });
    const queue: Buffer[] = [];
    let pumping = false;
    const pump = () => {
      const chunk = queue.shift();
      if (!chunk || client.destroyed) {
        pumping = false;
        return;
      }
      pumping = true;
      const piece = chunk.subarray(0, 16 * 1024);
      if (piece.length < chunk.length) queue.unshift(chunk.subarray(piece.length));
      client.write(piece);
      setTimeout(pump, (piece.length / rate) * 1000);
    };
    upstream.on('data', (chunk: Buffer) => {
      queue.push(chunk);
      if (!pumping) pump();
    });
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    closeTogether(client, upstream, sockets);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(brokerPort, '127.0.0.2', () =>
      resolve({
        bootstrap: `127.0.0.2:${brokerPort}`,
        unthrottle: () => (rate = Infinity),
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}
