import * as net from 'node:net';
import { decodeMessage, encodeMessage, MessageSchema, Reader, requestHeaderVersion, responseHeaderVersion } from '../../src/protocol/codec';
import { metadataRequestSchema, requestHeaderSchema, responseHeaderSchema } from '../../src/protocol/generated';
import { frame } from '../helpers/broker';

/** A whole request frame, size prefix included. */
export function requestFrame<Req>(apiKey: number, version: number, schema: MessageSchema<Req>, body: Req, correlationId = 1): Buffer {
  const header = encodeMessage(requestHeaderSchema, requestHeaderVersion(apiKey, version), { requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: 'sasl-test' });
  return frame(encodeMessage(schema, version, body, header).toBuffer());
}

export function metadataRequest(): Buffer {
  return requestFrame(3, 1, metadataRequestSchema, { topics: null });
}

/** One request over a new plain TCP connection, its answer decoded. */
export function call<Req, Res>(port: number, apiKey: number, version: number, request: MessageSchema<Req>, response: MessageSchema<Res>, body: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    socket.on('connect', () => socket.write(requestFrame(apiKey, version, request, body)));
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      socket.destroy();
      const reader = new Reader(received.subarray(4, 4 + received.readInt32BE(0)));
      decodeMessage(responseHeaderSchema, responseHeaderVersion(apiKey, version), reader);
      resolve(decodeMessage(response, version, reader));
    });
  });
}

/** A connection that sends one request at a time and resolves with its decoded answer. */
export interface RawConnection {
  request<Req, Res>(apiKey: number, version: number, request: MessageSchema<Req>, response: MessageSchema<Res>, body: Req): Promise<Res>;
  /** Resolves when the broker closes the connection. */
  closed: Promise<void>;
  destroy(): void;
}

export function openConnection(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    let waiting: ((frame: Buffer) => void) | null = null;
    let correlationId = 0;
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!waiting || received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      const frameBytes = received.subarray(4, 4 + received.readInt32BE(0));
      received = received.subarray(4 + frameBytes.length);
      const deliver = waiting;
      waiting = null;
      deliver(frameBytes);
    });
    socket.on('error', () => undefined);
    socket.once('connect', () =>
      resolve({
        closed,
        destroy: () => socket.destroy(),
        request: (apiKey, version, request, response, body) =>
          new Promise((done, fail) => {
            closed.then(() => fail(new Error('connection closed')));
            waiting = (frameBytes) => {
              const reader = new Reader(frameBytes);
              decodeMessage(responseHeaderSchema, responseHeaderVersion(apiKey, version), reader);
              done(decodeMessage(response, version, reader));
            };
            socket.write(requestFrame(apiKey, version, request, body, ++correlationId));
          }),
      }),
    );
    socket.once('error', reject);
  });
}
