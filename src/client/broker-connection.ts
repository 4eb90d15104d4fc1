import * as net from 'node:net';
import { decodeMessage, encodeMessage, MessageSchema, Reader, requestHeaderVersion, responseHeaderVersion } from '../protocol/codec';
import { requestHeaderSchema, responseHeaderSchema } from '../protocol/generated';
import { FrameReader } from '../protocol/frame-reader';

export class ConnectionClosedError extends Error {
  constructor(readonly address: string, reason: string) {
    super(`connection to ${address} closed: ${reason}`);
    this.name = 'ConnectionClosedError';
  }
}

/** A request got no answer in time; the connection is closed, since later answers could no longer be matched. */
export class RequestTimeoutError extends Error {
  constructor(readonly address: string, readonly apiKey: number, readonly timeoutMs: number) {
    super(`request (API ${apiKey}) to ${address} got no answer within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

export interface RequestOptions {
  /** Overrides the connection's request timeout, e.g. a long-polling Fetch adds its maxWaitMs. */
  timeoutMs?: number;
}

interface Pending {
  correlationId: number;
  apiKey: number;
  resolve: (body: Reader) => void;
  reject: (error: Error) => void;
  headerVersion: number;
  timeoutMs: number;
}

/** Kafka's request.timeout.ms default. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

const MAX_RESPONSE_BYTES = 512 * 1024 * 1024;

/**
 * One TCP connection to a Kafka-protocol broker; requests may be pipelined, answers come back in order.
 * The request at the head of the line times out when no byte of its answer arrives for its timeout (so a
 * slow link still delivering a large Fetch is not a stall); the timeout then closes the connection.
 */
export class BrokerConnection {
  private readonly pending: Pending[] = [];
  private readonly frames = new FrameReader(MAX_RESPONSE_BYTES);
  private nextCorrelationId = 1;
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly socket: net.Socket, readonly address: string, private readonly clientId: string, private readonly requestTimeoutMs: number) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(new ConnectionClosedError(address, error.message)));
    socket.on('close', () => this.fail(new ConnectionClosedError(address, 'closed by the broker')));
  }

  static connect(host: string, port: number, clientId: string, timeoutMs = 10_000, requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<BrokerConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectionClosedError(`${host}:${port}`, `no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', reject);
        resolve(new BrokerConnection(socket, `${host}:${port}`, clientId, requestTimeoutMs));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new ConnectionClosedError(`${host}:${port}`, error.message));
      });
    });
  }

  /** False once the connection failed or was closed: a new one is needed. */
  get isOpen(): boolean {
    return this.failure === undefined && !this.socket.destroyed;
  }

  /** Sends one request and resolves with the decoded response. */
  async request<Req, Res>(apiKey: number, version: number, requestSchema: MessageSchema<Req>, responseSchema: MessageSchema<Res>, body: Req, options: RequestOptions = {}): Promise<Res> {
    if (this.failure) throw this.failure;
    const correlationId = this.write(apiKey, version, requestSchema, body);
    const answered = new Promise<Reader>((resolve, reject) => {
      this.pending.push({ correlationId, apiKey, resolve, reject, headerVersion: responseHeaderVersion(apiKey, version), timeoutMs: options.timeoutMs ?? this.requestTimeoutMs });
      if (this.pending.length === 1) this.armTimer();
    });
    return decodeMessage(responseSchema, version, await answered);
  }

  /** Sends one request the broker does not answer (Produce with acks=0). */
  send<Req>(apiKey: number, version: number, requestSchema: MessageSchema<Req>, body: Req): void {
    if (this.failure) throw this.failure;
    this.write(apiKey, version, requestSchema, body);
  }

  private write<Req>(apiKey: number, version: number, requestSchema: MessageSchema<Req>, body: Req): number {
    const correlationId = this.nextCorrelationId++;
    const writer = encodeMessage(requestHeaderSchema, requestHeaderVersion(apiKey, version), {
      requestApiKey: apiKey,
      requestApiVersion: version,
      correlationId,
      clientId: this.clientId,
    });
    encodeMessage(requestSchema, version, body, writer);
    const chunks = writer.toBuffers();
    const size = Buffer.alloc(4);
    size.writeInt32BE(writer.length);
    this.socket.cork();
    this.socket.write(size);
    for (const chunk of chunks) this.socket.write(chunk);
    this.socket.uncork();
    return correlationId;
  }

  /** (Re)starts the head request's clock: on a new head, and whenever bytes of its answer arrive. */
  private armTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const head = this.pending[0];
    if (!head) return;
    this.timer = setTimeout(() => {
      this.fail(new RequestTimeoutError(this.address, head.apiKey, head.timeoutMs), new ConnectionClosedError(this.address, 'closed after an earlier request timed out'));
      this.socket.destroy();
    }, head.timeoutMs);
  }

  private receive(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch (error) {
      this.fail(new ConnectionClosedError(this.address, (error as Error).message));
      this.socket.destroy();
      return;
    }
    for (const frame of frames) {
      const waiting = this.pending.shift();
      if (!waiting) return this.fail(new ConnectionClosedError(this.address, 'a response nobody asked for'));
      const reader = new Reader(frame);
      const header = decodeMessage(responseHeaderSchema, waiting.headerVersion, reader);
      if (header.correlationId !== waiting.correlationId) {
        waiting.reject(new ConnectionClosedError(this.address, `correlation id ${header.correlationId}, expected ${waiting.correlationId}`));
        this.socket.destroy();
        return;
      }
      waiting.resolve(reader);
    }
    this.armTimer();
  }

  /** The head request gets `error`, the ones behind it `others` (by default the same). */
  private fail(error: Error, others: Error = error): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.failure) this.failure = others;
    this.pending.splice(0).forEach((waiting, i) => waiting.reject(i === 0 ? error : others));
  }

  close(): void {
    this.fail(new ConnectionClosedError(this.address, 'closed by the client'));
    this.socket.destroy();
  }
}
