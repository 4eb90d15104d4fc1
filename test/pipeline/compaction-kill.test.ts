import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { JobLockedError } from '../../src/table/lock';
import { runQuery } from '../../src/analyst/query-engine';
import { tablesOfJob } from '../../src/analyst/table-catalog';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { sluice } from '../helpers/cli';
import { run } from '../helpers/processes';
import { byMode } from '../helpers/long-mode';
import { swapEntries, SwapKillAt, SwapKillResult, swapKillChild, SwapPhase } from '../helpers/swap-kill';
import { HOUR, listFiles, pageViewValues, produceValues, REPO, writeJob } from '../helpers/page-views';

const KILLS = byMode(4, 20);
/** Kills that must land after the swap's record is written (moves and deletions under way). */
const SWAP_KILLS = byMode(1, 5);
const PARTITIONS = 3;
const BASE = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;
const RECORDS = byMode(900, 1_500);
const tsOf = (i: number) => BASE + (i % 3) * HOUR + (i % 1000) * 3_000;

/**
 * `sluice compact` as a child, killed with SIGKILL: after `killAt` ms; or a random 0-40 ms after its working
 * directory appears ('writing'); or 0-4 ms after its record appears ('swap').
 */
function compactChild(job: string, table: string, killAt: SwapKillAt): Promise<SwapKillResult> {
  return swapKillChild(['compact', '--job', job, '--wait', '20'], table, killAt, 4);
}

describe('sluice compact under kill -9, with loads running at the same time', function () {
  this.timeout(600_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', PARTITIONS);

  it(`keeps every row once through ${KILLS} kills of the compaction child while late data is loaded into its hours`, async () => {
    const client = fixture().client;
    await produceValues(client, 'page_views', PARTITIONS, pageViewValues(0, RECORDS, tsOf));
    let produced = RECORDS;
    const jobFile = writeJob(tmp(), { workerThreads: 0, files: { maxRecords: 10 } }, fixture().running.bootstrap);
    const job = loadJobDefinition(jobFile);
    const table = path.join(tmp(), 'warehouse', 'page_views');
    await runLoad(job);
    const catalog = tablesOfJob(job);

    // Late records into the (complete) hours, loaded as they come: each compaction finds new small files.
    let loading = true;
    let loads = 0;
    let locked = 0;
    const loader = (async () => {
      for (let i = RECORDS; loading; i += 30) {
        await produceValues(client, 'page_views', PARTITIONS, pageViewValues(i, 30, tsOf));
        produced += 30;
        try {
          await runLoad(job);
          loads++;
        } catch (error) {
          if (!(error instanceof JobLockedError)) throw error;
          locked++;
        }
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();

    const outcomes: string[] = [];
    const phases: SwapPhase[] = [];
    const kills = () => outcomes.filter((o) => o === 'SIGKILL').length;
    const tally = (phase: SwapPhase) => phases.filter((p) => p === phase).length;
    const triggers = ['swap', 'writing', 'swap', 'timer'] as const;
    let seenRows = 0;
    try {
      for (let attempt = 0; (kills() < KILLS || tally('swapping') < SWAP_KILLS) && attempt < 80; attempt++) {
        const trigger = triggers[attempt % triggers.length];
        const result = await compactChild(jobFile, table, trigger === 'timer' ? 300 + Math.floor(Math.random() * 1500) : trigger);
        outcomes.push(result.signal ?? `exit ${result.code}`);
        if (result.signal === 'SIGKILL') phases.push(result.phase);
        if (result.code !== null && result.code !== 0) assert.fail(`compact failed by itself: ${result.stderr}`);
        // What sluice's readers see with the compaction dead wherever it was, while the next load may finish it.
        const counted = await runQuery(catalog, 'SELECT count(*), count(DISTINCT (_kafka_partition, _kafka_offset)) FROM page_views');
        const [rows, distinct] = counted.rows[0].map(Number);
        assert.equal(rows, distinct, `query sees no row twice after ${outcomes.length} compactions (${phases.join(', ')})`);
        assert.ok(rows >= seenRows, `query misses no row: ${rows} rows, ${seenRows} before`);
        seenRows = rows;
      }
    } finally {
      loading = false;
      await loader;
    }
    for (let i = 0; i < 20; i++) if ((await runLoad(job)).committed.length === 0) break;
    const final = sluice(['compact', '--job', jobFile, '--json']);
    assert.equal(final.status, 0, final.stderr);
    assert.ok(kills() >= KILLS, `${KILLS} kills landed: ${outcomes.join(', ')}`);
    assert.ok(tally('swapping') >= SWAP_KILLS, `kills landed while swapping: ${phases.join(', ')}`);
    console.log(`      kills: ${tally('writing')} while writing the new files, ${tally('swapping')} while swapping them in, ${tally('between')} elsewhere; ${outcomes.length} compactions, ${loads} loads beside them (${locked} found the lock held), ${produced} records`);

    const verify = sluice(['verify', '--job', jobFile]);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    const dataFiles = listFiles(table).filter((f) => /^(avro|parquet)\/dt=/.test(f) && /\.(avro|parquet)$/.test(f));
    const perDir = new Map<string, number>();
    for (const f of dataFiles) perDir.set(path.dirname(f), (perDir.get(path.dirname(f)) ?? 0) + 1);
    for (const [dir, count] of perDir) assert.ok(count <= 2, `${dir} holds ${count} files after the last compaction`);
    assert.deepEqual(listFiles(table).filter((f) => !f.startsWith('_sluice/') && (f.includes('/tmp/') || path.basename(f).startsWith('.'))), [], 'no temporary file among the data');
    assert.deepEqual(swapEntries(table).filter((e) => !e.endsWith('.json')), [], 'no swap left unfinished');

    const ends: number[] = [];
    for (let p = 0; p < PARTITIONS; p++) ends.push((await client.offsetFor('page_views', p, -1)).offset);
    assert.equal(ends.reduce((a, b) => a + b, 0), produced);
    const expectEveryOffsetOnce = (rows: number[][], format: string) => {
      const seen = new Map<string, number>();
      for (const [p, o] of rows) seen.set(`${p}/${o}`, (seen.get(`${p}/${o}`) ?? 0) + 1);
      for (let p = 0; p < PARTITIONS; p++) for (let o = 0; o < ends[p]; o++) assert.equal(seen.get(`${p}/${o}`), 1, `${format}: partition ${p} offset ${o} appears exactly once`);
      assert.equal(seen.size, produced, `${format}: nothing else`);
    };
    const avro = await run('/usr/bin/python3', [path.join(REPO, 'test/helpers/read-avro-offsets.py'), ...dataFiles.filter((f) => f.endsWith('.avro')).map((f) => path.join(table, f))]);
    assert.equal(avro.code, 0, avro.stderr);
    expectEveryOffsetOnce(avro.stdout.trim().split('\n').flatMap((line) => (JSON.parse(line) as { rows: number[][] }).rows), 'avro (python3-avro)');
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const parquet = await duck.runAndReadAll(`SELECT _kafka_partition, _kafka_offset FROM read_parquet('${table}/parquet/dt=*/hr=*/*.parquet')`);
    duck.closeSync();
    expectEveryOffsetOnce(parquet.getRows().map((r) => r.map(Number)), 'parquet (DuckDB)');
  });
});
