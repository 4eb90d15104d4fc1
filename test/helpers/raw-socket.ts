import * as net from 'node:net';
import { encodeMessage, requestHeaderVersion } from '../../src/protocol/codec';
import { apiVersionsRequestSchema, requestHeaderSchema } from '../../src/protocol/generated';
import { frame } from './broker';

/** A raw client socket that records what came back and when the broker closed it. */
export interface WatchedSocket {
  socket: net.Socket;
  openedAt: number;
  /** Resolves with the time the connection closed. */
  closed: Promise<number>;
  isClosed(): boolean;
  received(): Buffer;
  /** Resolves once `bytes` bytes have come back, or rejects if the connection closes first. */
  receivedAtLeast(bytes: number): Promise<void>;
}

/** Connects to the broker on loopback, from `localAddress` (127.0.0.2 is loopback too, but another source address). */
export function connectRaw(port: number, localAddress = '127.0.0.1'): Promise<WatchedSocket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress });
    const chunks: Buffer[] = [];
    const listeners: (() => void)[] = [];
    let closedFlag = false;
    const closed = new Promise<number>((done) =>
      socket.on('close', () => {
        closedFlag = true;
        done(Date.now());
        for (const l of listeners) l();
      }),
    );
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      for (const l of listeners) l();
    });
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      const received = () => Buffer.concat(chunks);
      resolve({
        socket,
        openedAt: Date.now(),
        closed,
        isClosed: () => closedFlag,
        received,
        receivedAtLeast: (bytes) =>
          new Promise((done, fail) => {
            const check = () => {
              if (received().length >= bytes) done();
              else if (closedFlag) fail(new Error(`closed after ${received().length} of ${bytes} bytes`));
            };
            listeners.push(check);
            check();
          }),
      });
    });
    socket.once('error', reject);
  });
}

/** A whole ApiVersions v0 request, size prefix included: the smallest request every broker answers. */
export function apiVersionsRequest(correlationId: number): Buffer {
  const header = encodeMessage(requestHeaderSchema, requestHeaderVersion(18, 0), {
    requestApiKey: 18, requestApiVersion: 0, correlationId, clientId: 'limits-test',
  });
  return frame(encodeMessage(apiVersionsRequestSchema, 0, { clientSoftwareName: '', clientSoftwareVersion: '' }, header).toBuffer());
}

/** Sends an ApiVersions request and resolves once its whole answer is back. */
export async function answersApiVersions(watched: WatchedSocket, correlationId = 1): Promise<void> {
  const before = watched.received().length;
  watched.socket.write(apiVersionsRequest(correlationId));
  await watched.receivedAtLeast(before + 4);
  const size = watched.received().readInt32BE(before);
  await watched.receivedAtLeast(before + 4 + size);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
