import * as http from 'node:http';
import { strict as assert } from 'node:assert';

/** One raw WebHDFS answer; redirects are never followed on their own. */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** Interim statuses received before the answer (100 Continue). */
  interim: number[];
  json(): any;
}

export interface RawRequest {
  method?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Host names to connect elsewhere, keeping the URL's port: { dn: '127.0.0.1' }, as a client's DataNode mapping. */
  hostMap?: Record<string, string>;
}

/** Sends one HTTP request and collects the answer; rejects when the connection is destroyed instead. */
export function rawRequest(url: string, request: RawRequest = {}): Promise<RawResponse> {
  const target = new URL(url);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: request.hostMap?.[target.hostname] ?? target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: request.method ?? 'GET',
        headers: { Host: target.host, 'Content-Length': String(body?.length ?? 0), ...request.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const all = Buffer.concat(chunks);
          const text = all.toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: all, text, interim, json: () => JSON.parse(text) });
        });
      },
    );
    const interim: number[] = [];
    req.on('information', (info) => interim.push(info.statusCode));
    req.on('error', reject);
    req.end(body);
  });
}

/** The answer, or 'dropped' when the server destroyed the connection. */
export async function rawOutcome(url: string, request: RawRequest = {}): Promise<RawResponse | 'dropped'> {
  try {
    return await rawRequest(url, request);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/.test(String(error))) return 'dropped';
    throw error;
  }
}

/** A NameNode to talk to as one user; builds `/webhdfs/v1` URLs and follows redirects by hand. */
export class WebHdfsTarget {
  constructor(
    readonly nameNodeUrl: string,
    readonly user: string,
    readonly hostMap: Record<string, string> = {},
  ) {}

  url(path: string, op: string, params: Record<string, string> = {}, nameNodeUrl = this.nameNodeUrl): string {
    const query = new URLSearchParams({ op, 'user.name': this.user, ...params });
    return `${nameNodeUrl}/webhdfs/v1${path.split('/').map(encodeURIComponent).join('/')}?${query}`;
  }

  /** One request to the NameNode. */
  call(method: string, path: string, op: string, params: Record<string, string> = {}): Promise<RawResponse> {
    return rawRequest(this.url(path, op, params), { method });
  }

  /** Sends `body` to a 307's Location (mapped hosts included) with the method of the first step. */
  follow(first: RawResponse, method: string, body?: string | Buffer): Promise<RawResponse> {
    assert.equal(first.status, 307, `expected a redirect, got ${first.status} ${first.text}`);
    return rawRequest(String(first.headers.location), { method, body, hostMap: this.hostMap });
  }

  /** Both steps of a request that may redirect: the final answer (the first one if it was not a 307). */
  async twoStep(method: string, path: string, op: string, params: Record<string, string> = {}, body?: string | Buffer): Promise<RawResponse> {
    const first = await this.call(method, path, op, params);
    return first.status === 307 ? this.follow(first, method, body) : first;
  }

  /** CREATE with content, asserting 201. */
  async create(path: string, content: string | Buffer, params: Record<string, string> = {}): Promise<void> {
    const done = await this.twoStep('PUT', path, 'CREATE', params, content);
    assert.equal(done.status, 201, `CREATE ${path}: ${done.status} ${done.text}`);
  }

  async read(path: string, params: Record<string, string> = {}): Promise<RawResponse> {
    return this.twoStep('GET', path, 'OPEN', params);
  }

  async status(path: string): Promise<RawResponse> {
    return this.call('GET', path, 'GETFILESTATUS');
  }

  async mkdirs(path: string): Promise<void> {
    const answer = await this.call('PUT', path, 'MKDIRS');
    assert.deepEqual([answer.status, answer.text], [200, '{"boolean":true}']);
  }
}

/** Asserts a RemoteException answer: status, exception name and (optionally) a message pattern. */
export function assertRemoteException(answer: RawResponse, status: number, exception: string, message?: RegExp): void {
  assert.equal(answer.status, status, answer.text);
  const remote = answer.json().RemoteException;
  assert.equal(remote.exception, exception, answer.text);
  assert.equal(typeof remote.javaClassName, 'string');
  assert.ok(remote.javaClassName.endsWith(exception), remote.javaClassName);
  if (message) assert.match(remote.message, message);
}
