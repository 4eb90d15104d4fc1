import { strict as assert } from 'node:assert';
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { KafkaClient } from '../../src/client/kafka-client';
import { openTable } from '../../src/connector-factory';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runBackfill } from '../../src/pipeline/backfill';
import { runLoad } from '../../src/pipeline/load-job';
import { verifyTable } from '../../src/table/verify';
import { RunningBroker, startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { listFiles, produceValues, REPO, START, writeJob } from '../helpers/page-views';
import { run } from '../helpers/processes';
import { useTempDir } from '../helpers/temp-dir';

const PYTHON = '/usr/bin/python3'; // Debian's, with python3-confluent-kafka (librdkafka) and python3-avro
const CLIENT = path.join(REPO, 'test/clients/transactional-client.py');
const READ_AVRO = path.join(REPO, 'test/helpers/read-avro-offsets.py');
const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);

interface Loaded {
  /** user_id of every Parquet row (it names the record), sorted. */
  labels: string[];
  /** "partition/offset" of every Parquet row, sorted. */
  parquet: string[];
  /** "partition/offset" of every Avro record, read by python3-avro, sorted. */
  avro: string[];
}

/** What a table holds, read by independent readers: DuckDB for Parquet, python3-avro for Avro. */
async function readTable(table: string): Promise<Loaded> {
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  let rows: unknown[][];
  try {
    rows = (await duck.runAndReadAll(`SELECT user_id, _kafka_partition, _kafka_offset FROM read_parquet('${table}/parquet/dt=*/hr=*/*.parquet')`)).getRows();
  } finally {
    duck.closeSync();
  }
  const avroFiles = listFiles(table).filter((f) => f.startsWith('avro/') && f.endsWith('.avro')).map((f) => path.join(table, f));
  const read = await run(PYTHON, [READ_AVRO, ...avroFiles]);
  assert.equal(read.code, 0, read.stderr);
  const avro = read.stdout.trim().split('\n').flatMap((line) => (JSON.parse(line) as { rows: [number, number, number][] }).rows.map(([p, o]) => `${p}/${o}`));
  return {
    labels: rows.map((r) => String(r[0])).sort(),
    parquet: rows.map((r) => `${r[1]}/${r[2]}`).sort(),
    avro: avro.sort(),
  };
}

/** The skipped offsets recorded in a table's checkpoints, and each partition's committed end. */
function checkpoints(table: string): { skipped: number; ends: Map<number, number> } {
  const root = path.join(table, '_sluice/checkpoints');
  let skipped = 0;
  const ends = new Map<number, number>();
  for (const file of listFiles(root).filter((f) => f.endsWith('.json'))) {
    const checkpoint = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as { partition: number; end: number; skippedOffsets?: number };
    skipped += checkpoint.skippedOffsets ?? 0;
    ends.set(checkpoint.partition, Math.max(ends.get(checkpoint.partition) ?? 0, checkpoint.end));
  }
  return { skipped, ends };
}

const labelled = (labels: string[]) => labels.map((label, i) => ({
  key: label,
  value: Buffer.from(JSON.stringify({ ts: START + i, user_id: label, session_id: 's', page: '/', referrer: null, user_agent: 'sluice', duration_ms: i, country: 'FR' })),
  timestamp: START + i,
}));

function jobIn(dir: string, bootstrap: string, topic: string, source: Record<string, unknown> = {}): string {
  return writeJob(dir, { name: `${topic}_job`, source: { bootstrap, topic, ...source }, output: { formats: ['parquet', 'avro'], sink: path.join(dir, 'warehouse'), table: topic } }, bootstrap);
}

describe('sluice load reads committed data only (a real transactional producer: confluent_kafka / librdkafka)', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  let running: RunningBroker;
  let client: KafkaClient;
  const PARTITIONS = 3;
  const ROUNDS = 6;
  const PER_TXN = 6;
  // Producer A aborts rounds 2 and 5, B rounds 1, 3 and 5 (transactional-client.py interleave).
  const all = Array.from({ length: ROUNDS }, (_, r) => [
    ...Array.from({ length: PER_TXN }, (_, j) => `a${r}-${j}`),
    ...Array.from({ length: PARTITIONS }, (_, k) => `p${r}-${k}`),
    ...Array.from({ length: PER_TXN }, (_, j) => `b${r}-${j}`),
  ]).flat();
  const isAborted = (label: string) => {
    const round = Number(/^[ab](\d+)-/.exec(label)?.[1] ?? -1);
    return label.startsWith('a') ? round % 3 === 2 : label.startsWith('b') && round % 2 === 1;
  };
  const committed = all.filter((label) => !isAborted(label)).sort();
  const markers = ROUNDS * 2 * PARTITIONS; // every transaction touched every partition

  before(async () => {
    running = await startBroker();
    client = await KafkaClient.connect(running.bootstrap);
    await client.createTopic('orders', PARTITIONS);
    await client.createTopic('pending', 2);
    const produced = await run(PYTHON, [CLIENT, 'interleave', running.bootstrap, 'orders', String(ROUNDS), String(PER_TXN)]);
    assert.equal(produced.stdout.trim(), 'done', produced.stderr);
  });
  after(async () => {
    client.close();
    await running.stop();
  });

  it('loads exactly the committed and non-transactional records, and verify accounts for every marker and aborted record', async () => {
    assert.equal(committed.length, 60);
    const ends = Array.from({ length: PARTITIONS }, (_, p) => running.broker.logs.partition('orders', p).logEndOffset);
    assert.equal(ends.reduce((a, b) => a + b, 0), all.length + markers, '90 records and 36 markers in the log');
    const consumed = await run(PYTHON, [CLIENT, 'consume', running.bootstrap, 'orders', String(PARTITIONS), 'read_committed']);
    const librdkafka = consumed.stdout.trim().split('\n').slice(0, -1).map((line) => (JSON.parse(line) as { user_id: string }).user_id).sort();
    assert.deepEqual(librdkafka, committed, 'librdkafka\'s read_committed consumer agrees on what was committed');

    const dir = tmp();
    const job = jobIn(dir, running.bootstrap, 'orders');
    const load = await sluice(['load', '--job', job]);
    assert.equal(load.code, 0, load.stderr);
    assert.match(load.stdout, /skipped \(transaction markers and aborted records\)/);
    const table = path.join(dir, 'warehouse', 'orders');
    const loaded = await readTable(table);
    assert.deepEqual(loaded.labels, committed, 'no aborted record, every committed and plain one');
    assert.equal(new Set(loaded.parquet).size, committed.length, 'each offset once');
    assert.deepEqual(loaded.avro, loaded.parquet, 'the Avro tree holds the same offsets');
    const state = checkpoints(table);
    assert.equal(state.skipped, all.length - committed.length + markers, '30 aborted records and 36 markers, recorded as skipped');
    assert.deepEqual([...state.ends].sort(), ends.map((end, p) => [p, end]), 'every partition loaded to its end (no transaction is open)');

    const verify = await sluice(['verify', '--job', job]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /^66 offsets skipped: transaction markers and aborted records$/m);
    assert.match(verify.stdout, /verify: OK/);
    assert.deepEqual((await runLoad(loadJobDefinition(job))).committed, [], 'a second run finds nothing new');
    const backfill = await runBackfill(loadJobDefinition(job), { from: { offset: 0 } });
    assert.equal(backfill.committed.reduce((sum, r) => sum + r.records, 0), committed.length, 'backfill reads committed data too');
    assert.equal(backfill.committed.reduce((sum, r) => sum + (r.skippedOffsets ?? 0), 0), state.skipped);
  });

  it('with source.isolationLevel read_uncommitted loads the aborted records too, skipping only the markers', async () => {
    const dir = tmp();
    const job = loadJobDefinition(jobIn(dir, running.bootstrap, 'orders', { isolationLevel: 'read_uncommitted' }));
    const loaded = await runLoad(job);
    assert.equal(loaded.committed.reduce((sum, r) => sum + r.records, 0), all.length);
    const table = path.join(dir, 'warehouse', 'orders');
    assert.deepEqual((await readTable(table)).labels, [...all].sort(), 'the aborted records too');
    assert.equal(checkpoints(table).skipped, markers);
    const report = await verifyTable(job, openTable(job.output.sink, job.output.table));
    assert.deepEqual(report.problems, []);
    assert.equal(report.partitions.reduce((sum, p) => sum + p.skippedOffsets, 0), markers);
  });

  it('stops at the last stable offset while a transaction is open, and loads the rest once it commits, each record once', async () => {
    const before = Array.from({ length: 20 }, (_, i) => `before-${i}`);
    const after = Array.from({ length: 20 }, (_, i) => `after-${i}`);
    const opened = Array.from({ length: 10 }, (_, j) => `open-${j}`);
    await produceValues(client, 'pending', 2, labelled(before));
    const producer: ChildProcessWithoutNullStreams = spawn(PYTHON, [CLIENT, 'open', running.bootstrap, 'pending', 'pending-app', String(opened.length)]);
    const output: string[] = [];
    const said = (word: string) => new Promise<void>((resolve, reject) => {
      const check = () => output.join('').includes(word) && resolve();
      producer.stdout.on('data', (chunk: Buffer) => {
        output.push(chunk.toString());
        check();
      });
      producer.on('exit', (code) => reject(new Error(`the producer exited (${code}) before saying ${word}: ${output.join('')}`)));
      check();
    });
    try {
      await said('sent');
      await produceValues(client, 'pending', 2, labelled(after));
      const stable = [0, 1].map((p) => running.broker.logs.partition('pending', p).lastStableOffset);
      const highWatermarks = [0, 1].map((p) => running.broker.logs.partition('pending', p).logEndOffset);
      assert.equal(stable.reduce((a, b) => a + b, 0), before.length, 'the open transaction starts right after the first records');
      assert.ok(highWatermarks.every((hw, p) => hw > stable[p]), 'records wait above the last stable offset');

      const dir = tmp();
      const job = loadJobDefinition(jobIn(dir, running.bootstrap, 'pending'));
      const table = path.join(dir, 'warehouse', 'pending');
      await runLoad(job);
      assert.deepEqual((await readTable(table)).labels, [...before].sort(), 'only what precedes the open transaction');
      assert.deepEqual([...checkpoints(table).ends].sort(), stable.map((end, p) => [p, end]), 'planned up to the last stable offset');
      const marker = path.join(table, 'parquet/dt=2026-11-21/hr=00/_SUCCESS');
      assert.equal(fs.existsSync(marker), false, 'a partition holding an open transaction is not caught up: its hour stays open');

      producer.stdin.write('commit\n');
      await said('committed');
      await runLoad(job);
      const loaded = await readTable(table);
      assert.deepEqual(loaded.labels, [...before, ...opened, ...after].sort(), 'the committed transaction and what followed it, no duplicates');
      assert.equal(new Set(loaded.parquet).size, loaded.parquet.length);
      assert.deepEqual(loaded.avro, loaded.parquet);
      assert.equal(checkpoints(table).skipped, 2, 'one commit marker per partition');
      assert.equal(fs.existsSync(marker), true, 'caught up once the transaction committed and was loaded');
      const report = await verifyTable(job, openTable(job.output.sink, job.output.table));
      assert.deepEqual(report.problems, []);
      assert.deepEqual(report.partitions.map((p) => p.skippedOffsets), [1, 1]);
    } finally {
      producer.kill('SIGKILL');
    }
  });
});
