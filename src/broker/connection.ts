import type { Socket } from 'node:net';
import { FrameError, FrameReader } from '../protocol/frame-reader';

/** What answers one request frame: the response body chunks (without the size prefix), or null for none (acks=0). */
export type FrameHandler = (frame: Buffer, connection: ConnectionInfo) => Promise<Buffer[] | null>;

export interface ConnectionInfo {
  readonly id: number;
  readonly remote: string;
}

export type ConnectionLog = (connection: ConnectionInfo, message: string) => void;

const MAX_QUEUED_FRAMES = 64;

/**
 * One client connection. Requests are handled one at a time and answered in
 * order, as Kafka does; a frame that cannot be handled closes this connection
 * and nothing else.
 */
export class Connection implements ConnectionInfo {
  private readonly reader: FrameReader;
  private readonly queue: Buffer[] = [];
  private busy = false;
  private closed = false;
  private idle: (() => void)[] = [];
  readonly remote: string;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly handler: FrameHandler,
    maxFrameBytes: number,
    private readonly log: ConnectionLog,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.reader = new FrameReader(maxFrameBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.close(`socket error: ${error.message}`));
    socket.on('close', () => this.close());
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    try {
      this.queue.push(...this.reader.push(chunk));
    } catch (error) {
      this.close((error as FrameError).message);
      return;
    }
    if (this.queue.length >= MAX_QUEUED_FRAMES) this.socket.pause();
    void this.processQueue();
  }

  private async processQueue(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    while (this.queue.length > 0 && !this.closed) {
      const frame = this.queue.shift()!;
      if (this.queue.length < MAX_QUEUED_FRAMES / 2) this.socket.resume();
      try {
        const response = await this.handler(frame, this);
        if (response && !this.closed) await this.send(response);
      } catch (error) {
        this.close(`request failed: ${(error as Error).message}`);
      }
    }
    this.busy = false;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private send(chunks: Buffer[]): Promise<void> {
    const size = Buffer.alloc(4);
    size.writeInt32BE(chunks.reduce((sum, c) => sum + c.length, 0));
    this.socket.cork();
    this.socket.write(size);
    let flushed = true;
    for (const chunk of chunks) flushed = this.socket.write(chunk);
    this.socket.uncork();
    if (flushed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('close', done);
        this.socket.off('drain', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  /** Resolves once the request being handled (if any) has been answered and no more are queued. */
  whenIdle(): Promise<void> {
    if (!this.busy || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Stops reading new requests; those already received are still answered. */
  stopReading(): void {
    this.socket.pause();
  }

  close(reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    if (reason) this.log(this, `closing: ${reason}`);
    this.socket.destroy();
    for (const resolve of this.idle.splice(0)) resolve();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
