import * as net from 'node:net';
import { decodeMessage, encodeMessage, MessageSchema, Reader, requestHeaderVersion, responseHeaderVersion } from '../../src/protocol/codec';
import {
  fetchRequestSchema, fetchResponseSchema, listOffsetsRequestSchema, listOffsetsResponseSchema, requestHeaderSchema, responseHeaderSchema,
} from '../../src/protocol/generated';
import type { FetchRequest } from '../../src/protocol/generated/fetch-request';
import type { ListOffsetsRequest } from '../../src/protocol/generated/list-offsets-request';
import { closeTogether } from './socket-pair';

export const API = { Fetch: 1, ListOffsets: 2, Metadata: 3 } as const;

export interface SeenRequest {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** The request body after its header. */
  body: Buffer;
  /** When the proxy received it (Date.now()). */
  at: number;
}

/** What the proxy does with a request: pass it on, never answer it (a stalled broker), or answer it itself. */
export type ProxyAction = 'forward' | 'swallow' | { answer: (request: SeenRequest) => Buffer };

export interface KafkaProxy {
  /** host:port for a client's bootstrap: the proxy, on 127.0.0.2 at the broker's port. */
  bootstrap: string;
  /** Every request seen, in arrival order. */
  requests: SeenRequest[];
  seen(apiKey: number): SeenRequest[];
  /** Decides each request's fate; forwards everything until a test sets it. */
  decide: (request: SeenRequest) => ProxyAction;
  /** Whether the broker's answer to a forwarded request reaches the client; false drops it (and blocks the answers after it). */
  deliver: (request: SeenRequest, response: Buffer) => boolean;
  close(): Promise<void>;
}

function frameOf(body: Buffer[]): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.reduce((n, b) => n + b.length, 0));
  return Buffer.concat([size, ...body]);
}

/** A whole response frame (size, header, body) to `request`. */
export function responseFrame<T>(request: SeenRequest, schema: MessageSchema<T>, body: T): Buffer {
  const writer = encodeMessage(responseHeaderSchema, responseHeaderVersion(request.apiKey, request.apiVersion), { correlationId: request.correlationId });
  encodeMessage(schema, request.apiVersion, body, writer);
  return frameOf(writer.toBuffers());
}

export function decodeFetch(request: SeenRequest): FetchRequest {
  return decodeMessage(fetchRequestSchema, request.apiVersion, new Reader(request.body));
}

export function decodeListOffsets(request: SeenRequest): ListOffsetsRequest {
  return decodeMessage(listOffsetsRequestSchema, request.apiVersion, new Reader(request.body));
}

/** An answer to a Fetch giving every partition asked for the error `code`. */
export function fetchErrorAnswer(code: number): ProxyAction {
  return {
    answer: (request) => responseFrame(request, fetchResponseSchema, {
      throttleTimeMs: 0, errorCode: 0, sessionId: 0,
      responses: decodeFetch(request).topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: code, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, preferredReadReplica: -1, records: null })),
      })),
    }),
  };
}

/** An answer to a ListOffsets giving every partition asked for the error `code`. */
export function listOffsetsErrorAnswer(code: number): ProxyAction {
  return {
    answer: (request) => responseFrame(request, listOffsetsResponseSchema, {
      throttleTimeMs: 0,
      topics: decodeListOffsets(request).topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code, timestamp: -1, offset: -1, leaderEpoch: -1 })) })),
    }),
  };
}

/** Splits a byte stream into whole size-prefixed frames. */
class Frames {
  private buffered = Buffer.alloc(0);
  push(chunk: Buffer): Buffer[] {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    const frames: Buffer[] = [];
    while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
      const size = this.buffered.readInt32BE(0);
      frames.push(this.buffered.subarray(0, 4 + size));
      this.buffered = this.buffered.subarray(4 + size);
    }
    return frames;
  }
}

/**
 * A Kafka-aware TCP proxy in front of a broker that advertises 127.0.0.2 (the proxy listens there on the broker's
 * port, so clients reach every broker through it). It sees each request and, per `decide`, forwards it, swallows
 * it or answers it; answers reach the client in request order, as a broker sends them.
 */
export function startKafkaProxy(brokerPort: number): Promise<KafkaProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: brokerPort });
    // One slot per request, in order: filled by the broker's answer, the proxy's own, or never (swallowed).
    const slots: { fromUpstream: boolean; request?: SeenRequest; frame?: Buffer; dropped?: boolean }[] = [];
    const flush = () => {
      while (slots.length > 0 && slots[0].frame) client.write(slots.shift()!.frame!);
    };
    const fromClient = new Frames();
    const fromBroker = new Frames();
    client.on('data', (chunk: Buffer) => {
      for (const frame of fromClient.push(chunk)) {
        const apiKey = frame.readInt16BE(4);
        const apiVersion = frame.readInt16BE(6);
        const reader = new Reader(frame.subarray(4));
        const header = decodeMessage(requestHeaderSchema, requestHeaderVersion(apiKey, apiVersion), reader);
        const request: SeenRequest = { apiKey, apiVersion, correlationId: header.correlationId, body: frame.subarray(4 + reader.offset), at: Date.now() };
        proxy.requests.push(request);
        const action = proxy.decide(request);
        if (action === 'forward') {
          slots.push({ fromUpstream: true, request });
          upstream.write(frame);
        } else if (action === 'swallow') {
          slots.push({ fromUpstream: false });
        } else {
          slots.push({ fromUpstream: false, frame: action.answer(request) });
          flush();
        }
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      for (const frame of fromBroker.push(chunk)) {
        const slot = slots.find((s) => s.fromUpstream && !s.frame && !s.dropped);
        if (slot && proxy.deliver(slot.request!, frame)) slot.frame = frame;
        else if (slot) slot.dropped = true;
      }
      flush();
    });
    closeTogether(client, upstream, sockets);
  });
  const proxy: KafkaProxy = {
    bootstrap: `127.0.0.2:${brokerPort}`,
    requests: [],
    seen: (apiKey) => proxy.requests.filter((r) => r.apiKey === apiKey),
    decide: () => 'forward',
    deliver: () => true,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(brokerPort, '127.0.0.2', () => resolve(proxy));
  });
}
