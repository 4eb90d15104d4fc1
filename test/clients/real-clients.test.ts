import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { KafkaClient } from '../../src/client/kafka-client';
import { recordsFrom } from '../../src/client/fetched-records';
import { partitionForKey } from '../../src/client/murmur2';
import { RunningBroker, startBroker } from '../helpers/broker';
import { run } from '../helpers/processes';

const PYTHON = '/usr/bin/python3'; // Debian's, which has python3-kafka
const KAFKA_PYTHON_SCRIPT = path.resolve(__dirname, '../../../test/clients/kafka-python-roundtrip.py');

describe('unmodified Kafka clients', function () {
  this.timeout(180_000);
  let running: RunningBroker;
  let client: KafkaClient;

  beforeEach(async () => {
    running = await startBroker({ numPartitions: 4 });
    client = await KafkaClient.connect(running.bootstrap);
  });
  afterEach(async () => {
    client.close();
    await running.stop();
  });

  it('kcat (librdkafka): 100,000 keyed messages into 4 partitions and back with -C -e', async () => {
    await client.createTopic('kcat-keyed', 4);
    const count = 100_000;
    const lines: string[] = [];
    for (let i = 0; i < count; i++) lines.push(`user-${i % 1000}:event-${i}-${((i * 2654435761) >>> 0).toString(16)}`);
    const produced = await run('kcat', ['-b', running.bootstrap, '-t', 'kcat-keyed', '-P', '-K:', '-X', 'partitioner=murmur2_random', '-X', 'acks=all'], lines.join('\n') + '\n');
    assert.equal(produced.code, 0, produced.stderr);
    const consumed = await run('kcat', ['-b', running.bootstrap, '-t', 'kcat-keyed', '-C', '-e', '-q', '-f', '%p\t%o\t%k\t%s\n']);
    assert.equal(consumed.code, 0, consumed.stderr);
    const rows = consumed.stdout.trimEnd().split('\n').map((line) => line.split('\t'));
    assert.equal(rows.length, count);
    assert.deepEqual(rows.map((r) => `${r[2]}:${r[3]}`).sort(), [...lines].sort(), 'every message comes back byte for byte');
    const nextOffset = new Map<string, number>();
    const lastEvent = new Map<string, number>();
    for (const [partition, offset, key, value] of rows) {
      assert.equal(Number(offset), nextOffset.get(partition) ?? 0, `offsets in partition ${partition} are contiguous and in order`);
      nextOffset.set(partition, Number(offset) + 1);
      assert.equal(Number(partition), partitionForKey(Buffer.from(key), 4), `key ${key} lands on its murmur2 partition`);
      const event = Number(value.split('-')[1]);
      assert.ok(event > (lastEvent.get(partition) ?? -1), 'production order holds within a partition');
      lastEvent.set(partition, event);
    }
    assert.equal(nextOffset.size, 4);
  });

  it('kafkajs: keyed messages land on the murmur2 partition', async () => {
    const kafka = new Kafka({ clientId: 'sluice-test', brokers: [running.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kafkajs-keyed', numPartitions: 6 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: 300 }, (_, i) => ({ key: `customer-${i}`, value: `order-${i}` }));
    await producer.send({ topic: 'kafkajs-keyed', acks: -1, messages });
    await producer.disconnect();
    const found = new Map<string, number>();
    for (let p = 0; p < 6; p++) {
      for (const record of recordsFrom((await client.fetch('kafkajs-keyed', p, 0, { maxWaitMs: 0 })).records, 0).records) {
        found.set(record.key!.toString(), p);
        assert.equal(record.value!.toString(), `order-${record.key!.toString().split('-')[1]}`);
      }
    }
    assert.equal(found.size, 300);
    for (const [key, partition] of found) assert.equal(partition, partitionForKey(Buffer.from(key), 6), key);
  });

  it('kafka-python: admin creates a topic, producer writes, consumer reads everything by manual assignment', async () => {
    const result = await run(PYTHON, [KAFKA_PYTHON_SCRIPT, running.bootstrap, 'python-topic', '3', '200']);
    assert.equal(result.code, 0, result.stderr);
    const { listed, sent, received } = JSON.parse(result.stdout) as { listed: string[]; sent: unknown[][]; received: unknown[][] };
    assert.ok(listed.includes('python-topic'));
    assert.equal((await client.topic('python-topic')).partitions.length, 3);
    assert.equal(sent.length, 200);
    const order = (rows: unknown[][]) => rows.map((r) => r.join('|')).sort();
    assert.deepEqual(order(received), order(sent), 'every acknowledged (partition, offset, key, value) is read back');
  });

  it('kafkajs gzip-compressed batches are stored as sent and decode in sluice', async () => {
    const kafka = new Kafka({ clientId: 'sluice-gzip', brokers: [running.bootstrap], logLevel: logLevel.NOTHING });
    await client.createTopic('compressed-gzip', 1);
    const producer = kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: 500 }, (_, i) => ({ key: `k${i % 9}`, value: `gzip message ${i} ${'x'.repeat(i % 100)}` }));
    await producer.send({ topic: 'compressed-gzip', compression: CompressionTypes.GZIP, messages });
    await producer.disconnect();
    const fetched = await client.fetch('compressed-gzip', 0, 0, { maxBytes: 1 << 20 });
    assert.equal(fetched.records.readInt16BE(21) & 0x07, 1, 'the stored batch is gzip-compressed');
    const { records } = recordsFrom(fetched.records, 0);
    assert.deepEqual(records.map((r) => `${r.key}:${r.value}`), messages.map((m) => `${m.key}:${m.value}`));
  });
});
