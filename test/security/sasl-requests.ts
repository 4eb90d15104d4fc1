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
