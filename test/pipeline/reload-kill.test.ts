import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { runCompaction } from '../../src/pipeline/compact-job';
import { runQuery } from '../../src/analyst/query-engine';
import { tablesOfJob } from '../../src/analyst/table-catalog';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { SLUICE_BIN, sluice } from '../helpers/cli';
import { run } from '../helpers/processes';
import { byMode } from '../helpers/long-mode';
import { swapEntries, SwapKillAt, SwapKillResult, swapKillChild, SwapPhase } from '../helpers/swap-kill';
import { HOUR, listFiles, pageViewValues, produceValues, REPO, writeJob } from '../helpers/page-views';

const KILLS = byMode(4, 20);
/** Kills that must land after the reload's swap record is written (files moved aside and in). */
const SWAP_KILLS = byMode(2, 6);
const PARTITIONS = 2;
const RECORDS = 600;
const BASE = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;
/** Two hours of event time, 300 records each. */
const tsOf = (i: number) => BASE + (i % 2) * HOUR + (i % 300) * 10_000;
const hourKey = (ms: number) => new Date(ms).toISOString().slice(0, 13);
const HOURS = `${hourKey(BASE)}..${hourKey(BASE + HOUR)}`;

/** `sluice reload` as a child, killed with SIGKILL after `killAt` ms, or 0-40 ms after its swap directory appears, or 0-3 ms after its record does. */
function reloadChild(job: string, table: string, killAt: SwapKillAt): Promise<SwapKillResult> {
  return swapKillChild(['reload', '--job', job, '--hours', HOURS], table, killAt, 3);
}

const dataFilesOf = (table: string) => listFiles(table).filter((f) => /^(avro|parquet)\/dt=/.test(f) && /\.(avro|parquet)$/.test(f)).sort();

/** Every (partition, offset) of the topic exactly once in the table's files, read by python3-avro and by DuckDB. */
async function expectEveryOffsetOnce(table: string, total: number): Promise<void> {
  const check = (rows: number[][], format: string) => {
    const seen = new Map<string, number>();
    for (const [p, o] of rows) seen.set(`${p}/${o}`, (seen.get(`${p}/${o}`) ?? 0) + 1);
    assert.deepEqual([...seen.values()].filter((n) => n !== 1), [], `${format}: no offset twice`);
    assert.equal(seen.size, total, `${format}: every offset`);
  };
  const files = dataFilesOf(table);
  const avro = await run('/usr/bin/python3', [path.join(REPO, 'test/helpers/read-avro-offsets.py'), ...files.filter((f) => f.endsWith('.avro')).map((f) => path.join(table, f))]);
  assert.equal(avro.code, 0, avro.stderr);
  check(avro.stdout.trim().split('\n').flatMap((line) => (JSON.parse(line) as { rows: number[][] }).rows), 'avro (python3-avro)');
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const parquet = await duck.runAndReadAll(`SELECT _kafka_partition, _kafka_offset FROM read_parquet('${table}/parquet/dt=*/hr=*/*.parquet')`);
  duck.closeSync();
  check(parquet.getRows().map((r) => r.map(Number)), 'parquet (DuckDB)');
}

describe('sluice reload of compacted hours, and under kill -9', function () {
  this.timeout(300_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', PARTITIONS);

  async function compactedTable() {
    await produceValues(fixture().client, 'page_views', PARTITIONS, pageViewValues(0, RECORDS, tsOf));
    const jobFile = writeJob(tmp(), { workerThreads: 0, files: { maxRecords: 20 } }, fixture().running.bootstrap);
    const job = loadJobDefinition(jobFile);
    await runLoad(job);
    const table = path.join(tmp(), 'warehouse', 'page_views');
    const loaded = dataFilesOf(table);
    const compacted = await runCompaction(job);
    assert.equal(compacted.groups.length, 4, 'both hours of both formats compacted');
    return { jobFile, job, table, loaded };
  }

  const counts = async (job: ReturnType<typeof loadJobDefinition>) => {
    const result = await runQuery(tablesOfJob(job), 'SELECT (SELECT count(*) FROM page_views), (SELECT count(DISTINCT (_kafka_partition, _kafka_offset)) FROM page_views), (SELECT count(*) FROM page_views_avro), (SELECT count(DISTINCT (_kafka_partition, _kafka_offset)) FROM page_views_avro)');
    return result.rows[0].map(Number);
  };

  it('writes a compacted hour\'s loaded files again in place of the compaction\'s outputs: each row once, verify passes, compact compacts it again', async () => {
    const { jobFile, job, table, loaded } = await compactedTable();
    const compactedFiles = dataFilesOf(table);
    const one = await run(process.execPath, [SLUICE_BIN, 'reload', '--job', jobFile, '--hours', HOURS, '--partitions', '0']);
    assert.equal(one.code, 1, one.stderr);
    assert.match(one.stderr, /\+compacted\+.* \(written by .*\) also holds records of partition 1: reload those partitions with it \(leave out --partitions\)\. Nothing was changed/);
    assert.deepEqual(dataFilesOf(table), compactedFiles);
    assert.deepEqual(swapEntries(table).filter((e) => !e.endsWith('.json')), [], 'nothing staged is left');
    const reload = await run(process.execPath, [SLUICE_BIN, 'reload', '--job', jobFile, '--hours', HOURS, '--json']);
    assert.equal(reload.code, 0, reload.stderr);
    assert.equal(JSON.parse(reload.stdout).records, RECORDS);
    assert.deepEqual(dataFilesOf(table), loaded, 'the hours hold the loaded files again, and no compaction output');
    assert.deepEqual(await counts(job), [RECORDS, RECORDS, RECORDS, RECORDS]);
    await expectEveryOffsetOnce(table, RECORDS);
    const verify = sluice(['verify', '--job', jobFile]);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    const again = await runCompaction(job);
    assert.equal(again.groups.length, 4, 'the reloaded small files are compacted again');
    assert.equal(sluice(['verify', '--job', jobFile]).status, 0);
    assert.deepEqual(await counts(job), [RECORDS, RECORDS, RECORDS, RECORDS]);
    await expectEveryOffsetOnce(table, RECORDS);
  });

  it(`keeps every row once through ${KILLS} kills of sluice reload, compacted hours or not; the next reload finishes or rolls back, verify passes`, async () => {
    const { jobFile, job, table } = await compactedTable();
    const outcomes: string[] = [];
    const phases: SwapPhase[] = [];
    const kills = () => outcomes.filter((o) => o === 'SIGKILL').length;
    const tally = (phase: SwapPhase) => phases.filter((p) => p === phase).length;
    const triggers = ['swap', 'writing', 'swap', 'timer'] as const;
    for (let attempt = 0; (kills() < KILLS || tally('swapping') < SWAP_KILLS) && attempt < 40; attempt++) {
      const trigger = triggers[attempt % triggers.length];
      const result = await reloadChild(jobFile, table, trigger === 'timer' ? 200 + Math.floor(Math.random() * 1200) : trigger);
      outcomes.push(result.signal ?? `exit ${result.code}`);
      if (result.signal === 'SIGKILL') phases.push(result.phase);
      if (result.code !== null && result.code !== 0) assert.fail(`reload failed by itself: ${result.stderr}`);
      // What sluice's readers see with the reload dead wherever it was: every row once.
      assert.deepEqual(await counts(job), [RECORDS, RECORDS, RECORDS, RECORDS], `after ${outcomes.length} reloads (${phases.join(', ')})`);
      // Now and then the hours are compacted again (which finishes a killed reload's swap first).
      if (attempt % 3 === 2) await runCompaction(job);
    }
    assert.ok(kills() >= KILLS, `${KILLS} kills landed: ${outcomes.join(', ')}`);
    assert.ok(tally('swapping') >= SWAP_KILLS, `kills landed while swapping: ${phases.join(', ')}`);
    console.log(`      kills: ${tally('writing')} while writing the files, ${tally('swapping')} while swapping them in, ${tally('between')} elsewhere; ${outcomes.length} reloads`);
    const last = await run(process.execPath, [SLUICE_BIN, 'reload', '--job', jobFile, '--hours', HOURS]);
    assert.equal(last.code, 0, last.stderr);
    const verify = sluice(['verify', '--job', jobFile]);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.deepEqual(swapEntries(table).filter((e) => !e.endsWith('.json')), [], 'no swap left unfinished');
    assert.deepEqual(await counts(job), [RECORDS, RECORDS, RECORDS, RECORDS]);
    await expectEveryOffsetOnce(table, RECORDS);
  });
});
