import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpTimeoutError } from './errors';

export { HttpTimeoutError };

export interface HttpRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  url: string;
  /** A small body, or a local file streamed with backpressure (never read whole). */
  body?: Buffer | { file: string; length: number };
  /** Longest silence allowed on the socket, in either direction. */
  idleTimeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const UPLOAD_CHUNK = 1 << 20;

/** Keep-alive agents shared by every client in the process: metadata calls reuse their connections. */
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 32 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 32 }),
};

/**
 * One HTTP request and its whole answer. Rejects only when there is no complete answer
 * (refused, reset, cut, timed out); any status, 4xx and 5xx included, resolves.
 */
export function exchange(request: HttpRequest): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(request.url);
    const secure = target.protocol === 'https:';
    const headers: http.OutgoingHttpHeaders = {};
    const body = request.body;
    if (body) {
      headers['content-type'] = 'application/octet-stream';
      headers['content-length'] = body.length;
    } else if (request.method === 'PUT' || request.method === 'POST') {
      headers['content-length'] = 0;
    }
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(error);
    };
    const req = (secure ? https : http).request(target, { method: request.method, headers, agent: secure ? agents.https : agents.http }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('aborted', () => fail(new Error('the answer was cut off')));
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.setTimeout(request.idleTimeoutMs, () => fail(new HttpTimeoutError(request.url, request.idleTimeoutMs)));
    req.on('error', fail);
    if (!body) {
      req.end();
    } else if (Buffer.isBuffer(body)) {
      req.end(body);
    } else if (body.length === 0) {
      req.end();
    } else {
      // Exactly the bytes Content-Length promised: more would be read by the server as the next request on the
      // connection, fewer would leave it waiting until the idle timeout.
      const source = fs.createReadStream(body.file, { highWaterMark: UPLOAD_CHUNK, start: 0, end: body.length - 1 });
      let read = 0;
      source.on('data', (chunk) => {
        read += chunk.length;
      });
      source.on('end', () => {
        if (read < body.length) fail(new Error(`${body.file} holds ${read} bytes, ${body.length} were to be sent (the file changed)`));
      });
      source.on('error', fail);
      req.on('close', () => source.destroy());
      source.pipe(req);
    }
  });
}
