import type { Socket } from 'node:net';
import { FrameError, FrameReader } from '../protocol/frame-reader';
import type { BadClientKind } from './bad-client-log';
import type { RequestMemory } from './request-memory';
import { ConnectionSession, plaintextSession } from './session';
import type { SaslExchange } from './security/sasl-exchange';

/** What answers one request frame: the response body chunks (without the size prefix), or null for none (acks=0). */
export type FrameHandler = (frame: Buffer, connection: ConnectionInfo) => Promise<Buffer[] | null>;

export interface ConnectionInfo {
  readonly id: number;
  readonly remote: string;
  /** Who is on this connection; SaslAuthenticate changes it. */
  readonly session: ConnectionSession;
  /** The SASL state on a SASL_PLAINTEXT or SASL_SSL listener; null on the others. */
  readonly sasl: SaslExchange | null;
  /** Sends the response to the request being handled (if any), then closes; `reason` goes to the bad-client log. */
  closeAfterResponse(kind: BadClientKind, reason: string): void;
  /** Runs `done` once the response to the request being handled is written, or will not be (see RequestContext). */
  afterResponseWritten(done: () => void): void;
}

/** Told why a connection is being closed because of something its client did. */
export type ConnectionLog = (connection: ConnectionInfo, kind: BadClientKind, message: string) => void;

export interface ConnectionLimits {
  /** Kafka's socket.request.max.bytes: a larger frame closes the connection. */
  maxFrameBytes: number;
  /** How long a request may take to arrive whole, from its first byte (sluice's own; Kafka has none). */
  frameTimeoutMs: number;
  /** Kafka's connections.max.idle.ms: a connection with nothing to do for this long is closed. */
  idleTimeoutMs: number;
}

const MAX_QUEUED_FRAMES = 64;
/** Responses larger than this are streamed in slices of WRITE_SLICE_BYTES (see stream()). */
const STREAMED_RESPONSE_BYTES = 1024 * 1024;
const WRITE_SLICE_BYTES = 256 * 1024;

/**
 * One client connection. Requests are handled one at a time and answered in
 * order, as Kafka does; a frame that cannot be handled closes this connection
 * and nothing else. Reading pauses while this connection has many requests
 * queued, or while the broker-wide request budget has no room for the request
 * being received: the client is slowed down by TCP, not disconnected.
 */
export class Connection implements ConnectionInfo {
  private readonly reader: FrameReader;
  private readonly queue: Buffer[] = [];
  private busy = false;
  private closed = false;
  private stopped = false;
  private paused = false;
  private idle: (() => void)[] = [];
  /** Bytes this connection holds in the shared request budget. */
  private heldBytes = 0;
  /** Whether the frame being received already has its room in the budget. */
  private partialFrameAdmitted = false;
  private waitingForMemory: (() => void) | null = null;
  private lastActivity = Date.now();
  /** When the frame being received began to arrive; null when there is none or the broker is not reading. */
  private frameStartedAt: number | null = null;
  private closing: { kind: BadClientKind; reason: string } | null = null;
  /** Told to run once the response to the request being handled is written (afterResponseWritten). */
  private onResponseWritten: (() => void)[] = [];
  /** Those of responses being written: run by their last write, or when the socket has closed. */
  private readonly unwritten = new Set<() => void>();
  /** Whether responses are being gathered for one write (flushSoon). */
  private corked = false;
  readonly remote: string;
  sasl: SaslExchange | null = null;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly handler: FrameHandler,
    private readonly limits: ConnectionLimits,
    private readonly memory: RequestMemory,
    private readonly log: ConnectionLog,
    readonly session: ConnectionSession = plaintextSession(),
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.reader = new FrameReader(limits.maxFrameBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.close('socket error', `socket error: ${error.message}`));
    socket.on('close', () => {
      this.close();
      // The handle is closed: nothing will read those responses' buffers any more.
      for (const written of [...this.unwritten]) written();
    });
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    this.lastActivity = Date.now();
    let frames: Buffer[];
    try {
      frames = this.reader.push(chunk);
    } catch (error) {
      this.close('bad frame size', (error as FrameError).message);
      return;
    }
    frames.forEach((frame, i) => {
      // The first frame may be the one that was arriving, whose room is already taken; the rest came whole.
      if (i === 0 && this.partialFrameAdmitted) this.partialFrameAdmitted = false;
      else this.hold(frame.length);
    });
    if (frames.length > 0) this.frameStartedAt = null;
    this.queue.push(...frames);
    this.admitPartialFrame();
    this.updateReading();
    void this.processQueue();
  }

  private hold(bytes: number): void {
    this.memory.hold(bytes);
    this.heldBytes += bytes;
  }

  private giveBack(bytes: number): void {
    if (this.closed) return; // close() gave back everything
    this.heldBytes -= bytes;
    this.memory.release(bytes);
  }

  /** Takes room in the budget for the frame now arriving, or waits (not reading) until there is some. */
  private admitPartialFrame(): void {
    const size = this.reader.partialFrameSize;
    if (size === null || this.partialFrameAdmitted || this.waitingForMemory) return;
    const admitted = () => {
      this.waitingForMemory = null;
      this.partialFrameAdmitted = true;
      this.heldBytes += size;
      this.updateReading();
    };
    if (this.memory.reserve(size, admitted)) {
      this.partialFrameAdmitted = true;
      this.heldBytes += size;
    } else {
      this.waitingForMemory = admitted;
    }
  }

  private updateReading(): void {
    const queueFull = this.queue.length >= (this.paused ? MAX_QUEUED_FRAMES / 2 : MAX_QUEUED_FRAMES);
    const read = !this.closed && !this.stopped && !this.waitingForMemory && !queueFull;
    if (read && this.paused) this.socket.resume();
    if (!read && !this.paused) this.socket.pause();
    this.paused = !read;
    // Time spent not reading is the broker's doing, so the frame timeout counts only time spent reading.
    if (this.paused || this.reader.pendingBytes === 0) this.frameStartedAt = null;
    else this.frameStartedAt ??= Date.now();
  }

  private async processQueue(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    while (this.queue.length > 0 && !this.closed) {
      const frame = this.queue.shift()!;
      this.updateReading();
      try {
        const response = await this.handler(frame, this);
        const written = this.onResponseWritten.splice(0);
        this.giveBack(frame.length);
        if (response && !this.closed) await this.send(response, written);
        else for (const done of written) done();
        if (this.closing) this.close(this.closing.kind, this.closing.reason, true);
      } catch (error) {
        for (const done of this.onResponseWritten.splice(0)) done();
        this.close('request failed', `request failed: ${(error as Error).message}`);
      }
      this.lastActivity = Date.now();
    }
    this.flushNow(); // before whenIdle's waiters run: a shutdown closes the socket right after
    this.busy = false;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private send(chunks: Buffer[], onWritten: (() => void)[]): Promise<void> {
    const size = Buffer.alloc(4);
    const total = chunks.reduce((sum, c) => sum + c.length, 0);
    size.writeInt32BE(total);
    const all = [size, ...chunks];
    const written = onWritten.length === 0 ? undefined : this.whenWritten(onWritten);
    if (total > STREAMED_RESPONSE_BYTES) {
      this.flushNow();
      // Every slice's write has called back unless the connection closed, when the socket's close runs `written`.
      return this.stream(all).then(() => (this.closed ? undefined : written?.()));
    }
    this.flushSoon();
    let flushed = true;
    all.forEach((chunk, i) => (flushed = i === all.length - 1 && written ? this.socket.write(chunk, written) : this.socket.write(chunk)));
    if (flushed) return Promise.resolve();
    this.flushNow();
    return this.drained();
  }

  /**
   * Responses written before the next tick leave in one writev. Why: a producer keeps several requests in flight,
   * and once the broker falls behind a little, one read brings several of them (up to ~180 at 100k msg/s); each
   * answered with its own writev made the socket writes the broker's largest cost. Requests answered without
   * waiting for I/O are handled within one run of the microtask queue, which ends before the tick does.
   */
  private flushSoon(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => this.flushNow());
  }

  private flushNow(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }

  /** One callback running every `done` once, from the last write's callback or the socket's close, whichever first. */
  private whenWritten(done: (() => void)[]): () => void {
    const once = () => {
      if (!this.unwritten.delete(once)) return;
      for (const d of done) d();
    };
    this.unwritten.add(once);
    return once;
  }

  /**
   * A large response (a batch consumer's fetch) goes out a slice at a time, each once the one before reached the
   * kernel, so copying it into the socket never holds the event loop for long: other connections are served between.
   */
  private async stream(chunks: Buffer[]): Promise<void> {
    for (const chunk of chunks) {
      for (let at = 0; at < chunk.length && !this.closed; at += WRITE_SLICE_BYTES) {
        const slice = chunk.subarray(at, Math.min(chunk.length, at + WRITE_SLICE_BYTES));
        await new Promise<void>((resolve) => {
          const done = () => {
            this.socket.off('close', done);
            resolve();
          };
          this.socket.once('close', done);
          this.socket.write(slice, done);
        });
      }
    }
  }

  private drained(): Promise<void> {
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

  closeAfterResponse(kind: BadClientKind, reason: string): void {
    this.closing ??= { kind, reason };
  }

  afterResponseWritten(done: () => void): void {
    this.onResponseWritten.push(done);
  }

  /** Closes this connection if a request has taken too long to arrive, or it has been idle too long. */
  checkTimeouts(now: number): void {
    if (this.closed) return;
    if (this.frameStartedAt !== null && now - this.frameStartedAt >= this.limits.frameTimeoutMs) {
      const declared = this.reader.partialFrameSize;
      const got = declared === null ? `${this.reader.pendingBytes} of 4 size bytes` : `${this.reader.pendingBytes - 4} of ${declared} bytes`;
      this.close('request not complete in time', `request not complete after ${now - this.frameStartedAt} ms (${got} received; request-frame-timeout-ms)`);
      return;
    }
    const idle = !this.busy && this.queue.length === 0 && this.reader.pendingBytes === 0 && !this.waitingForMemory;
    if (idle && now - this.lastActivity >= this.limits.idleTimeoutMs) this.close(); // Kafka closes idle connections silently too
  }

  /** Resolves once the request being handled (if any) has been answered and no more are queued. */
  whenIdle(): Promise<void> {
    if (!this.busy || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Stops reading new requests; those already received are still answered. */
  stopReading(): void {
    this.stopped = true;
    this.updateReading();
  }

  /** `flush`: end the socket after what was written (an error answer) instead of dropping it. */
  close(kind?: BadClientKind, reason?: string, flush = false): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    if (this.waitingForMemory) this.memory.cancel(this.waitingForMemory);
    this.waitingForMemory = null;
    const held = this.heldBytes;
    this.heldBytes = 0;
    this.memory.release(held);
    if (kind && reason) this.log(this, kind, reason);
    if (flush) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    } else {
      this.socket.destroy();
    }
    for (const resolve of this.idle.splice(0)) resolve();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
