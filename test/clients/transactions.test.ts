import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaClient } from '../../src/client/kafka-client';
import { freePort, spawnBroker } from '../helpers/broker-process';
import { RunningBroker, startBroker } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';

const PYTHON = '/usr/bin/python3'; // Debian's, which has python3-confluent-kafka (librdkafka)
const CLIENT = path.resolve(__dirname, '../../../test/clients/transactional-client.py');
const run = promisify(execFile);

async function consume(bootstrap: string, topic: string, partitions: number, isolation: 'read_committed' | 'read_uncommitted'): Promise<string[]> {
  const { stdout } = await run(PYTHON, [CLIENT, 'consume', bootstrap, topic, String(partitions), isolation], { timeout: 40_000 });
  const lines = stdout.trim().split('\n');
  assert.equal(lines.pop(), `end ${partitions}`, `${isolation} consumer reached the end of every partition`);
  return lines.sort();
}

describe('transactions with real clients (confluent_kafka / librdkafka, kafkajs)', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  describe('committed and aborted transactions', () => {
    let running: RunningBroker;
    before(async () => {
      running = await startBroker({ groups: { initialRebalanceDelayMs: 0 } });
      const client = await KafkaClient.connect(running.bootstrap);
      await client.createTopic('txns', 3);
      await client.createTopic('kjs', 2);
      await client.createTopic('relay-in', 1);
      await client.createTopic('relay-out', 1);
      client.close();
    });
    after(() => running.stop());

    it('read_committed sees exactly the committed transactions, read_uncommitted sees all, markers are not records', async () => {
      const { stdout } = await run(PYTHON, [CLIENT, 'produce', running.bootstrap, 'txns', 'orders-app', '6', '10'], { timeout: 40_000 });
      assert.deepEqual(stdout.trim().split('\n'), ['committed 0', 'committed 1', 'aborted 2', 'committed 3', 'committed 4', 'aborted 5', 'done']);
      const all = Array.from({ length: 6 }, (_, t) => Array.from({ length: 10 }, (_, j) => `t${t}-${j}`)).flat();
      const committed = all.filter((v) => !/^t[25]-/.test(v));
      assert.deepEqual(await consume(running.bootstrap, 'txns', 3, 'read_committed'), [...committed].sort());
      assert.deepEqual(await consume(running.bootstrap, 'txns', 3, 'read_uncommitted'), [...all].sort());
      // 60 records and one marker per transaction in each of the 3 partitions.
      const ends = [0, 1, 2].map((p) => running.broker.logs.partition('txns', p).logEndOffset);
      assert.equal(ends.reduce((a, b) => a + b, 0), 60 + 6 * 3);
    });

    it('consume-transform-produce: offsets sent with a committed transaction are committed for the group, an aborted one\'s are not', async () => {
      // kcat runs asynchronously: this broker runs in the test's own process.
      const kcat = spawn('kcat', ['-b', running.bootstrap, '-t', 'relay-in', '-p', '0', '-P'], { stdio: ['pipe', 'ignore', 'ignore'] });
      kcat.stdin.end(Array.from({ length: 30 }, (_, i) => `in-${i}`).join('\n') + '\n');
      assert.equal(await new Promise((resolve) => kcat.on('close', resolve)), 0);
      const { stdout } = await run(PYTHON, [CLIENT, 'relay', running.bootstrap, 'relay-in', 'relay-out', 'relay-group'], { timeout: 50_000 });
      assert.equal(stdout.trim(), 'committed 10', 'the group resumes after the committed transaction only');
      assert.deepEqual(await consume(running.bootstrap, 'relay-out', 1, 'read_committed'), Array.from({ length: 10 }, (_, i) => `IN-${i}`).sort());
    });

    it('kafkajs transactions: a committed one is read by read_committed, an aborted one only by read_uncommitted', async () => {
      const kafka = new Kafka({ clientId: 'sluice-txn', brokers: [running.bootstrap], logLevel: logLevel.NOTHING });
      const producer = kafka.producer({ transactionalId: 'kafkajs-app', idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      try {
        for (const [label, commit] of [['kept', true], ['dropped', false], ['kept-too', true]] as const) {
          const txn = await producer.transaction();
          await txn.send({ topic: 'kjs', messages: [0, 1, 2, 3].map((i) => ({ value: `${label}-${i}`, partition: i % 2 })) });
          await (commit ? txn.commit() : txn.abort());
        }
      } finally {
        await producer.disconnect();
      }
      const committed = ['kept-0', 'kept-1', 'kept-2', 'kept-3', 'kept-too-0', 'kept-too-1', 'kept-too-2', 'kept-too-3'];
      assert.deepEqual(await consume(running.bootstrap, 'kjs', 2, 'read_committed'), committed);
      assert.deepEqual(await consume(running.bootstrap, 'kjs', 2, 'read_uncommitted'), [...committed, 'dropped-0', 'dropped-1', 'dropped-2', 'dropped-3'].sort());
    });
  });

  it('aborts a transaction that outlives transaction.timeout.ms while the broker runs, fencing its producer', async () => {
    const running = await startBroker({ transactionAbortCheckIntervalMs: 100 });
    const kafka = new Kafka({ clientId: 'sluice-txn-timeout', brokers: [running.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ transactionalId: 'slow-app', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 1000 });
    try {
      await running.broker.logs.createTopic('slow', 1);
      await producer.connect();
      const txn = await producer.transaction();
      await txn.send({ topic: 'slow', messages: [{ value: 'late' }] });
      const log = running.broker.logs.partition('slow', 0);
      assert.equal(log.lastStableOffset, 0, 'the open transaction holds the last stable offset');
      const deadline = Date.now() + 5000;
      while (log.lastStableOffset === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(log.abortedTransactions(0, log.logEndOffset).map((t) => t.firstOffset), [0], 'aborted by the broker');
      await assert.rejects(txn.commit(), (error: Error) => /fenced|epoch/i.test(`${error.message} ${(error as { type?: string }).type}`), 'the old epoch is fenced');
    } finally {
      await producer.disconnect().catch(() => undefined);
      await running.stop();
    }
  });

  it('aborts a transaction left open by a broker SIGKILL once it times out after the restart', async () => {
    const port = await freePort();
    const bootstrap = `127.0.0.1:${port}`;
    const args = ['--data-dir', tmp(), '--port', String(port)];
    const first = await spawnBroker(args);
    const setup = await KafkaClient.connect(bootstrap);
    await setup.createTopic('open', 1);
    setup.close();
    const timeoutMs = 2000;
    const hanging = spawn(PYTHON, [CLIENT, 'hang', bootstrap, 'open', 'crashy-app', '25', String(timeoutMs)], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((resolve) => hanging.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('sent') && resolve()));
    const started = Date.now(); // the transaction began before this
    first.child.kill('SIGKILL');
    assert.deepEqual(await first.exited, { code: null, signal: 'SIGKILL' });
    hanging.kill('SIGKILL');
    // The restart comes once the transaction's timeout has passed, so the coordinator aborts it as it loads its state.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + timeoutMs + 200 - Date.now())));
    const second = await spawnBroker(args);
    try {
      assert.match(second.stderr(), /transaction crashy-app .* aborted: timed out/);
      // A plain record after the aborted transaction is visible to read_committed only if the last stable offset moved past it.
      const kcat = spawnSync('kcat', ['-b', bootstrap, '-t', 'open', '-p', '0', '-P'], { input: 'after-restart\n', timeout: 20_000 });
      assert.equal(kcat.status, 0, kcat.stderr?.toString());
      assert.deepEqual(await consume(bootstrap, 'open', 1, 'read_committed'), ['after-restart'], 'nothing of the aborted transaction, and what follows it');
      assert.equal((await consume(bootstrap, 'open', 1, 'read_uncommitted')).length, 26, 'its records are in the log');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
