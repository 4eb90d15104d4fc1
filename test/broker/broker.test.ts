import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { KafkaClient } from '../../src/client/kafka-client';
import { recordsFrom } from '../../src/client/fetched-records';
import { buildRecordBatch } from '../../src/protocol/records';
import { encodeMessage, Reader, decodeMessage } from '../../src/protocol/codec';
import { apiVersionsResponseSchema, requestHeaderSchema, responseHeaderSchema } from '../../src/protocol/generated';
import { KafkaError, KafkaErrors } from '../../src/protocol/error-codes';
import { brokerHandlers } from '../../src/broker/handlers/registry';
import { fetchFromStartFrame, frame, rawExchange, RunningBroker, startBroker } from '../helpers/broker';
import { FrameReader } from '../../src/protocol/frame-reader';

function values(n: number, prefix: string) {
  return Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`${prefix}-${i}`), timestamp: 1_700_000_000_000 + i }));
}

function requestFrame(apiKey: number, apiVersion: number, headerVersion: number, correlationId: number, body = Buffer.alloc(0)): Buffer {
  const header = encodeMessage(requestHeaderSchema, headerVersion, { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId: 'raw' }).toBuffer();
  return frame(Buffer.concat([header, body]));
}

// What needs a socket and the disk log lives here; each API's behaviour is in test/broker/handlers/.
describe('broker over TCP', function () {
  this.timeout(30_000);
  let running: RunningBroker;
  let client: KafkaClient;

  beforeEach(async () => {
    running = await startBroker({ numPartitions: 3 });
    client = await KafkaClient.connect(running.bootstrap);
  });
  afterEach(async () => {
    client.close();
    await running.stop();
  });

  it('creates, lists, describes and deletes topics', async () => {
    await client.createTopic('orders', 5, { 'retention.ms': '3600000' });
    await assert.rejects(client.createTopic('orders', 5), (e: unknown) => e instanceof KafkaError && e.code === KafkaErrors.TOPIC_ALREADY_EXISTS.code);
    await assert.rejects(client.createTopic('bad/name', 1), (e: unknown) => e instanceof KafkaError && e.code === KafkaErrors.INVALID_TOPIC_EXCEPTION.code);
    const topic = await client.topic('orders');
    assert.deepEqual(topic.partitions.map((p) => [p.partition, p.leader]), [[0, 0], [1, 0], [2, 0], [3, 0], [4, 0]]);
    assert.equal(running.broker.logs.topicConfig('orders').retentionMs, 3_600_000);
    assert.deepEqual((await client.metadata(null)).map((t) => t.name), ['orders']);
    await client.deleteTopic('orders');
    assert.deepEqual(await client.metadata(null), []);
  });

  it('produces and fetches whole batches with contiguous offsets', async () => {
    await client.createTopic('events', 2);
    assert.equal(await client.produce('events', 1, buildRecordBatch(values(10, 'a'))), 0);
    assert.equal(await client.produce('events', 1, buildRecordBatch(values(5, 'b'))), 10);
    const fetched = await client.fetch('events', 1, 3);
    assert.equal(fetched.highWatermark, 15);
    const { records, nextOffset } = recordsFrom(fetched.records, 3);
    assert.equal(nextOffset, 15);
    assert.deepEqual(records.map((r) => `${r.offset}:${r.value}`), [
      '3:a-3', '4:a-4', '5:a-5', '6:a-6', '7:a-7', '8:a-8', '9:a-9', '10:b-0', '11:b-1', '12:b-2', '13:b-3', '14:b-4',
    ]);
    assert.equal((await client.fetch('events', 0, 0, { maxWaitMs: 0 })).records.length, 0);
    await assert.rejects(client.fetch('events', 1, 16), (e: unknown) => e instanceof KafkaError && e.code === KafkaErrors.OFFSET_OUT_OF_RANGE.code);
  });

  it('holds a fetch until data arrives (long poll), then answers at once', async () => {
    await client.createTopic('slow', 1);
    const started = Date.now();
    const waiting = client.fetch('slow', 0, 0, { maxWaitMs: 5000, minBytes: 1 });
    // Requests on one connection are answered in order, so the producer needs its own.
    const producer = await KafkaClient.connect(running.bootstrap);
    setTimeout(() => void producer.produce('slow', 0, buildRecordBatch(values(1, 'late'))), 300);
    const fetched = await waiting;
    producer.close();
    const elapsed = Date.now() - started;
    assert.equal(recordsFrom(fetched.records, 0).records[0].value?.toString(), 'late-0');
    assert.ok(elapsed >= 250 && elapsed < 3000, `answered after ${elapsed} ms`);
    const t0 = Date.now();
    await client.fetch('slow', 0, 1, { maxWaitMs: 400, minBytes: 1 });
    assert.ok(Date.now() - t0 >= 350, 'an empty fetch waits maxWaitMs');
  });

  it('answers ApiVersions from its handlers, and an unknown ApiVersions version in the v0 format', async () => {
    const reply = await rawExchange(running.port, requestFrame(18, 9, 1, 77));
    const reader = new Reader(reply.received.subarray(4));
    assert.equal(decodeMessage(responseHeaderSchema, 0, reader).correlationId, 77);
    const body = decodeMessage(apiVersionsResponseSchema, 0, reader);
    assert.equal(body.errorCode, KafkaErrors.UNSUPPORTED_VERSION.code);
    assert.deepEqual(body.apiKeys, [{ apiKey: 18, minVersion: 0, maxVersion: 4 }]);

    const ok = await rawExchange(running.port, requestFrame(18, 2, 1, 78));
    const okReader = new Reader(ok.received.subarray(4));
    decodeMessage(responseHeaderSchema, 0, okReader);
    const apis = decodeMessage(apiVersionsResponseSchema, 2, okReader).apiKeys.map((a) => `${a.apiKey}:${a.minVersion}-${a.maxVersion}`);
    const registered = brokerHandlers().sort((a, b) => a.apiKey - b.apiKey).map((h) => `${h.apiKey}:${h.minVersion}-${h.maxVersion}`);
    assert.deepEqual(apis, registered);
    assert.ok(apis.includes('18:0-4'), apis.join(' '));
  });

  it('closes only the connection that sent a bad frame', async () => {
    await client.createTopic('safe', 1);
    await client.produce('safe', 0, buildRecordBatch(values(4, 's')));
    const bad: [string, Buffer][] = [
      ['an oversized frame', Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3])],
      ['a negative size', Buffer.from([0xff, 0xff, 0xff, 0xfe])],
      ['an unknown API key', requestFrame(9999, 0, 1, 1)],
      ['an unsupported Produce version', requestFrame(0, 2, 1, 1)],
      ['a truncated Metadata request', requestFrame(3, 5, 1, 1, Buffer.from([0, 0, 0, 5, 0]))],
      ['a header shorter than 8 bytes', frame(Buffer.from([0, 3, 0]))],
      ['garbage', frame(Buffer.from('this is not a kafka request at all'))],
    ];
    for (const [what, bytes] of bad) {
      const result = await rawExchange(running.port, bytes);
      assert.ok(result.closedByBroker, `${what} closes the connection`);
      assert.equal(result.received.length, 0, `${what} gets no answer`);
    }
    const { records } = recordsFrom((await client.fetch('safe', 0, 0)).records, 0);
    assert.equal(records.length, 4, 'the other connection and the data are untouched');
  });

  it('answers pipelined requests in order, never holding those already answered behind one that long-polls', async () => {
    await client.createTopic('idle', 1);
    const before = Array.from({ length: 50 }, (_, i) => requestFrame(18, 2, 1, 100 + i));
    const polling = fetchFromStartFrame('idle', 1024, 'raw', { maxWaitMs: 1500, minBytes: 1, correlationId: 200 });
    const after = requestFrame(18, 2, 1, 201);
    const socket = net.connect({ host: '127.0.0.1', port: running.port });
    const arrivals: { correlationId: number; at: number }[] = [];
    let sentAt = 0;
    const reader = new FrameReader(1 << 20);
    const done = new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        for (const response of reader.push(chunk)) arrivals.push({ correlationId: response.readInt32BE(0), at: Date.now() - sentAt });
        if (arrivals.length === 52) resolve();
      });
    });
    await new Promise<void>((resolve) => socket.on('connect', resolve));
    sentAt = Date.now();
    socket.write(Buffer.concat([...before, polling, after])); // one write: the broker reads them together
    await done;
    socket.destroy();
    assert.deepEqual(arrivals.map((a) => a.correlationId), [...before.map((_, i) => 100 + i), 200, 201]);
    const lastBeforePoll = arrivals[49].at;
    assert.ok(lastBeforePoll < 1000, `the 50 answered requests arrived only after ${lastBeforePoll} ms, held behind the long poll`);
    assert.ok(arrivals[50].at >= 1400, `the fetch was answered after ${arrivals[50].at} ms, before its maxWaitMs`);
  });

  it('sends no response to acks=0, and answers later requests in order', async () => {
    await client.createTopic('quiet', 1);
    assert.equal(await client.produce('quiet', 0, buildRecordBatch(values(2, 'q')), 0), undefined);
    assert.equal(await client.produce('quiet', 0, buildRecordBatch(values(1, 'r')), 1), 2);
  });
});
