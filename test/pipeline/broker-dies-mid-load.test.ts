import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KafkaClient } from '../../src/client/kafka-client';
import { openTable } from '../../src/connector-factory';
import { loadJobDefinition } from '../../src/job/job-definition';
import { verifyTable } from '../../src/table/verify';
import { RunningBroker, startBroker } from '../helpers/broker';
import { API, decodeFetch, fetchErrorAnswer, KafkaProxy, startKafkaProxy } from '../helpers/kafka-proxy';
import { KafkaErrors } from '../../src/protocol/error-codes';
import { BrokerProcess, freePort, spawnBroker } from '../helpers/broker-process';
import { compressedBatch, corruptLastStoredBatch } from '../helpers/compressed-batches';
import { buildRecordBatch } from '../../src/protocol/records';
import { SLUICE_BIN } from '../helpers/cli';
import { byMode } from '../helpers/long-mode';
import { listFiles, pageView, pageViewValues, produceValues, START, writeJob } from '../helpers/page-views';
import { run } from '../helpers/processes';
import { useTempDir } from '../helpers/temp-dir';

const RECORDS = byMode(60_000, 200_000);
const KILLS = byMode(2, 20);

/** True once some worker has a data file open under the run's staging directory. */
function writing(table: string): boolean {
  return listFiles(path.join(table, '_sluice/runs')).some((f) => f.includes('/tmp/') && (f.endsWith('.avro') || f.endsWith('.parquet')));
}

describe('the broker dies in the middle of a load on worker threads (Avro + Parquet)', function () {
  this.timeout(byMode(240_000, 900_000));
  const tmp = useTempDir();
  let broker: BrokerProcess | undefined;
  afterEach(() => broker?.child.kill('SIGKILL'));

  it(`fails with one clear message naming the broker and the partition (or topic), never a native abort, and then loads everything exactly once (${KILLS} kills)`, async () => {
    const port = await freePort();
    const dataDir = path.join(tmp(), 'broker');
    const start = async () => (broker = await spawnBroker(['--data-dir', dataDir, '--port', String(port), '--num-partitions', '4']));
    await start();
    const client = await KafkaClient.connect(`127.0.0.1:${port}`);
    await client.createTopic('page_views', 4);
    await produceValues(client, 'page_views', 4, pageViewValues(0, RECORDS, (i) => START + i * 50));
    client.close();
    const jobFile = writeJob(tmp(), { workerThreads: 2, concurrency: 4, files: { maxRecords: 5_000 } }, `127.0.0.1:${port}`);
    const table = path.join(tmp(), 'warehouse', 'page_views');

    let failures = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const load = run(process.execPath, [SLUICE_BIN, 'load', '--job', jobFile]);
      const deadline = Date.now() + 60_000;
      while (!writing(table) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      // Soon after: a load of these records takes well under a second once its files are open.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 100)));
      broker!.child.kill('SIGKILL');
      await broker!.exited;
      const outcome = await load;
      assert.equal(outcome.signal, null, `load ended by ${outcome.signal}: ${outcome.stderr}`);
      assert.doesNotMatch(outcome.stderr, /terminate called|Napi::Error|\n\s+at /, outcome.stderr);
      if (outcome.code !== 0) {
        failures++;
        assert.equal(outcome.code, 1, outcome.stderr);
        const lines = outcome.stderr.trim().split('\n').filter((line) => line.startsWith('sluice:'));
        assert.equal(lines.length, 1, outcome.stderr);
        assert.match(lines[0], new RegExp(`page_views(-\\d)?\\b.*127\\.0\\.0\\.1:${port}`), lines[0]);
      }
      await start();
    }
    assert.ok(failures >= Math.ceil(KILLS / 2), `${failures} of ${KILLS} loads were cut by the kill`);

    const last = await run(process.execPath, [SLUICE_BIN, 'load', '--job', jobFile]);
    assert.equal(last.code, 0, last.stderr);
    const job = loadJobDefinition(jobFile);
    const report = await verifyTable(job, openTable(job.output.sink, job.output.table));
    assert.deepEqual(report.problems, []);
    assert.equal(report.partitions.reduce((sum, p) => sum + p.records, 0), RECORDS, 'every record exactly once');
    assert.deepEqual(fs.readdirSync(path.join(table, '_sluice/runs')), [], 'no run left behind');
  });
});

describe('a range fails while other workers are writing Parquet', function () {
  this.timeout(byMode(120_000, 600_000));
  const tmp = useTempDir();
  let running: RunningBroker;
  let proxy: KafkaProxy;
  let client: KafkaClient;
  beforeEach(async () => {
    running = await startBroker({ numPartitions: 4, advertisedHost: '127.0.0.2' });
    proxy = await startKafkaProxy(running.port);
    client = await KafkaClient.connect(running.bootstrap);
    await client.createTopic('page_views', 4);
    // 6,000 records per partition, while the other worker is writing a new Parquet file every 300.
    const views = pageViewValues(0, 24_000, (i) => START + i * 50).map((v) => ({ key: Buffer.from(v.key), value: v.value, timestamp: v.timestamp }));
    for (let p = 0; p < 4; p++) {
      const mine = views.filter((_, i) => i % 4 === p);
      for (let i = 0; i < mine.length; i += 1000) await client.produce('page_views', p, buildRecordBatch(mine.slice(i, i + 1000)));
    }
  });
  afterEach(async () => {
    client.close();
    await proxy.close();
    await running.stop();
  });
  const jobFile = () => writeJob(tmp(), { workerThreads: 2, concurrency: 4, files: { maxRecords: 300 }, output: { formats: ['parquet'], sink: path.join(tmp(), 'warehouse'), table: 'page_views' } }, proxy.bootstrap);

  it('ends the run with one clear message, never a native abort (a prefetch failing while the worker writes Parquet used to go unhandled and tear the worker down inside DuckDB)', async () => {
    // Partition 0's prefetch (every fetch after its first) is refused, not retriably, while its worker writes.
    proxy.decide = (request) => {
      if (request.apiKey !== API.Fetch) return 'forward';
      const asked = decodeFetch(request).topics[0].partitions[0];
      return asked.partition === 0 && asked.fetchOffset > 0 ? fetchErrorAnswer(KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code) : 'forward';
    };
    // Four records of 900 kB put the partition past one 4 MiB fetch, so its reader prefetches.
    for (let i = 0; i < 4; i++) {
      const big = { ...pageView(30_000 + i, START + i), user_agent: 'x'.repeat(900_000) };
      await client.produce('page_views', 0, buildRecordBatch([{ value: Buffer.from(JSON.stringify(big)), timestamp: big.ts }]));
    }
    const job = jobFile();
    for (let attempt = 0; attempt < byMode(1, 10); attempt++) {
      const outcome = await run(process.execPath, [SLUICE_BIN, 'load', '--job', job]);
      assert.equal(outcome.signal, null, `load ended by ${outcome.signal}: ${outcome.stderr}`);
      assert.doesNotMatch(outcome.stderr, /terminate called|Napi::Error|\n\s+at /, outcome.stderr);
      assert.equal(outcome.code, 1, outcome.stderr);
      assert.match(outcome.stderr, /^sluice: .*page_views-0.*TOPIC_AUTHORIZATION_FAILED/m);
    }
  });

  it('a corrupt zstd batch in the middle no longer fails anything: it is a dead letter and the run commits everything else', async () => {
    await client.produce('page_views', 0, compressedBatch([{ value: Buffer.from('{}') }], 'zstd'));
    corruptLastStoredBatch(running.dataDir, 'page_views', 0);
    await client.produce('page_views', 0, buildRecordBatch(pageViewValues(24_000, 10, (i) => START + i * 50).map((v) => ({ value: v.value, timestamp: v.timestamp }))));
    const outcome = await run(process.execPath, [SLUICE_BIN, 'load', '--job', jobFile()]);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stdout, /partition 0: offsets 0\.\.6011, 6010 records, 1 bad/);
    const job = loadJobDefinition(jobFile());
    const report = await verifyTable(job, openTable(job.output.sink, job.output.table));
    assert.deepEqual(report.problems, []);
    assert.equal(report.partitions.reduce((sum, p) => sum + p.records, 0), 24_010);
  });
});
