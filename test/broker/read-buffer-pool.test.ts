import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { Connection } from '../../src/broker/connection';
import { ReadBufferPool } from '../../src/broker/read-buffer-pool';
import { RequestMemory } from '../../src/broker/request-memory';
import { KafkaClient } from '../../src/client/kafka-client';
import { decodeMessage, Reader, responseHeaderVersion } from '../../src/protocol/codec';
import { fetchResponseSchema, responseHeaderSchema } from '../../src/protocol/generated';
import { buildRecordBatch, decodeRecords } from '../../src/protocol/records';
import { fetchFromStartFrame, frame, startBroker } from '../helpers/broker';

const MIB = 1024 * 1024;
const sameMemory = (a: Buffer, b: Buffer) => a.buffer === b.buffer && a.byteOffset === b.byteOffset;

describe('the buffers Fetch reads the log into', function () {
  this.timeout(120_000);

  it('are lent once at a time, exactly as large as asked, and lent again only after their lease is released', () => {
    const pool = new ReadBufferPool(4 * MIB);
    const first = pool.lease();
    const a = first.allocate(100_000);
    const b = first.allocate(100_000);
    assert.equal(a.length, 100_000);
    assert.ok(!sameMemory(a, b), 'two reads of one lease share memory');
    const second = pool.lease();
    const c = second.allocate(100_000);
    assert.ok(!sameMemory(a, c) && !sameMemory(b, c), 'a buffer still leased was lent again');
    assert.equal(pool.lentBuffers, 3);
    first.release();
    first.release(); // a second release gives nothing back twice
    assert.equal(pool.lentBuffers, 1);
    const d = second.allocate(120_000); // the same size class (128 KiB): one of the released buffers
    assert.ok(sameMemory(d, a) || sameMemory(d, b), 'a released buffer was not reused');
    assert.throws(() => first.allocate(10), /after its release/);
    // Beyond the idle bound buffers are dropped, and reads too large to pool are plain allocations.
    const big = pool.lease();
    for (let i = 0; i < 3; i++) big.allocate(2 * MIB);
    const huge = big.allocate(20 * MIB);
    assert.equal(huge.length, 20 * MIB);
    big.release();
    assert.ok(pool.idleBufferBytes <= 4 * MIB, `${pool.idleBufferBytes} idle bytes kept, beyond the 4 MiB bound`);
  });

  it('are given back by a connection only once its client has read the whole response, or the connection closed', async () => {
    const released: string[] = [];
    const response = Buffer.alloc(16 * MIB, 7); // larger than the kernel's socket buffers: the write cannot finish alone
    const server = net.createServer((socket) => {
      new Connection(1, socket, async (request, connection) => {
        const name = request.toString();
        connection.afterResponseWritten(() => released.push(name));
        return name === 'small' ? [Buffer.from('ok')] : [response];
      }, { maxFrameBytes: 1024, frameTimeoutMs: 10_000, idleTimeoutMs: 60_000 }, new RequestMemory(MIB), () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const client = net.connect({ port, host: '127.0.0.1' });
    try {
      await new Promise((resolve) => client.once('connect', resolve));
      let received = 0;
      client.on('data', (chunk: Buffer) => (received += chunk.length));
      client.pause();
      client.write(frame(Buffer.from('big')));
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(released, [], 'given back while the client had not read the response');
      client.resume();
      while (received < 4 + response.length) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(released, ['big']);
      client.write(frame(Buffer.from('small')));
      while (received < 2 * 4 + response.length + 2) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(released, ['big', 'small']);
      // A client that goes away in the middle of a response: given back once the socket is closed.
      client.pause();
      client.write(frame(Buffer.from('abandoned')));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(released, ['big', 'small']);
      client.destroy();
      for (let i = 0; i < 200 && released.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(released, ['big', 'small', 'abandoned']);
    } finally {
      client.destroy();
      server.close();
    }
  });

  it('keep a stalled consumer\'s response intact while a kafkajs consumer reads other data into the pool meanwhile', async () => {
    const running = await startBroker();
    const producer = await KafkaClient.connect(running.bootstrap);
    const perTopic = 12_000; // 12 MB each: more than the kernel's socket buffers hold for a client that is not reading
    const valueOf = (topic: string, offset: number) => `${topic}:${offset}:`.padEnd(1000, String.fromCharCode(97 + (offset % 26)));
    let stalled: net.Socket | undefined;
    const consumer = new Kafka({ brokers: [running.bootstrap], clientId: 'pool-test', logLevel: logLevel.NOTHING })
      .consumer({ groupId: 'pool-test', maxBytesPerPartition: 12 * MIB, maxBytes: 12 * MIB, maxWaitTimeInMs: 100 });
    try {
      for (const topic of ['stalled', 'busy']) {
        await producer.createTopic(topic, 1);
        for (let first = 0; first < perTopic; first += 500) {
          const records = Array.from({ length: 500 }, (_, i) => ({ key: null, value: Buffer.from(valueOf(topic, first + i)), timestamp: Date.now() }));
          await producer.produce(topic, 0, buildRecordBatch(records), 1);
        }
      }
      // A consumer asks for all of 'stalled' and then does not read: the answer waits in the broker, half written.
      const socket = net.connect({ host: '127.0.0.1', port: running.port });
      stalled = socket;
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.pause();
      socket.write(fetchFromStartFrame('stalled', 16 * MIB, 'stalled'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Meanwhile kafkajs reads all of 'busy', in reads of the same size (buffers of the same class).
      await consumer.connect();
      await consumer.subscribe({ topic: 'busy', fromBeginning: true });
      const wrong: string[] = [];
      let seen = 0;
      await new Promise<void>((resolve, reject) => {
        consumer.run({
          eachMessage: async ({ message }) => {
            if (message.value?.toString() !== valueOf('busy', Number(message.offset)) && wrong.length < 3) wrong.push(`busy@${message.offset}`);
            if (++seen === perTopic) resolve();
          },
        }).catch(reject);
      });
      socket.resume();
      const response = await fullFrame(chunks, socket);
      const records = fetchedRecords(response);
      assert.equal(records.length, perTopic);
      records.forEach((record) => {
        if (record.value?.toString() !== valueOf('stalled', record.offset) && wrong.length < 6) wrong.push(`stalled@${record.offset}: ${record.value?.toString().slice(0, 20)}`);
      });
      assert.deepEqual(wrong, []);
      await consumer.disconnect();
      socket.destroy();
      const pool = running.broker.fetchBuffers;
      for (let i = 0; i < 100 && pool.lentBuffers > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(pool.lentBuffers, 0, 'buffers still out on leases after every consumer left');
      assert.ok(pool.idleBufferBytes >= 16 * MIB, `${pool.idleBufferBytes} bytes idle: the fetches did not read into the pool`);
    } finally {
      stalled?.destroy();
      await consumer.disconnect().catch(() => undefined);
      producer.close();
      await running.stop();
    }
  });
});


async function fullFrame(chunks: Buffer[], socket: net.Socket): Promise<Buffer> {
  for (;;) {
    const bytes = Buffer.concat(chunks);
    if (bytes.length >= 4 && bytes.length >= 4 + bytes.readInt32BE(0)) return bytes.subarray(4, 4 + bytes.readInt32BE(0));
    await new Promise((resolve) => socket.once('data', resolve));
  }
}

function fetchedRecords(response: Buffer) {
  const reader = new Reader(response);
  decodeMessage(responseHeaderSchema, responseHeaderVersion(1, 11), reader);
  const body = decodeMessage(fetchResponseSchema, 11, reader);
  const records = body.responses[0].partitions[0].records ?? Buffer.alloc(0);
  const out: ReturnType<typeof decodeRecords> = [];
  for (let at = 0; at + 12 <= records.length; at += 12 + records.readInt32BE(at + 8)) out.push(...decodeRecords(records.subarray(at, at + 12 + records.readInt32BE(at + 8))));
  return out;
}
