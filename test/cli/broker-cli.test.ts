import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KafkaClient } from '../../src/client/kafka-client';
import { recordsFrom } from '../../src/client/fetched-records';
import { buildRecordBatch } from '../../src/protocol/records';
import { CLEAN_SHUTDOWN_FILE } from '../../src/log/log-manager';
import { freePort, spawnBroker } from '../helpers/broker-process';
import { useTempDir } from '../helpers/temp-dir';
import { SLUICE_BIN } from '../helpers/cli';
import { run } from '../helpers/processes';


const sluice = (args: string[], input?: string) => run(process.execPath, [SLUICE_BIN, ...args], input);

describe('sluice broker, topics, produce and consume commands', function () {
  this.timeout(60_000);
  const tmp = useTempDir();

  it('reads a config file, lets flags override it, and on SIGTERM answers the request in flight, flushes and exits 0', async () => {
    const port = await freePort();
    const config = path.join(tmp(), 'broker.json');
    fs.writeFileSync(config, JSON.stringify({ 'data-dir': path.join(tmp(), 'data'), port: 1, 'num-partitions': 2 }));
    const broker = await spawnBroker(['--config', config, '--port', String(port)]);
    assert.equal(broker.port, port, 'the --port flag wins over the file');
    const client = await KafkaClient.connect(`127.0.0.1:${port}`);
    const [topic] = await client.metadata(['auto'], true);
    assert.equal(topic.partitions.length, 2, 'num-partitions came from the file');
    await client.produce('auto', 0, buildRecordBatch([{ value: Buffer.from('kept') }]));
    const inFlight = client.fetch('auto', 0, 1, { maxWaitMs: 10_000, minBytes: 1 });
    await new Promise((r) => setTimeout(r, 200));
    broker.child.kill('SIGTERM');
    const answered = await inFlight;
    assert.equal(answered.highWatermark, 1, 'the long poll was answered during shutdown');
    assert.deepEqual(await broker.exited, { code: 0, signal: null });
    assert.match(broker.stderr(), /SIGTERM: stopping[\s\S]*stopped cleanly/);
    assert.ok(fs.existsSync(path.join(tmp(), 'data', CLEAN_SHUTDOWN_FILE)));
    client.close();
  });

  it('round-trips records through sluice topics, produce and consume', async () => {
    const broker = await spawnBroker(['--data-dir', path.join(tmp(), 'data'), '--port', '0', '--auto-create-topics', 'false']);
    const bootstrap = ['--bootstrap-server', `127.0.0.1:${broker.port}`];
    try {
      const created = await sluice(['topics', 'create', 'clicks', '--partitions', '3', '--config', 'retention.ms=86400000', ...bootstrap]);
      assert.equal(created.code, 0, created.stderr);
      assert.equal((await sluice(['topics', 'list', ...bootstrap])).stdout.trim(), 'clicks');
      const lines = Array.from({ length: 500 }, (_, i) => JSON.stringify({ user: `u${i % 17}`, page: `/p/${i}` }));
      const produced = await sluice(['produce', '--topic', 'clicks', '--key-field', 'user', ...bootstrap], lines.join('\n') + '\n');
      assert.equal(produced.code, 0, produced.stderr);
      assert.match(produced.stderr, /produced 500 records to clicks/);
      const described = await sluice(['topics', 'describe', 'clicks', ...bootstrap]);
      const latest = [...described.stdout.matchAll(/latest (\d+)/g)].map((m) => Number(m[1]));
      assert.equal(latest.length, 3);
      assert.equal(latest.reduce((a, b) => a + b, 0), 500);
      const consumed = await sluice(['consume', '--topic', 'clicks', '--from-beginning', '--exit-at-end', '--format', 'json', ...bootstrap]);
      assert.equal(consumed.code, 0, consumed.stderr);
      const records = consumed.stdout.trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(records.map((r) => r.value).sort(), [...lines].sort());
      for (const r of records) assert.equal(r.key, JSON.parse(r.value).user);
      const byUser = new Map<string, Set<number>>();
      for (const r of records) byUser.set(r.key, (byUser.get(r.key) ?? new Set()).add(r.partition));
      assert.ok([...byUser.values()].every((partitions) => partitions.size === 1), 'one key, one partition');
      const two = await sluice(['consume', '--topic', 'clicks', '--partition', '1', '--offset', '0', '--max', '2', ...bootstrap]);
      assert.equal(two.stdout.trim().split('\n').length, 2);
      assert.equal((await sluice(['topics', 'delete', 'clicks', ...bootstrap])).code, 0);
      assert.equal((await sluice(['topics', 'list', ...bootstrap])).stdout.trim(), '');
    } finally {
      broker.child.kill('SIGTERM');
      await broker.exited;
    }
  });

  it('produce names the bad line, and keeps what came before it', async () => {
    const broker = await spawnBroker(['--data-dir', path.join(tmp(), 'data'), '--port', '0']);
    const bootstrap = `127.0.0.1:${broker.port}`;
    try {
      const input = ['{"id":"a"}', '{"id":"b"}', 'not json', '{"id":"c"}'].join('\n');
      const result = await sluice(['produce', '--topic', 'strict', '--key-field', 'id', '--bootstrap-server', bootstrap], input);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /stdin line 3: not JSON/);
      const client = await KafkaClient.connect(bootstrap);
      let total = 0;
      for (const p of (await client.topic('strict')).partitions) {
        total += recordsFrom((await client.fetch('strict', p.partition, 0, { maxWaitMs: 0 })).records, 0).records.length;
      }
      client.close();
      assert.equal(total, 2, 'the two good lines before the bad one were produced');
    } finally {
      broker.child.kill('SIGTERM');
      await broker.exited;
    }
  });
});
