import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { KafkaClient } from '../../src/client/kafka-client';
import { RunningBroker, startBroker } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { run } from '../helpers/processes';
import { SLUICE_BIN } from '../helpers/cli';
import { HOUR, START, listFiles, pageViewValues, produceValues, REPO, writeJob } from '../helpers/page-views';

const KILLS = 24;

function runLoadChild(job: string, killAfterMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SLUICE_BIN, 'load', '--job', job], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

describe('exactly-once under kill -9 (sluice load as a child process)', function () {
  this.timeout(600_000);
  const tmp = useTempDir();
  let running: RunningBroker;

  before(async () => {
    running = await startBroker({ numPartitions: 4 });
  });
  after(async () => running.stop());

  it(`loads every offset exactly once through ${KILLS} kills while producers keep appending`, async () => {
    const client = await KafkaClient.connect(running.bootstrap);
    await client.createTopic('page_views', 4);
    const tsOf = (i: number) => START + Math.floor(i / 25_000) * HOUR + (i % 25_000) * 100;
    let produced = 0;
    const values = pageViewValues(0, 200_000, tsOf);
    values.splice(777, 0, { key: 'user-7', value: Buffer.from('garbage that is not JSON'), timestamp: START });
    await produceValues(client, 'page_views', 4, values);
    produced = values.length;
    const jobFile = writeJob(tmp(), { files: { maxRecords: 4000 }, limits: { maxRecordsPerPartition: 15_000 }, badRecords: { maxPercent: 1 } }, running.bootstrap);

    let appending = true;
    const appender = (async () => {
      for (let i = 200_000; appending; i += 400) {
        await produceValues(client, 'page_views', 4, pageViewValues(i, 400, (n) => tsOf(n) + 3 * HOUR));
        produced += 400;
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    const outcomes: string[] = [];
    const kills = () => outcomes.filter((o) => o === 'SIGKILL').length;
    for (let attempt = 0; kills() < KILLS && attempt < 100; attempt++) {
      const result = await runLoadChild(jobFile, 50 + Math.floor(Math.random() * 900));
      outcomes.push(result.signal ?? `exit ${result.code}`);
      if (result.code !== null && result.code !== 0) assert.fail(`load failed by itself: ${result.stderr}`);
    }
    appending = false;
    await appender;
    for (let i = 0; i < 30; i++) {
      const result = await run(process.execPath, [SLUICE_BIN, 'load', '--job', jobFile]);
      assert.equal(result.code, 0, result.stderr);
      if (/nothing new to load/.test(result.stdout)) break;
    }
    assert.ok(kills() >= KILLS, `${KILLS} kills landed: ${outcomes.join(', ')}`);
    if (process.env.KILL_VERBOSE) console.log(`      runs: ${outcomes.join(', ')}`);

    const table = path.join(tmp(), 'warehouse', 'page_views');
    const files = listFiles(table);
    const avroFiles = files.filter((f) => f.endsWith('.avro')).map((f) => path.join(table, f));
    const read = await run('/usr/bin/python3', [path.join(REPO, 'test/helpers/read-avro-offsets.py'), ...avroFiles]);
    assert.equal(read.code, 0, read.stderr);
    const seen = new Map<string, number>();
    for (const line of read.stdout.trim().split('\n')) {
      for (const [p, o] of (JSON.parse(line) as { rows: number[][] }).rows) seen.set(`${p}/${o}`, (seen.get(`${p}/${o}`) ?? 0) + 1);
    }
    for (const f of files.filter((f) => f.startsWith('_dead_letter/'))) {
      for (const line of fs.readFileSync(path.join(table, f), 'utf8').trim().split('\n')) {
        const entry = JSON.parse(line) as { partition: number; offset: number };
        seen.set(`${entry.partition}/${entry.offset}`, (seen.get(`${entry.partition}/${entry.offset}`) ?? 0) + 1);
      }
    }
    let expected = 0;
    for (let p = 0; p < 4; p++) {
      const end = (await client.offsetFor('page_views', p, -1)).offset;
      expected += end;
      for (let o = 0; o < end; o++) assert.equal(seen.get(`${p}/${o}`), 1, `partition ${p} offset ${o} appears exactly once`);
    }
    assert.equal(expected, produced);
    assert.equal(seen.size, produced);
    assert.ok(files.every((f) => !f.includes('/tmp/') || f.startsWith('_sluice/')), 'no temporary file in a final directory');

    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const rows = await duck.runAndReadAll(`SELECT count(*), count(DISTINCT (_kafka_partition, _kafka_offset)) FROM read_parquet('${table}/dt=*/hr=*/*.parquet')`);
    assert.deepEqual(rows.getRows()[0].map(Number), [produced - 1, produced - 1], 'Parquet holds every good record once');
    duck.closeSync();

    const verify = await run(process.execPath, [SLUICE_BIN, 'verify', '--job', jobFile]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /verify: OK/);
    client.close();
  });
});
