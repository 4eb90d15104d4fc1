import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { KafkaClient } from '../../src/client/kafka-client';
import { RunningBroker, startBroker } from './broker';
import { useTempDir } from './temp-dir';
import { run } from './processes';
import { SLUICE_BIN } from './cli';
import { byMode } from './long-mode';
import { HOUR, START, listFiles, pageViewValues, produceValues, REPO, writeJob } from './page-views';

const KILLS = byMode(5, 24);
/** Kills that must land while a run reads, and while it commits; the rest land wherever their timer falls. */
const PHASE_KILLS = byMode(2, 5);
/** Records in the topic before the first run; producers append more while the loads run and are killed. */
const RECORDS = byMode(20_000, 200_000);
/** A run's cap per partition: what a run reads before it commits (4 partitions). */
const RUN_RECORDS_PER_PARTITION = byMode(5_000, 15_000);
/** Pause between the producers' appends of 400 records during the kill loop. */
const APPEND_PAUSE_MS = byMode(500, 150);

/** What a killed run left behind: a run directory with a manifest means it died while committing. */
function killPhase(table: string): 'reading' | 'committing' | 'between' {
  const runs = path.join(table, '_sluice', 'runs');
  const left = fs.existsSync(runs) ? fs.readdirSync(runs) : [];
  if (left.length === 0) return 'between';
  return left.some((run) => fs.existsSync(path.join(runs, run, 'commit.json'))) ? 'committing' : 'reading';
}

function runDirs(table: string): string[] {
  const runs = path.join(table, '_sluice', 'runs');
  return fs.existsSync(runs) ? fs.readdirSync(runs) : [];
}

/** True once a run this child started (not one it is rolling forward) has written `file` (its plan or its manifest). */
function runWrote(table: string, before: Set<string>, file: 'plan.json' | 'commit.json'): boolean {
  return runDirs(table).some((run) => !before.has(run) && fs.existsSync(path.join(table, '_sluice', 'runs', run, file)));
}

/**
 * Runs `sluice load` and kills it with SIGKILL either after `killAt` ms; with 'reading',
 * a random 0-100 ms after its plan appears (while it reads and writes temporary files);
 * or, with 'commit', a random 0-8 ms after its commit manifest appears (among the renames
 * and checkpoint writes).
 */
function runLoadChild(job: string, table: string, killAt: number | 'reading' | 'commit'): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SLUICE_BIN, 'load', '--job', job], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const kill = () => child.kill('SIGKILL');
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    if (killAt === 'reading' || killAt === 'commit') {
      const before = new Set(runDirs(table));
      const [file, within] = killAt === 'commit' ? ['commit.json', 8] as const : ['plan.json', 100] as const;
      poll = setInterval(() => {
        if (!runWrote(table, before, file)) return;
        clearInterval(poll);
        timer = setTimeout(kill, Math.floor(Math.random() * within));
      }, 1);
    } else {
      timer = setTimeout(kill, killAt);
    }
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ code, signal, stderr });
    });
  });
}

/** Where the killed loads write, and where that lands on this machine's disk. */
export interface KillTestSink {
  name: string;
  open(dir: string): Promise<{ sink: string; warehouseOnDisk: string; close(): Promise<void> }>;
}

export const LOCAL_DIRECTORY: KillTestSink = {
  name: 'a local directory',
  open: async (dir) => ({ sink: path.join(dir, 'warehouse'), warehouseOnDisk: path.join(dir, 'warehouse'), close: async () => undefined }),
};

export function describeKillTest(target: KillTestSink): void {
  describe(`exactly-once under kill -9 (sluice load as a child process, into ${target.name})`, function () {
    this.timeout(600_000);
    const tmp = useTempDir();
    let running: RunningBroker;
    let opened: Awaited<ReturnType<KillTestSink['open']>>;

    before(async () => {
      running = await startBroker({ numPartitions: 4 });
    });
    after(async () => running.stop());
    beforeEach(async () => {
      opened = await target.open(tmp());
    });
    afterEach(async () => opened.close());

    it(`loads every offset exactly once through ${KILLS} kills while producers keep appending`, async () => {
      const client = await KafkaClient.connect(running.bootstrap);
      await client.createTopic('page_views', 4);
      const tsOf = (i: number) => START + Math.floor(i / 25_000) * HOUR + (i % 25_000) * 100;
      let produced = 0;
      const values = pageViewValues(0, RECORDS, tsOf);
      values.splice(777, 0, { key: 'user-7', value: Buffer.from('garbage that is not JSON'), timestamp: START });
      await produceValues(client, 'page_views', 4, values);
      produced = values.length;
      const jobFile = writeJob(tmp(), { files: { maxRecords: 4000 }, limits: { maxRecordsPerPartition: RUN_RECORDS_PER_PARTITION }, badRecords: { maxPercent: 1 } }, running.bootstrap);
      const job = JSON.parse(fs.readFileSync(jobFile, 'utf8')) as { output: { sink: string } };
      job.output.sink = opened.sink;
      fs.writeFileSync(jobFile, JSON.stringify(job, null, 2));

      let appending = true;
      const appender = (async () => {
        for (let i = RECORDS; appending; i += 400) {
          await produceValues(client, 'page_views', 4, pageViewValues(i, 400, (n) => tsOf(n) + 3 * HOUR));
          produced += 400;
          await new Promise((r) => setTimeout(r, APPEND_PAUSE_MS));
        }
      })();
      const outcomes: string[] = [];
      const phases: string[] = [];
      const kills = () => outcomes.filter((o) => o === 'SIGKILL').length;
      const tally = (name: string) => phases.filter((p) => p === name).length;
      const triggers = ['timer', 'commit', 'reading', 'commit'] as const;
      for (let attempt = 0; (kills() < KILLS || tally('committing') < PHASE_KILLS || tally('reading') < PHASE_KILLS) && attempt < 150; attempt++) {
        const table = path.join(opened.warehouseOnDisk, 'page_views');
        const trigger = triggers[attempt % triggers.length];
        const result = await runLoadChild(jobFile, table, trigger === 'timer' ? 50 + Math.floor(Math.random() * 900) : trigger);
        outcomes.push(result.signal ?? `exit ${result.code}`);
        if (result.signal === 'SIGKILL') phases.push(killPhase(table));
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
      assert.ok(tally('committing') >= PHASE_KILLS, `kills landed during commits: ${phases.join(', ')}`);
      assert.ok(tally('reading') >= PHASE_KILLS, `kills landed while reading: ${phases.join(', ')}`);
      console.log(`      kills: ${tally('reading')} while reading or writing temporary files, ${tally('committing')} during the commit (manifest written, renames or checkpoints under way), ${tally('between')} between runs; ${outcomes.length} runs, ${produced} records`);

      const table = path.join(opened.warehouseOnDisk, 'page_views');
      const files = listFiles(table);
      const avroFiles = files.filter((f) => f.endsWith('.avro')).map((f) => path.join(table, f));
      const read = await run('/usr/bin/python3', [path.join(REPO, 'test/helpers/read-avro-offsets.py'), ...avroFiles]);
      assert.equal(read.code, 0, read.stderr);
      const seen = new Map<string, number>();
      for (const line of read.stdout.trim().split('\n')) {
        for (const [p, o] of (JSON.parse(line) as { rows: number[][] }).rows) seen.set(`${p}/${o}`, (seen.get(`${p}/${o}`) ?? 0) + 1);
      }
      for (const f of files.filter((f) => f.startsWith('_dead_letter/') && !f.startsWith('_dead_letter/_failed/'))) {
        for (const line of fs.readFileSync(path.join(table, f), 'utf8').trim().split('\n')) {
          // A record's line names its offset; an undecodable batch's line the offsets it covers.
          const entry = JSON.parse(line) as { partition: number; offset: number; lastOffset?: number };
          for (let o = entry.offset; o <= (entry.lastOffset ?? entry.offset); o++) seen.set(`${entry.partition}/${o}`, (seen.get(`${entry.partition}/${o}`) ?? 0) + 1);
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
      const outsideState = files.filter((f) => !f.startsWith('_sluice/'));
      assert.deepEqual(outsideState.filter((f) => f.includes('/tmp/') || path.basename(f).startsWith('.')), [], 'no temporary or partial file in a final directory');

      const duck = await (await DuckDBInstance.create(':memory:')).connect();
      const rows = await duck.runAndReadAll(`SELECT count(*), count(DISTINCT (_kafka_partition, _kafka_offset)) FROM read_parquet('${table}/parquet/dt=*/hr=*/*.parquet')`);
      assert.deepEqual(rows.getRows()[0].map(Number), [produced - 1, produced - 1], 'Parquet holds every good record once');
      duck.closeSync();

      const verify = await run(process.execPath, [SLUICE_BIN, 'verify', '--job', jobFile]);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /verify: OK/);
      client.close();
    });
  });
}
