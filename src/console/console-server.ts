// The console's HTTP server (node:http): loopback by default, security headers on every answer, and the Host and
// Origin checks that keep another web site (DNS rebinding, a cross-site form) from reading it or posting to it.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KafkaError } from '../protocol/error-codes';
import { STYLE_SHEET } from './html';
import { ConsoleContext, errorPage, PageError, route } from './console-routes';

export interface ConsoleOptions extends ConsoleContext {
  port: number;
  host?: string;
}

export interface RunningConsole {
  readonly host: string;
  readonly port: number;
  /** http://host:port/, for the start-up line. */
  readonly url: string;
  close(): Promise<void>;
}

/** The console could not listen where it was told to. */
export class ConsoleListenError extends Error {
  constructor(readonly host: string, readonly port: number, readonly code: string | undefined, detail: string) {
    super(code === 'EADDRINUSE' ? `--port ${port}: ${host}:${port} is in use (--port 0 takes a free one)` : `--host ${host} --port ${port}: cannot listen: ${detail}`);
    this.name = 'ConsoleListenError';
  }
}

const HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

const WILDCARDS = new Set(['0.0.0.0', '::', '']);
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** The Host names this console answers to: a page fetched under another name is a rebinding attempt. */
function allowedHosts(host: string, port: number): Set<string> | null {
  if (WILDCARDS.has(host)) return null;
  const shown = host.includes(':') ? `[${host}]` : host;
  return new Set([shown, ...LOOPBACK_NAMES].map((h) => `${h}:${port}`));
}

function statusOf(error: unknown): number {
  if (error instanceof PageError) return error.status;
  if (error instanceof KafkaError && ['UNKNOWN_TOPIC_OR_PARTITION', 'GROUP_ID_NOT_FOUND'].includes(error.errorName)) return 404;
  if (error instanceof KafkaError && error.errorName === 'OFFSET_OUT_OF_RANGE') return 400;
  return 502;
}

export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const host = options.host ?? '127.0.0.1';
  let hosts: Set<string> | null = null;
  const server = http.createServer((request, response) => {
    const send = (status: number, body: string, type = 'text/html; charset=utf-8', extra: Record<string, string> = {}) => {
      response.writeHead(status, { ...HEADERS, 'content-type': type, ...extra }).end(request.method === 'HEAD' ? undefined : body);
    };
    const hostHeader = (request.headers.host ?? '').toLowerCase();
    if (hosts && !hosts.has(hostHeader)) {
      send(421, errorPage(421, `this console answers as ${[...hosts].join(', ')}, not ${hostHeader || 'no host'}`));
      return;
    }
    const url = new URL(request.url ?? '/', `http://${hostHeader || 'console'}`);
    const method = request.method ?? 'GET';
    if (method === 'POST' && request.headers.origin !== undefined && request.headers.origin !== `http://${hostHeader}`) {
      send(403, errorPage(403, `a form from ${request.headers.origin} cannot act on this console`));
      return;
    }
    if (url.pathname === '/console.css') {
      send(200, STYLE_SHEET, 'text/css; charset=utf-8');
      return;
    }
    request.resume();
    route(options, method, url).then(
      (reply) => send(reply.status, reply.body, 'text/html; charset=utf-8', reply.location ? { location: reply.location } : {}),
      (error: unknown) => send(statusOf(error), errorPage(statusOf(error), (error as Error).message)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new ConsoleListenError(host, options.port, error.code, error.message)));
    server.listen(options.port, host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  hosts = allowedHosts(host, address.port);
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    host: address.address,
    port: address.port,
    url: `http://${shownHost}:${address.port}/`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
