import * as net from 'node:net';
import type * as tls from 'node:tls';
import { decodeMessage } from '../protocol/codec/decode';
import { encodeMessage } from '../protocol/codec/encode';
import { requestHeaderVersionOf, responseHeaderVersionOf } from '../protocol/codec/header-versions';
import { Reader } from '../protocol/codec/reader';
import type { MessageSchema } from '../protocol/codec/schema';
import { requestHeaderSchema } from '../protocol/generated/request-header';
import { responseHeaderSchema } from '../protocol/generated/response-header';
import { FrameReader } from '../protocol/frame-reader';
import { InPlaceFrameReader } from '../protocol/in-place-frame-reader';
import { TlsHandshakeError, tlsHint } from './security-errors';

export class ConnectionClosedError extends Error {
  constructor(readonly address: string, reason: string) {
    super(`connection to ${address} closed: ${reason}`);
    this.name = 'ConnectionClosedError';
  }
}

/**
 * What answered is not a Kafka broker: an HTTP server (a Schema Registry, a web console, a NameNode's web port), or
 * some other text protocol. Its first bytes are not a frame size but text ("HTTP" read as int32 is 1213486160).
 */
export class NotKafkaProtocolError extends Error {
  constructor(readonly address: string, readonly answer: string, readonly http: boolean) {
    super(http
      ? `${address} answered HTTP, not the Kafka protocol: is this a Schema Registry or web port? (${answer})`
      : `${address} answered ${JSON.stringify(answer)}, not the Kafka protocol: is this the broker's port?`);
    this.name = 'NotKafkaProtocolError';
  }
}

/** The first line of an answer that is text, or null when it looks like binary (a Kafka frame). */
function textualAnswer(chunk: Buffer): { line: string; http: boolean } | null {
  const head = chunk.subarray(0, 80).toString('latin1');
  if (head.startsWith('HTTP/')) return { line: head.split(/\r?\n/)[0], http: true };
  // A Kafka frame starts with its size: a first byte this high would mean a frame over 512 MiB.
  if (chunk.length >= 4 && chunk[0] >= 0x20 && /^[\x20-\x7e]{4}/.test(head)) return { line: head.split(/\r?\n/)[0], http: false };
  return null;
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
  /** A plain TCP socket's frames are read in place (`onread`); a TLS socket's come in 'data' chunks. */
  private readonly frames: InPlaceFrameReader | FrameReader;
  private nextCorrelationId = 1;
  private failure: Error | undefined;
  private answered = false;
  private retiresAt = Infinity;
  private closingWhenIdle = false;
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly socket: net.Socket, readonly address: string, private readonly clientId: string, private readonly requestTimeoutMs: number, secure: boolean, inPlace: InPlaceFrameReader | null) {
    socket.setNoDelay(true);
    if (inPlace) {
      this.frames = inPlace;
    } else {
      const frames = (this.frames = new FrameReader(MAX_RESPONSE_BYTES));
      socket.on('data', (chunk: Buffer) => this.receive(chunk, () => frames.push(chunk)));
    }
    // With TLS 1.3 the broker checks a client certificate after the client's handshake is done: its alert arrives here.
    socket.on('error', (error: NodeJS.ErrnoException) => this.fail(secure && error.code?.startsWith('ERR_SSL_')
      ? new TlsHandshakeError(address, error.message, tlsHint(error.code, true))
      : new ConnectionClosedError(address, error.message)));
    socket.on('close', () => this.fail(new ConnectionClosedError(address, this.answered || secure
      ? 'closed by the broker'
      // What a TLS listener does with a plaintext request.
      : 'closed by the broker before its first answer (if the listener is SSL or SASL_SSL, check security.protocol)')));
  }

  /**
   * A TCP connection, or with `tlsOptions` a TLS one: resolves once the handshake is done (the broker's certificate
   * checked), fails with `TlsHandshakeError` when it cannot be.
   */
  static connect(host: string, port: number, clientId: string, timeoutMs = 10_000, requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, tlsOptions?: tls.ConnectionOptions): Promise<BrokerConnection> {
    const address = `${host}:${port}`;
    return new Promise((resolve, reject) => {
      let tcpConnected = false;
      let connection: BrokerConnection | undefined;
      const inPlace = tlsOptions ? null : new InPlaceFrameReader(MAX_RESPONSE_BYTES);
      // Reading starts after 'connect', whose handler makes the connection: `connection` is set by the first read.
      const onread = inPlace && {
        buffer: () => inPlace.nextBuffer(),
        callback: (bytes: number, buffer: Uint8Array) => {
          if (connection) connection.receive(Buffer.from(buffer.buffer, buffer.byteOffset, bytes), () => inPlace.received(bytes));
          else socket.destroy();
          return true;
        },
      };
      const socket = tlsOptions
        ? (require('node:tls') as typeof tls).connect({ ...tlsOptions, host, port, servername: net.isIP(host) ? undefined : host })
        : net.connect({ host, port, onread: onread! });
      const settle = (error?: Error) => {
        clearTimeout(timer);
        socket.removeListener('error', onError);
        socket.removeListener('close', onClose);
        if (error) {
          socket.destroy();
          reject(error);
        } else resolve((connection = new BrokerConnection(socket, address, clientId, requestTimeoutMs, tlsOptions !== undefined, inPlace)));
      };
      const timer = setTimeout(() => settle(new ConnectionClosedError(address, `no connection within ${timeoutMs} ms`)), timeoutMs);
      const onError = (error: NodeJS.ErrnoException) => {
        settle(tlsOptions && tcpConnected ? new TlsHandshakeError(address, error.message, tlsHint(error.code, true)) : new ConnectionClosedError(address, error.message));
      };
      const onClose = () => settle(tlsOptions && tcpConnected
        ? new TlsHandshakeError(address, 'the broker closed the connection during the handshake', tlsHint(undefined, false))
        : new ConnectionClosedError(address, 'closed by the broker'));
      socket.once('connect', () => {
        tcpConnected = true;
        if (!tlsOptions) settle();
      });
      if (tlsOptions) socket.once('secureConnect', () => settle());
      socket.on('error', onError);
      socket.once('close', onClose);
    });
  }

  /** False once the connection failed, was closed or retired: a new one is needed. */
  get isOpen(): boolean {
    return this.failure === undefined && !this.socket.destroyed && Date.now() < this.retiresAt;
  }

  /** After `ms` the connection counts as closed for new requests (a SASL session about to end, KIP-368). */
  retireAfter(ms: number): void {
    this.retiresAt = Date.now() + ms;
  }

  /** Closes the connection once every request sent on it has its answer. */
  closeWhenIdle(): void {
    if (this.pending.length === 0) this.close();
    else this.closingWhenIdle = true;
  }

  /** Sends one request and resolves with the decoded response. */
  async request<Req, Res>(apiKey: number, version: number, requestSchema: MessageSchema<Req>, responseSchema: MessageSchema<Res>, body: Req, options: RequestOptions = {}): Promise<Res> {
    if (this.failure) throw this.failure;
    const correlationId = this.write(apiKey, version, requestSchema, body);
    const answered = new Promise<Reader>((resolve, reject) => {
      this.pending.push({ correlationId, apiKey, resolve, reject, headerVersion: responseHeaderVersionOf(apiKey, responseSchema, version), timeoutMs: options.timeoutMs ?? this.requestTimeoutMs });
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
    const writer = encodeMessage(requestHeaderSchema, requestHeaderVersionOf(requestSchema, version), {
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

  /** `chunk` has just arrived; `split` takes it and returns the frames it completes. */
  private receive(chunk: Buffer, split: () => Buffer[]): void {
    if (!this.answered && this.frames.pendingBytes === 0) {
      const text = textualAnswer(chunk);
      if (text) {
        this.fail(new NotKafkaProtocolError(this.address, text.line, text.http));
        this.socket.destroy();
        return;
      }
    }
    let frames: Buffer[];
    try {
      frames = split();
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
      this.answered = true;
      waiting.resolve(reader);
    }
    if (this.closingWhenIdle && this.pending.length === 0) return this.close();
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
