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

interface Pending {
  correlationId: number;
  resolve: (body: Reader) => void;
  reject: (error: Error) => void;
  headerVersion: number;
}

const MAX_RESPONSE_BYTES = 512 * 1024 * 1024;

/** One TCP connection to a Kafka-protocol broker; requests may be pipelined, answers come back in order. */
export class BrokerConnection {
  private readonly pending: Pending[] = [];
  private readonly frames = new FrameReader(MAX_RESPONSE_BYTES);
  private nextCorrelationId = 1;
  private failure: Error | undefined;

  private constructor(private readonly socket: net.Socket, readonly address: string, private readonly clientId: string) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(new ConnectionClosedError(address, error.message)));
    socket.on('close', () => this.fail(new ConnectionClosedError(address, 'closed by the broker')));
  }

  static connect(host: string, port: number, clientId: string, timeoutMs = 10_000): Promise<BrokerConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectionClosedError(`${host}:${port}`, `no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', reject);
        resolve(new BrokerConnection(socket, `${host}:${port}`, clientId));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new ConnectionClosedError(`${host}:${port}`, error.message));
      });
    });
  }

  /** Sends one request; resolves with the decoded response, or undefined when `expectResponse` is false (acks=0). */
  async request<Req, Res>(apiKey: number, version: number, requestSchema: MessageSchema<Req>, responseSchema: MessageSchema<Res>, body: Req): Promise<Res>;
  async request<Req, Res>(apiKey: number, version: number, requestSchema: MessageSchema<Req>, responseSchema: MessageSchema<Res>, body: Req, expectResponse: false): Promise<undefined>;
  async request<Req, Res>(apiKey: number, version: number, requestSchema: MessageSchema<Req>, responseSchema: MessageSchema<Res>, body: Req, expectResponse = true): Promise<Res | undefined> {
    if (this.failure) throw this.failure;
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
    const answered = expectResponse
      ? new Promise<Reader>((resolve, reject) => this.pending.push({ correlationId, resolve, reject, headerVersion: responseHeaderVersion(apiKey, version) }))
      : undefined;
    this.socket.cork();
    this.socket.write(size);
    for (const chunk of chunks) this.socket.write(chunk);
    this.socket.uncork();
    if (!answered) return undefined;
    return decodeMessage(responseSchema, version, await answered);
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
  }

  private fail(error: Error): void {
    if (!this.failure) this.failure = error;
    for (const waiting of this.pending.splice(0)) waiting.reject(error);
  }

  close(): void {
    this.socket.destroy();
  }
}
