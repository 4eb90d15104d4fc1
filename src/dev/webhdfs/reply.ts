import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { toWebHdfsError } from './remote-exception';

/**
 * The only way handlers answer. With `dropAfter` set (a 'drop-after' fault) the operation has been done, and every
 * answer becomes a destroyed connection: the client cannot know the outcome.
 */
export class Reply {
  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    private readonly dropAfter = false,
  ) {}

  json(status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
    const text = Buffer.from(JSON.stringify(body));
    this.send(status, { 'Content-Type': 'application/json', 'Content-Length': text.length, ...headers }, text);
  }

  empty(status: number, headers: OutgoingHttpHeaders = {}): void {
    this.send(status, { 'Content-Length': 0, ...headers });
  }

  error(error: unknown): void {
    const remote = toWebHdfsError(error);
    if (this.res.headersSent) {
      this.drop();
      return;
    }
    this.json(remote.status, remote.toBody());
  }

  /** 200 with a file's bytes; the source is only opened once we know the answer is not dropped. */
  stream(headers: OutgoingHttpHeaders, open: () => Readable): void {
    if (this.dropAfter) return this.drop();
    this.res.writeHead(200, headers);
    const source = open();
    source.on('error', () => this.drop());
    source.pipe(this.res);
  }

  drop(): void {
    this.req.socket.destroy();
  }

  private send(status: number, headers: OutgoingHttpHeaders, body?: Buffer): void {
    if (this.dropAfter) return this.drop();
    if (this.res.headersSent || this.res.destroyed) return;
    this.res.writeHead(status, headers);
    this.res.end(body);
  }
}
