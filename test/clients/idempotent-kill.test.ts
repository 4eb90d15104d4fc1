import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { KafkaClient } from '../../src/client/kafka-client';
import { recordsFrom } from '../../src/client/fetched-records';
import { BrokerProcess, freePort, spawnBroker } from '../helpers/broker-process';
import { byMode } from '../helpers/long-mode';
import { useTempDir } from '../helpers/temp-dir';
import { startKafkaProxy } from '../helpers/kafka-proxy';

const PYTHON = '/usr/bin/python3'; // Debian's, which has python3-confluent-kafka (librdkafka)
const PRODUCER = path.resolve(__dirname, '../../../test/clients/idempotent-producer.py');
const PARTITIONS = 4;

/** Every message of `topic`, per partition, as [offset, i] for values "m-<i>". */
async function readAll(bootstrap: string, topic: string): Promise<[number, number][][]> {
  const client = await KafkaClient.connect(bootstrap);
  try {
    const partitions: [number, number][][] = [];
    for (let p = 0; p < PARTITIONS; p++) {
      const stored: [number, number][] = [];
      const end = (await client.offsetFor(topic, p, -1)).offset;
      for (let offset = 0; offset < end; ) {
        const { records, nextOffset } = recordsFrom((await client.fetch(topic, p, offset, { maxBytes: 4 << 20 })).records, offset);
        for (const record of records) stored.push([record.offset, Number(record.value!.toString().slice(2))]);
        offset = nextOffset;
      }
      partitions.push(stored);
    }
    return partitions;
  } finally {
    client.close();
  }
}

describe('idempotent librdkafka producer while the broker is SIGKILLed and restarted', function () {
  this.timeout(byMode(120_000, 600_000));
  const tmp = useTempDir();

  /**
   * Each kill comes right after the broker stored a Produce whose answer the proxy in front of it drops, so the
   * producer must retry batches the log already holds: the restarted broker, with the producer state rebuilt from
   * its log, has to answer them with their original offsets instead of storing them twice.
   */
  it('stores every acknowledged message exactly once, in order per partition, at the offset it was acknowledged with', async () => {
    const total = byMode(20_000, 200_000);
    const kills = byMode(2, 5);
    const port = await freePort();
    const bootstrap = `127.0.0.1:${port}`;
    const args = ['--data-dir', tmp(), '--port', String(port), '--advertised-host', '127.0.0.2'];
    let broker: BrokerProcess = await spawnBroker(args);
    const proxy = await startKafkaProxy(port);
    const setup = await KafkaClient.connect(bootstrap);
    await setup.createTopic('idem', PARTITIONS);
    setup.close();

    let restarting: Promise<void> | undefined;
    let armed = false;
    let droppedProduceAnswers = 0;
    proxy.deliver = (request) => {
      if (!armed || request.apiKey !== 0) return true;
      armed = false;
      droppedProduceAnswers++;
      broker.child.kill('SIGKILL');
      restarting = broker.exited.then(async () => {
        broker = await spawnBroker(args);
        restarting = undefined;
      });
      return false;
    };
    const producer = spawn(PYTHON, [PRODUCER, proxy.bootstrap, 'idem', String(PARTITIONS), String(total), '200', String(byMode(40, 10))], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = new Map<number, [number, number]>();
    const errors: string[] = [];
    let done = '';
    let pending = '';
    let killsDone = 0;
    producer.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const cut = pending.lastIndexOf('\n');
      for (const line of pending.slice(0, cut + 1).split('\n')) {
        const [kind, a, b, c] = line.split(' ');
        if (kind === 'ack') acked.set(Number(c), [Number(a), Number(b)]);
        else if (kind === 'err') errors.push(line);
        else if (kind === 'done') done = line;
      }
      pending = pending.slice(cut + 1);
      if (!restarting && !armed && killsDone < kills && acked.size >= ((killsDone + 1) * total) / (kills + 2)) {
        killsDone++;
        armed = true;
      }
    });
    let stderr = '';
    producer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise((resolve) => producer.on('close', resolve));
    await restarting;
    try {
      assert.equal(droppedProduceAnswers, kills, `the broker was killed ${kills} times mid-stream, each after storing a Produce left unanswered (${acked.size} acknowledged)`);
      assert.equal(done, 'done ok', `producer ended: ${done} ${stderr.slice(-500)}`);
      assert.deepEqual(errors.slice(0, 5), [], 'no delivery failed');
      assert.equal(acked.size, total, 'every message was acknowledged');

      const partitions = await readAll(bootstrap, 'idem');
      const seen = new Map<number, number>();
      partitions.forEach((stored, p) => {
        let previous = -1;
        for (const [offset, i] of stored) {
          assert.ok(!seen.has(i), `message ${i} stored once, found again at ${p}/${offset}`);
          seen.set(i, offset);
          assert.equal(i % PARTITIONS, p, `message ${i} in its partition`);
          assert.ok(i > previous, `partition ${p} in send order: ${i} after ${previous}`);
          previous = i;
        }
      });
      for (const [i, [p, offset]] of acked) {
        assert.equal(seen.get(i), offset, `message ${i} at the offset ${p}/${offset} it was acknowledged with`);
      }
      assert.equal(seen.size, total, 'nothing stored that was not sent');
    } finally {
      await proxy.close();
      broker.child.kill('SIGTERM');
      await broker.exited;
    }
  });
});
