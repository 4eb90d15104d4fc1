import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { KafkaClient } from '../../src/client/kafka-client';
import { KafkaErrors } from '../../src/protocol/error-codes';
import { buildRecordBatch } from '../../src/protocol/records';
import { RunningBroker, startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { API, decodeFetch, fetchErrorAnswer, KafkaProxy, SeenRequest, startKafkaProxy } from '../helpers/kafka-proxy';
import { listFiles, pageView, pageViewValues, produceValues, REPO, START, writeJob } from '../helpers/page-views';
import { run } from '../helpers/processes';
import { useTempDir } from '../helpers/temp-dir';

const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);
const fetched = (request: SeenRequest) => decodeFetch(request).topics[0].partitions[0];

/** Every offset of every partition once in the Avro files (python3-avro) and once in the Parquet files (DuckDB). */
async function assertEachOffsetOnce(table: string, ends: number[]): Promise<void> {
  const files = listFiles(table);
  const avroFiles = files.filter((f) => f.endsWith('.avro')).map((f) => path.join(table, f));
  const avro = await run('/usr/bin/python3', [path.join(REPO, 'test/helpers/read-avro-offsets.py'), ...avroFiles]);
  assert.equal(avro.code, 0, avro.stderr);
  const seen = new Map<string, number>();
  for (const line of avro.stdout.trim().split('\n')) {
    for (const [p, o] of (JSON.parse(line) as { rows: number[][] }).rows) seen.set(`${p}/${o}`, (seen.get(`${p}/${o}`) ?? 0) + 1);
  }
  const total = ends.reduce((a, b) => a + b, 0);
  assert.equal(seen.size, total, 'Avro holds every offset');
  for (const [p, end] of ends.entries()) for (let o = 0; o < end; o++) assert.equal(seen.get(`${p}/${o}`), 1, `Avro: partition ${p} offset ${o} once`);
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const rows = await duck.runAndReadAll(`SELECT count(*), count(DISTINCT (_kafka_partition, _kafka_offset)) FROM read_parquet('${table}/parquet/dt=*/hr=*/*.parquet')`);
  assert.deepEqual(rows.getRows()[0].map(Number), [total, total], 'Parquet holds every offset once');
  duck.closeSync();
}

describe('sluice load through a Kafka-aware proxy: a hung fetch and a leader move', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  let running: RunningBroker;
  let proxy: KafkaProxy;
  let client: KafkaClient;
  beforeEach(async () => {
    // The broker advertises 127.0.0.2, where the proxy listens on its port: every connection of the load goes through it.
    running = await startBroker({ numPartitions: 2, advertisedHost: '127.0.0.2' });
    proxy = await startKafkaProxy(running.port);
    client = await KafkaClient.connect(running.bootstrap);
    await client.createTopic('page_views', 2);
  });
  afterEach(async () => {
    client.close();
    await proxy.close();
    await running.stop();
  });
  const table = () => path.join(tmp(), 'warehouse/page_views');
  const verifyOk = async (job: string) => {
    const verify = await sluice(['verify', '--job', job]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /verify: OK/);
  };

  it('a fetch that never gets an answer: the run still ends at its deadline and commits what it read; the next run loads the rest, exactly once', async () => {
    await produceValues(client, 'page_views', 2, pageViewValues(0, 2000, (i) => START + i * 1000));
    const high0 = async () => (await client.offsetFor('page_views', 0, -1)).offset;
    // Five records of 900 kB put partition 0 past one 4 MiB fetch, so it needs a second one.
    for (let i = 0; i < 5; i++) {
      const big = { ...pageView(5000 + i, START + 2000 * 1000 + i), user_agent: 'x'.repeat(900_000) };
      await client.produce('page_views', 0, buildRecordBatch([{ key: Buffer.from(big.user_id), value: Buffer.from(JSON.stringify(big)), timestamp: big.ts }]));
    }
    const ends = [await high0(), (await client.offsetFor('page_views', 1, -1)).offset];
    const swallowed: SeenRequest[] = [];
    proxy.decide = (request) => {
      if (request.apiKey !== API.Fetch || swallowed.length > 0) return 'forward';
      const asked = fetched(request);
      if (asked.partition !== 0 || asked.fetchOffset === 0) return 'forward';
      swallowed.push(request);
      return 'swallow';
    };
    const DEADLINE_S = 5;
    const job = writeJob(tmp(), { limits: { maxDurationSeconds: DEADLINE_S }, files: { maxRecords: 500 } }, proxy.bootstrap);
    const started = Date.now();
    const first = await sluice(['load', '--job', job]);
    const took = Date.now() - started;
    assert.equal(first.code, 0, first.stderr);
    assert.equal(swallowed.length, 1, 'partition 0\'s second fetch was held');
    // Without dropping the fetch at the deadline the run waits out the 30 s request timeout and a retry.
    assert.ok(took < (DEADLINE_S + 12) * 1000, `the run took ${took} ms`);
    const stoppedAt = Number(/partition 0: offsets 0\.\.(\d+)/.exec(first.stdout)?.[1]);
    assert.equal(stoppedAt, fetched(swallowed[0]).fetchOffset, 'partition 0 committed what it had read, up to the fetch that hung');
    assert.ok(stoppedAt < ends[0]);
    assert.match(first.stdout, new RegExp(`partition 1: offsets 0\\.\\.${ends[1]}, ${ends[1]} records`));
    await verifyOk(job);

    const rest = await sluice(['load', '--job', job]);
    assert.equal(rest.code, 0, rest.stderr);
    assert.match(rest.stdout, new RegExp(`partition 0: offsets ${stoppedAt}\\.\\.${ends[0]}`));
    await verifyOk(job);
    await assertEachOffsetOnce(table(), ends);
  });

  it('fetches answered NOT_LEADER_OR_FOLLOWER twice, then served: retried after a metadata refresh, transparently, exactly once', async () => {
    await produceValues(client, 'page_views', 2, pageViewValues(0, 3000, (i) => START + i * 1000));
    const ends = [(await client.offsetFor('page_views', 0, -1)).offset, (await client.offsetFor('page_views', 1, -1)).offset];
    const refused: SeenRequest[] = [];
    proxy.decide = (request) => {
      if (request.apiKey !== API.Fetch || refused.length >= 2) return 'forward';
      refused.push(request);
      return fetchErrorAnswer(KafkaErrors.NOT_LEADER_OR_FOLLOWER.code);
    };
    const job = writeJob(tmp(), { files: { maxRecords: 500 } }, proxy.bootstrap);
    const load = await sluice(['load', '--job', job]);
    assert.equal(load.code, 0, load.stderr);
    assert.doesNotMatch(load.stderr, /NOT_LEADER/, 'retried without a word');
    assert.equal(refused.length, 2);
    for (const refusal of refused) {
      const asked = fetched(refusal);
      const after = proxy.requests.slice(proxy.requests.indexOf(refusal) + 1);
      const retry = after.findIndex((r) => r.apiKey === API.Fetch && fetched(r).partition === asked.partition && fetched(r).fetchOffset === asked.fetchOffset && !refused.includes(r));
      assert.ok(retry >= 0, `partition ${asked.partition} at ${asked.fetchOffset} was fetched again`);
      assert.ok(after.slice(0, retry).some((r) => r.apiKey === API.Metadata), 'the metadata was refreshed before the retry');
    }
    for (const [p, end] of ends.entries()) assert.match(load.stdout, new RegExp(`partition ${p}: offsets 0\\.\\.${end}, ${end} records, 0 bad`));
    await verifyOk(job);
    await assertEachOffsetOnce(table(), ends);
  });
});
