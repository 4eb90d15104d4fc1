import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SchemaLog } from '../ports/schema-log';
import { RegistryService } from './registry-service';
import { registryErrors, RegistryError } from './registry-errors';
import { route } from './rest-routes';

/** Checks a user's password for HTTP basic auth (Confluent's authentication.method=BASIC). */
export type BasicAuthCheck = (user: string, password: string) => boolean;

export interface SchemaRegistryOptions {
  /** Where schemas are kept: `PartitionStoreSchemaLog` in a broker, `KafkaSchemaLog` against a cluster. */
  log: SchemaLog;
  host?: string;
  /** 0 picks a free port. Confluent's default is 8081. */
  port?: number;
  /** With it, every request needs an `Authorization: Basic …` this accepts (401 otherwise). */
  basicAuth?: BasicAuthCheck;
  logLine?: (line: string) => void;
}

export interface RunningSchemaRegistry {
  url: string;
  host: string;
  port: number;
  service: RegistryService;
  close(): Promise<void>;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const MAX_BODY_BYTES = 16 * 1024 * 1024;

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(registryErrors.badRequest(`request body over ${MAX_BODY_BYTES} bytes`));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function authorized(request: http.IncomingMessage, check: BasicAuthCheck | undefined): boolean {
  if (!check) return true;
  const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 && check(decoded.slice(0, colon), decoded.slice(colon + 1));
}

/** Answers in the type the client asked for among Confluent's (its own first, then plain JSON). */
function responseType(request: http.IncomingMessage): string {
  const accept = request.headers.accept ?? '';
  return accept.includes(CONTENT_TYPE) || !accept.includes('application/json') ? CONTENT_TYPE : 'application/json';
}

async function handle(service: RegistryService, options: SchemaRegistryOptions, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const type = responseType(request);
  const send = (status: number, body: unknown, raw = false) => {
    const text = raw && typeof body === 'string' ? body : JSON.stringify(body);
    response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
    response.end(text);
  };
  try {
    if (!authorized(request, options.basicAuth)) {
      response.setHeader('WWW-Authenticate', 'Basic realm="SchemaRegistry"');
      throw registryErrors.unauthorized();
    }
    const url = new URL(request.url ?? '/', 'http://registry');
    const text = await readBody(request);
    let body: unknown = null;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch (error) {
        throw registryErrors.badRequest(`Unrecognized request body, not JSON: ${(error as Error).message}`);
      }
    }
    const segments = url.pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
    const answer = await route(service, { method: request.method ?? 'GET', segments, query: url.searchParams, body });
    send(answer.status, answer.body, answer.raw);
  } catch (error) {
    const failure = error instanceof RegistryError ? error : registryErrors.store(`Internal error: ${(error as Error).message}`);
    if (!(error instanceof RegistryError)) options.logLine?.(`schema registry: ${request.method} ${request.url}: ${(error as Error).stack}`);
    send(failure.httpStatus, failure.toJSON());
  }
}

/**
 * Confluent's Schema Registry REST API on `options.host:options.port`, its state replayed from `options.log` first
 * (ids and versions survive restarts). Resolves once it listens.
 */
export async function startSchemaRegistry(options: SchemaRegistryOptions): Promise<RunningSchemaRegistry> {
  const service = await RegistryService.open(options.log);
  const server = http.createServer((request, response) => {
    void handle(service, options, request, response);
  });
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 8081, host, () => resolve());
    });
  } catch (error) {
    await service.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${port}`,
    host,
    port,
    service,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await service.close();
    },
  };
}
