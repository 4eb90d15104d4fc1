import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Namespace } from './namespace';
import { Faults, FaultInjector } from './faults';
import { Authenticator } from './auth';
import { EmulatorState } from './state';
import { nameNodeHandler } from './namenode';
import { dataNodeHandler } from './datanode';

export type { FaultInjector } from './faults';

export interface WebHdfsEmulatorOptions {
  /** Local directory holding the files (HDFS path /a/b → <root>/a/b). */
  root: string;
  /** Bind address, default 127.0.0.1. */
  host?: string;
  /** First NameNode port, 0 = any (default 0); a second NameNode takes the next port. */
  port?: number;
  /** 0 = any. */
  dataNodePort?: number;
  /** Host put in 307 Locations (default: the bound host). Real DataNodes advertise names clients often cannot resolve. */
  advertisedDataNodeHost?: string;
  /** 2 = an HA pair sharing one namespace; the first is active, the second standby. */
  nameNodes?: 1 | 2;
  /** Default 'hdfs'. */
  superuser?: string;
  /** LISTSTATUS_BATCH page size (Hadoop's dfs.ls.limit), default 1000. */
  listingLimit?: number;
}

export interface WebHdfsEmulator {
  /** e.g. ['http://127.0.0.1:41234'] (no path). */
  readonly nameNodeUrls: string[];
  readonly dataNodeUrl: string;
  readonly faults: FaultInjector;
  /** Swaps active and standby (with 2 NameNodes); with 1, toggles that one between active and standby. */
  failover(): void;
  setSafeMode(on: boolean): void;
  /** Requests per op, NameNode and DataNode together, e.g. { CREATE: 3, RENAME: 1 }. */
  readonly requestCount: Record<string, number>;
  close(): Promise<void>;
}

/** An option the emulator cannot start with, named in the message. */
export class EmulatorOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmulatorOptionsError';
  }
}

function checkRoot(root: string): void {
  if (typeof root !== 'string' || root === '') throw new EmulatorOptionsError('root: a local directory is required');
  if (fs.existsSync(root) && !fs.statSync(root).isDirectory()) throw new EmulatorOptionsError(`root ${root}: is not a directory`);
}

/** A running HTTP server and the sockets it has open, so close() can end keep-alive and stuck connections. */
interface Listener {
  server: http.Server;
  url: string;
  port: number;
}

function listen(host: string, port: number, handler: http.RequestListener): Promise<Listener> {
  return new Promise((resolve, reject) => {
    // No overall request deadline: a large upload over a slow link may take as long as it takes, as on a DataNode.
    const server = http.createServer({ requestTimeout: 0 }, handler);
    // Garbage on the wire: answer 400 when the socket can still take it, never let it reach the process.
    server.on('clientError', (_error, socket: Socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      const bound = (server.address() as AddressInfo).port;
      resolve({ server, port: bound, url: `http://${urlHost(host)}:${bound}` });
    });
  });
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

function closeListener(listener: Listener): Promise<void> {
  return new Promise((resolve) => {
    listener.server.close(() => resolve());
    listener.server.closeAllConnections();
  });
}

/** Starts one DataNode and one or two NameNodes over a shared namespace rooted at `options.root`. */
export async function startWebHdfsEmulator(options: WebHdfsEmulatorOptions): Promise<WebHdfsEmulator> {
  const host = options.host ?? '127.0.0.1';
  const superuser = options.superuser ?? 'hdfs';
  const count = options.nameNodes ?? 1;
  if (count !== 1 && count !== 2) throw new EmulatorOptionsError(`nameNodes must be 1 or 2, got ${String(count)}`);
  const listingLimit = options.listingLimit ?? 1000;
  if (!Number.isInteger(listingLimit) || listingLimit < 1) throw new EmulatorOptionsError(`listingLimit must be a positive integer, got ${listingLimit}`);
  checkRoot(options.root);
  const faults = new Faults();
  const state = new EmulatorState(new Namespace(options.root, superuser, listingLimit), faults, new Authenticator(superuser), count === 2);
  const listeners: Listener[] = [];
  try {
    const dataNode = await listen(host, options.dataNodePort ?? 0, dataNodeHandler(state));
    listeners.push(dataNode);
    state.dataNodeLocationBase = `http://${urlHost(options.advertisedDataNodeHost ?? host)}:${dataNode.port}`;
    for (let i = 0; i < count; i++) {
      const port = options.port ? options.port + i : 0;
      const nameNode = await listen(host, port, nameNodeHandler(state, i));
      listeners.push(nameNode);
      state.nameNodes.push({ active: i === 0, rpcAddress: `${host}:${nameNode.port}` });
    }
  } catch (error) {
    await Promise.all(listeners.map(closeListener));
    throw error;
  }
  const [dataNode, ...nameNodes] = listeners;
  return {
    nameNodeUrls: nameNodes.map((l) => l.url),
    dataNodeUrl: dataNode.url,
    faults,
    failover: () => state.failover(),
    setSafeMode: (on) => state.setSafeMode(on),
    requestCount: state.requestCount,
    async close() {
      await Promise.all(listeners.map(closeListener));
      await Promise.all([...state.uploads]);
    },
  };
}
