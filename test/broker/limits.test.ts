import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerProcess, spawnBroker } from '../helpers/broker-process';
import { run } from '../helpers/processes';
import { useTempDir } from '../helpers/temp-dir';
import { BrokerConnection } from '../../src/client/broker-connection';
import { KafkaClient } from '../../src/client/kafka-client';
import { createTopicsRequestSchema, createTopicsResponseSchema, metadataRequestSchema, metadataResponseSchema } from '../../src/protocol/generated';
import { KafkaErrors } from '../../src/protocol/error-codes';
import { buildRecordBatch } from '../../src/protocol/records';

const OPEN_FILE_LIMIT = 1024;

/** A legal topic name of exactly `length` characters, using every character class Kafka allows. */
function nameOfLength(prefix: string, length: number): string {
  return (prefix + 'Ab9._-'.repeat(50)).slice(0, length);
}

function startBroker(dataDir: string, extra: string[] = [], openFileLimit = OPEN_FILE_LIMIT): Promise<BrokerProcess> {
  return spawnBroker(['--data-dir', dataDir, '--port', '0', ...extra], { openFileLimit });
}

async function stopBroker(broker: BrokerProcess): Promise<void> {
  broker.child.kill('SIGTERM');
  const { code } = await broker.exited;
  assert.equal(code, 0, `the broker stopped cleanly:\n${broker.stderr()}`);
}

function openDescriptors(broker: BrokerProcess): number {
  return fs.readdirSync(`/proc/${broker.child.pid}/fd`).length;
}

function createTopicsRequest(topics: { name: string; numPartitions: number }[]) {
  return { topics: topics.map((t) => ({ ...t, replicationFactor: -1, assignments: [], configs: [] })), timeoutMs: 10_000, validateOnly: false };
}

describe('broker names and limits (a real broker under ulimit -n 1024)', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('serves 247-, 248- and 249-character topics made by kcat auto-create and by CreateTopics, across a restart', async () => {
    const dataDir = tmp();
    const lengths = [247, 248, 249];
    const autoCreated = lengths.map((n) => nameOfLength(`kcat${n}-`, n));
    const created = lengths.map((n) => nameOfLength(`admin${n}-`, n));
    const deleted = nameOfLength('gone-', 249);
    const messagesFor = (topic: string) => [1, 2, 3].map((i) => `${topic.slice(0, 9)} message ${i}`);

    let broker = await startBroker(dataDir);
    const bootstrap = `127.0.0.1:${broker.port}`;
    for (const topic of autoCreated) {
      const produced = await run('kcat', ['-P', '-b', bootstrap, '-t', topic, '-X', 'message.timeout.ms=15000'], messagesFor(topic).join('\n') + '\n');
      assert.equal(produced.code, 0, `kcat produced to ${topic.length} characters: ${produced.stderr}`);
    }
    const kafka = new Kafka({ brokers: [bootstrap], clientId: 'limits-test', logLevel: logLevel.NOTHING, retry: { retries: 1 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [...created, deleted].map((topic) => ({ topic, numPartitions: 2 })), waitForLeaders: false });
    await admin.deleteTopics({ topics: [deleted] });
    await admin.disconnect();
    for (const topic of created) {
      const produced = await run('kcat', ['-P', '-b', bootstrap, '-t', topic, '-X', 'message.timeout.ms=15000'], messagesFor(topic).join('\n') + '\n');
      assert.equal(produced.code, 0, `kcat produced to ${topic}: ${produced.stderr}`);
    }
    await stopBroker(broker);

    const entries = fs.readdirSync(dataDir).concat(fs.readdirSync(path.join(dataDir, '__topics')));
    assert.deepEqual(entries.filter((e) => e.includes('delete') || e.startsWith('gone') || e.endsWith('.tmp')), [], 'no deleted topic or temporary file is left');
    broker = await startBroker(dataDir);
    try {
      assert.doesNotMatch(broker.stderr(), /skipped|failed/, 'every partition opened');
      for (const topic of [...autoCreated, ...created]) {
        const consumed = await run('kcat', ['-C', '-b', `127.0.0.1:${broker.port}`, '-t', topic, '-e', '-q', '-f', '%s\n']);
        assert.equal(consumed.code, 0, consumed.stderr);
        assert.deepEqual(consumed.stdout.trim().split('\n').sort(), messagesFor(topic), `read back ${topic.length} characters`);
      }
      const client = await KafkaClient.connect(`127.0.0.1:${broker.port}`);
      const names = (await client.metadata(null)).map((t) => t.name).sort();
      client.close();
      assert.deepEqual(names, [...autoCreated, ...created].sort());
    } finally {
      await stopBroker(broker);
    }
  });

  it('answers every create past max.partitions with an error code, stays up and restarts cleanly', async () => {
    const dataDir = tmp();
    let broker = await startBroker(dataDir);
    // Half of 1024 descriptors for segment files, three files per partition's active segment.
    const cap = Number(/max\.partitions=(\d+)/.exec(broker.stderr())?.[1]);
    assert.equal(cap, Math.floor(OPEN_FILE_LIMIT / 2 / 3));
    const connection = await BrokerConnection.connect('127.0.0.1', broker.port, 'limits-test');
    try {
      const wanted = Array.from({ length: 3000 }, (_, i) => ({ name: `auto-${i}` }));
      const metadata = await connection.request(3, 8, metadataRequestSchema, metadataResponseSchema, {
        topics: wanted,
        allowAutoTopicCreation: true,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      assert.equal(metadata.topics.length, wanted.length, 'every topic is answered');
      const made = metadata.topics.filter((t) => t.errorCode === 0);
      const refused = metadata.topics.filter((t) => t.errorCode === KafkaErrors.POLICY_VIOLATION.code);
      assert.equal(made.length + refused.length, wanted.length, 'each topic is created or refused with POLICY_VIOLATION');
      const partitionsMade = made.reduce((sum, t) => sum + t.partitions.length, 0);
      assert.ok(partitionsMade <= cap && partitionsMade + 4 > cap, `${partitionsMade} partitions auto-created up to the cap of ${cap}`);

      const room = cap - partitionsMade;
      const createRequest = createTopicsRequest([
        { name: 'too-wide', numPartitions: 5000 },
        ...Array.from({ length: 200 }, (_, i) => ({ name: `single-${i}`, numPartitions: 1 })),
      ]);
      const created = await connection.request(19, 4, createTopicsRequestSchema, createTopicsResponseSchema, createRequest);
      assert.equal(created.topics.length, 201);
      assert.equal(created.topics[0].errorCode, KafkaErrors.INVALID_PARTITIONS.code);
      const singles = created.topics.slice(1);
      assert.equal(singles.filter((t) => t.errorCode === 0).length, room, 'single-partition topics fill the remaining room');
      assert.ok(singles.slice(room).every((t) => t.errorCode === KafkaErrors.POLICY_VIOLATION.code && /max\.partitions/.test(t.errorMessage ?? '')));
      assert.ok(openDescriptors(broker) < OPEN_FILE_LIMIT * 0.75, `${openDescriptors(broker)} descriptors open`);

      const client = await KafkaClient.connect(`127.0.0.1:${broker.port}`);
      assert.equal(await client.produce('auto-0', 3, buildRecordBatch([{ key: null, value: Buffer.from('still up') }])), 0);
      client.close();
    } finally {
      connection.close();
    }
    await stopBroker(broker);

    broker = await startBroker(dataDir);
    try {
      assert.match(broker.stderr(), new RegExp(`max\\.partitions=${cap} \\(${cap} in use\\)`));
      const client = await KafkaClient.connect(`127.0.0.1:${broker.port}`);
      const fetched = await client.fetch('auto-0', 3, 0, { maxWaitMs: 0 });
      client.close();
      assert.ok(fetched.records.length > 0, 'the record appended before the restart is there');
    } finally {
      await stopBroker(broker);
    }
  });

  it('answers KAFKA_STORAGE_ERROR when the broker is out of file descriptors, and recovers once they are free', async () => {
    const dataDir = tmp();
    const limit = 128;
    const broker = await startBroker(dataDir, ['--max-open-files', '16'], limit);
    const connection = await BrokerConnection.connect('127.0.0.1', broker.port, 'limits-test');
    const fillers: net.Socket[] = [];
    try {
      // Connections take the broker's descriptors until accept fails with EMFILE.
      await Promise.all(
        Array.from({ length: limit * 2 }, () =>
          new Promise<void>((resolve) => {
            const socket = net.connect({ host: '127.0.0.1', port: broker.port }, () => resolve());
            socket.on('error', () => resolve());
            fillers.push(socket);
          }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.ok(openDescriptors(broker) >= limit - 2, `${openDescriptors(broker)} of ${limit} descriptors in use`);

      const create = () => connection.request(19, 4, createTopicsRequestSchema, createTopicsResponseSchema, createTopicsRequest([{ name: 'starved', numPartitions: 2 }]));
      const starved = await create();
      assert.equal(starved.topics[0].errorCode, KafkaErrors.KAFKA_STORAGE_ERROR.code, starved.topics[0].errorMessage ?? '');
      assert.equal(fs.readdirSync(dataDir).filter((e) => e.startsWith('starved')).length, 0, 'no half-created topic is left');

      for (const socket of fillers) socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal((await create()).topics[0].errorCode, 0, 'the same create succeeds once descriptors are free');
    } finally {
      for (const socket of fillers) socket.destroy();
      connection.close();
    }
    await stopBroker(broker);
    const restarted = await startBroker(dataDir, [], limit);
    assert.match(restarted.stderr(), /\(2 in use\)/);
    await stopBroker(restarted);
  });
});
