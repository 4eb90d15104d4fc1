import { strict as assert } from 'node:assert';
import { KafkaClient } from '../../src/client/kafka-client';
import { recordsFrom } from '../../src/client/fetched-records';
import { buildRecordBatch } from '../../src/protocol/records';
import { encodeMessage, Reader, decodeMessage } from '../../src/protocol/codec';
import { apiVersionsResponseSchema, fetchRequestSchema, fetchResponseSchema, requestHeaderSchema, responseHeaderSchema } from '../../src/protocol/generated';
import { BrokerConnection } from '../../src/client/broker-connection';
import { KafkaError, KafkaErrors } from '../../src/protocol/error-codes';
import { frame, rawExchange, RunningBroker, startBroker } from '../helpers/broker';

function values(n: number, prefix: string) {
  return Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`${prefix}-${i}`), timestamp: 1_700_000_000_000 + i }));
}

function requestFrame(apiKey: number, apiVersion: number, headerVersion: number, correlationId: number, body = Buffer.alloc(0)): Buffer {
  const header = encodeMessage(requestHeaderSchema, headerVersion, { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId: 'raw' }).toBuffer();
  return frame(Buffer.concat([header, body]));
}

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

  it('auto-creates a topic named in Metadata with the broker default partition count', async () => {
    const [topic] = await client.metadata(['fresh'], true);
    assert.equal(topic.partitions.length, 3);
    await assert.rejects(client.metadata(['other'], false), (e: unknown) => e instanceof KafkaError && e.code === KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code);
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

  it('lists earliest, latest and by-timestamp offsets', async () => {
    await client.createTopic('times', 1);
    await client.produce('times', 0, buildRecordBatch(values(20, 't')));
    assert.deepEqual(await client.offsetFor('times', 0, -2), { offset: 0, timestamp: -1 });
    assert.deepEqual(await client.offsetFor('times', 0, -1), { offset: 20, timestamp: -1 });
    assert.deepEqual(await client.offsetFor('times', 0, 1_700_000_000_007), { offset: 7, timestamp: 1_700_000_000_007 });
    assert.deepEqual(await client.offsetFor('times', 0, 1_800_000_000_000), { offset: -1, timestamp: -1 });
  });

  it('rejects a corrupt batch with CORRUPT_MESSAGE and keeps the log as it was', async () => {
    await client.createTopic('strict', 1);
    const batch = buildRecordBatch(values(3, 'x'));
    batch[batch.length - 1] ^= 0xff;
    await assert.rejects(client.produce('strict', 0, batch), (e: unknown) => e instanceof KafkaError && e.code === KafkaErrors.CORRUPT_MESSAGE.code);
    assert.equal((await client.offsetFor('strict', 0, -1)).offset, 0);
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
    assert.deepEqual(body.apiKeys, [{ apiKey: 18, minVersion: 0, maxVersion: 3 }]);

    const ok = await rawExchange(running.port, requestFrame(18, 2, 1, 78));
    const okReader = new Reader(ok.received.subarray(4));
    decodeMessage(responseHeaderSchema, 0, okReader);
    const apis = decodeMessage(apiVersionsResponseSchema, 2, okReader).apiKeys.map((a) => `${a.apiKey}:${a.minVersion}-${a.maxVersion}`);
    assert.deepEqual(apis, ['0:3-8', '1:4-11', '2:1-5', '3:0-8', '18:0-3', '19:0-4', '20:0-3']);
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

  it('sends no response to acks=0, and answers later requests in order', async () => {
    await client.createTopic('quiet', 1);
    assert.equal(await client.produce('quiet', 0, buildRecordBatch(values(2, 'q')), 0), undefined);
    assert.equal(await client.produce('quiet', 0, buildRecordBatch(values(1, 'r')), 1), 2);
  });

  it('keeps to maxBytes per partition and per response, but always returns a first whole batch', async () => {
    await client.createTopic('limits', 2);
    const batchSizes: number[] = [];
    for (let i = 0; i < 4; i++) {
      for (const p of [0, 1]) {
        const batch = buildRecordBatch(values(20, `p${p}b${i}`));
        batchSizes.push(batch.length);
        await client.produce('limits', p, batch);
      }
    }
    const one = batchSizes[0];
    const connection = await BrokerConnection.connect('127.0.0.1', running.port, 'limits-test');
    const fetch = (maxBytes: number, partitionMaxBytes: number) =>
      connection.request(1, 11, fetchRequestSchema, fetchResponseSchema, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: 'limits', partitions: [0, 1].map((partition) => ({ partition, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes, currentLeaderEpoch: -1 })) }],
        forgottenTopicsData: [], rackId: '',
      });
    const sizes = async (maxBytes: number, partitionMaxBytes: number) =>
      (await fetch(maxBytes, partitionMaxBytes)).responses[0].partitions.map((p) => p.records?.length ?? 0);
    assert.deepEqual(await sizes(1 << 20, 1 << 20), [4 * one, 4 * one], 'everything fits');
    assert.deepEqual(await sizes(1 << 20, 2 * one + 5), [2 * one, 2 * one], 'whole batches up to the partition limit');
    assert.deepEqual(await sizes(3 * one, 1 << 20), [3 * one, 0], 'the response limit leaves nothing for the second partition');
    assert.deepEqual(await sizes(10, 10), [one, 0], 'a first batch larger than both limits still comes whole');
    connection.close();
  });
});
