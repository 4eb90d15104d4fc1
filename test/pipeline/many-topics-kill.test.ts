import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { KafkaClient } from '../../src/client/kafka-client';
import { RunningBroker, startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { byMode } from '../helpers/long-mode';
import { HOUR, listFiles, pageViewValues, produceValues, REPO, START } from '../helpers/page-views';
import { run } from '../helpers/processes';
import { useTempDir } from '../helpers/temp-dir';

const KILLS = byMode(4, 16);
const PER_TOPIC = byMode(2_000, 8_000);
const TOPICS = ['orders.eu', 'orders-us'];

/** Every `_sluice/topics/<topic>/runs/<run>/<file>` of the shared table. */
function runFiles(table: string, file: 'plan.json' | 'commit.json'): string[] {
  const found: string[] = [];
  const topics = path.join(table, '_sluice/topics');
  for (const topic of fs.existsSync(topics) ? fs.readdirSync(topics) : []) {
    const runs = path.join(topics, topic, 'runs');
    for (const runId of fs.existsSync(runs) ? fs.readdirSync(runs) : []) if (fs.existsSync(path.join(runs, runId, file))) found.push(`${topic}/${runId}`);
  }
  return found;
}

/** `sluice load`, killed with SIGKILL a moment after a topic's run writes its plan (reading) or its manifest (committing). */
function killedLoad(job: string, table: string, at: 'plan.json' | 'commit.json'): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    const before = new Set(runFiles(table, at));
    const child = spawn(process.execPath, [SLUICE_BIN, 'load', '--job', job], { stdio: 'ignore' });
    const poll = setInterval(() => {
      if (runFiles(table, at).some((r) => !before.has(r))) setTimeout(() => child.kill('SIGKILL'), Math.random() * (at === 'plan.json' ? 50 : 5));
    }, 2);
    child.on('close', (_code, signal) => {
      clearInterval(poll);
      resolve(signal);
    });
  });
}

describe('many topics: a load of a shared table killed with SIGKILL', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  let broker: RunningBroker;

  before(async () => {
    broker = await startBroker({ numPartitions: 2 });
    const client = await KafkaClient.connect(broker.bootstrap);
    for (const [i, topic] of TOPICS.entries()) {
      await client.createTopic(topic, 2);
      await produceValues(client, topic, 2, pageViewValues(i * PER_TOPIC, PER_TOPIC, (n) => START + Math.floor((n % PER_TOPIC) * HOUR / 500)));
    }
    client.close();
  });
  after(async () => broker?.stop());

  it('loads every (topic, partition, offset) exactly once whatever the kills, and verify passes per topic-partition', async () => {
    const dir = tmp();
    const job = path.join(dir, 'orders.json');
    fs.writeFileSync(job, JSON.stringify({
      name: 'orders', source: { bootstrap: broker.bootstrap, topicPattern: 'orders[.-](eu|us)' },
      value: { format: 'json', schema: path.join(REPO, 'schemas/page_view.avsc') },
      output: { formats: ['parquet'], sink: path.join(dir, 'warehouse'), table: 'orders' },
      time: { field: 'ts' }, files: { maxRecords: 200 }, limits: { maxRecordsPerPartition: Math.ceil(PER_TOPIC / 6) },
      metadataColumns: ['partition', 'offset'], workerThreads: 0,
    }));
    const table = path.join(dir, 'warehouse/orders');
    const killed = { 'plan.json': 0, 'commit.json': 0 };
    for (let i = 0; i < KILLS; i++) {
      const at = i % 2 === 0 ? 'plan.json' : 'commit.json';
      if ((await killedLoad(job, table, at)) === 'SIGKILL') killed[at]++;
    }
    assert.ok(killed['plan.json'] >= 1 && killed['commit.json'] >= 1, `kills while reading and while committing: ${JSON.stringify(killed)}`);
    for (let i = 0; i < 8; i++) {
      const load = await run(process.execPath, [SLUICE_BIN, 'load', '--job', job]);
      assert.equal(load.code, 0, load.stderr);
      if (!load.stdout.includes('committed')) break;
    }
    const verify = await run(process.execPath, [SLUICE_BIN, 'verify', '--job', job, '--json']);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const report = JSON.parse(verify.stdout) as { topics: { topic: string; partitions: { records: number }[] }[] };
    assert.deepEqual(report.topics.map((t) => [t.topic, t.partitions.reduce((s, p) => s + p.records, 0)]), [['orders-us', PER_TOPIC], ['orders.eu', PER_TOPIC]]);

    const files = listFiles(table).filter((f) => f.endsWith('.parquet')).map((f) => `'${path.join(table, f)}'`);
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const rows = (await connection.runAndReadAll(`SELECT _kafka_topic AS topic, count(*) AS n, count(DISTINCT (_kafka_partition, _kafka_offset)) AS distinct_offsets FROM read_parquet([${files.join(', ')}]) GROUP BY ALL ORDER BY ALL`)).getRowObjectsJson();
    connection.closeSync();
    assert.deepEqual(rows.map((r) => [r.topic, Number(r.n), Number(r.distinct_offsets)]), [['orders-us', PER_TOPIC, PER_TOPIC], ['orders.eu', PER_TOPIC, PER_TOPIC]]);
  });
});
