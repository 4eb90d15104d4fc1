import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Broker, BrokerOptions } from '../../src/broker/broker';
import { KafkaClient } from '../../src/client/kafka-client';
import { encodeMessage, requestHeaderVersion } from '../../src/protocol/codec';
import { fetchRequestSchema, requestHeaderSchema } from '../../src/protocol/generated';

export interface RunningBroker {
  broker: Broker;
  bootstrap: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

/** A broker on a free loopback port over a fresh data directory, removed on stop. */
export async function startBroker(options: Partial<BrokerOptions> = {}): Promise<RunningBroker> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-broker-'));
  const broker = await Broker.start({ port: 0, ...options, dataDir });
  return {
    broker,
    bootstrap: `127.0.0.1:${broker.port}`,
    port: broker.port,
    dataDir,
    async stop() {
      await broker.stop();
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sends raw bytes on a new connection; resolves with whatever came back and whether the broker closed it. */
export function rawExchange(port: number, bytes: Buffer, waitMs = 300): Promise<{ received: Buffer; closedByBroker: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let closedByBroker = false;
    const timer = setTimeout(() => finish(), waitMs);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ received: Buffer.concat(chunks), closedByBroker });
    };
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closedByBroker = true;
      finish();
    });
  });
}

/** A framed Fetch v11 of partition 0 of `topic` from offset 0, up to `maxBytes`; by default answered at once (maxWaitMs 0). */
export function fetchFromStartFrame(topic: string, maxBytes: number, clientId: string, wait = { maxWaitMs: 0, minBytes: 0, correlationId: 7 }): Buffer {
  const version = 11;
  const { maxWaitMs, minBytes, correlationId } = wait;
  const header = encodeMessage(requestHeaderSchema, requestHeaderVersion(1, version), { requestApiKey: 1, requestApiVersion: version, correlationId, clientId });
  const body = encodeMessage(fetchRequestSchema, version, {
    replicaId: -1, maxWaitMs, minBytes, maxBytes, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: maxBytes }] }],
    forgottenTopicsData: [], rackId: '',
  });
  return frame(Buffer.concat([header.toBuffer(), body.toBuffer()]));
}

export function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

export interface BrokerWithTopic {
  running: RunningBroker;
  client: KafkaClient;
}

/**
 * For each test of the calling suite: a fresh broker with `topic` created, a
 * connected client, and `seed` run once they are ready; all stopped afterwards.
 */
export function useBrokerWithTopic(topic: string, partitions: number, seed?: (client: KafkaClient) => Promise<void>): () => BrokerWithTopic {
  let current: BrokerWithTopic | undefined;
  beforeEach(async () => {
    const running = await startBroker({ numPartitions: partitions });
    const client = await KafkaClient.connect(running.bootstrap);
    await client.createTopic(topic, partitions);
    current = { running, client };
    await seed?.(client);
  });
  afterEach(async () => {
    current?.client.close();
    await current?.running.stop();
    current = undefined;
  });
  return () => current!;
}
