import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KafkaClient } from '../../src/client/kafka-client';
import type { RunHistoryEntry } from '../../src/table/run-history';
import { RunningBroker, startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { byMode } from '../helpers/long-mode';
import { HOUR, START, listFiles, pageViewValues, produceValues, REPO, writeJob } from '../helpers/page-views';
import { run } from '../helpers/processes';
import { useTempDir } from '../helpers/temp-dir';

/** Rounds of two shards started together, each killed at a random moment or left to finish. */
const ROUNDS = byMode(4, 10);
const PARTITIONS = 4;
const RECORDS = byMode(12_000, 40_000);
const PER_HOUR = 2_000;
const RUN_RECORDS_PER_PARTITION = byMode(1_200, 2_000);
const CHECKPOINT = /^\d{20}-\d{20}\.json$/;
const STAGING = /\.[0-9a-f]{8}\.(tmp|uploading)$/;

/** Event times grow with the record number: each partition's offsets walk through the hours in order. */
const tsOf = (i: number) => START + Math.floor(i / PER_HOUR) * HOUR + Math.floor(((i % PER_HOUR) * HOUR) / PER_HOUR);

interface Outcome {
  shard: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function loadShard(job: string, shard: number, killAfterMs: number | null): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SLUICE_BIN, 'load', '--job', job, '--shard', `${shard}/2`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = killAfterMs === null ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ shard, code, signal, stdout, stderr });
    });
  });
}

/** Per partition, the largest event time its committed checkpoints record, and when each was committed. */
function committedCheckpoints(table: string): { partition: number; maxEventTime: number; committedAt: string }[] {
  const found = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const dir = path.join(table, '_sluice/checkpoints', String(p));
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => CHECKPOINT.test(n)) : []) {
      const checkpoint = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as { maxEventTime: number | null; committedAt: string };
      found.push({ partition: p, maxEventTime: checkpoint.maxEventTime ?? -Infinity, committedAt: checkpoint.committedAt });
    }
  }
  return found;
}

/** The partitions whose committed event times have not reached `until` among `checkpoints`. */
function behind(checkpoints: ReturnType<typeof committedCheckpoints>, until: number): number[] {
  const reached = new Set(checkpoints.filter((c) => c.maxEventTime >= until).map((c) => c.partition));
  return Array.from({ length: PARTITIONS }, (_, p) => p).filter((p) => !reached.has(p));
}

/** `dt=…/hr=…/_SUCCESS` files of the table (read while loads move directories about: a vanished one is skipped). */
function markers(table: string): string[] {
  const entries = (dir: string) => {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  };
  const found = [];
  for (const day of entries(table).filter((d) => d.startsWith('dt='))) {
    for (const hour of entries(path.join(table, day)).filter((h) => h.startsWith('hr='))) {
      if (fs.existsSync(path.join(table, day, hour, '_SUCCESS'))) found.push(`${day}/${hour}/_SUCCESS`);
    }
  }
  return found.sort();
}

const hourEnd = (markerFile: string) => {
  const [, dt, hr] = /dt=(\d{4}-\d{2}-\d{2})\/hr=(\d{2})\//.exec(markerFile)!;
  return Date.parse(`${dt}T${hr}:00:00Z`) + HOUR;
};

describe('shards of one job at once (two sluice load --shard i/2 as child processes, SIGKILLs, producers appending)', function () {
  this.timeout(300_000);
  const tmp = useTempDir();
  let running: RunningBroker;

  before(async () => {
    running = await startBroker({ numPartitions: PARTITIONS });
  });
  after(async () => running.stop());

  it(`both shards commit through ${ROUNDS} rounds of kills, the union is exactly once, and _SUCCESS waits for both`, async () => {
    const client = await KafkaClient.connect(running.bootstrap);
    await client.createTopic('page_views', PARTITIONS);
    await produceValues(client, 'page_views', PARTITIONS, pageViewValues(0, RECORDS, tsOf));
    let produced = RECORDS;
    const job = writeJob(tmp(), {
      workerThreads: 0, output: { formats: ['avro'], sink: path.join(tmp(), 'warehouse'), table: 'page_views' },
      files: { maxRecords: 500 }, limits: { maxRecordsPerPartition: RUN_RECORDS_PER_PARTITION },
      completeness: { delaySeconds: 0, idlePartitions: 'hold' },
    }, running.bootstrap);
    const table = path.join(tmp(), 'warehouse/page_views');

    // Every marker, the moment it is first seen, against the checkpoints committed by then: all four partitions
    // (both shards) must have passed its hour.
    const seen = new Set<string>();
    const violations: string[] = [];
    const watch = setInterval(() => {
      try {
        for (const marker of markers(table).filter((m) => !seen.has(m))) {
          seen.add(marker);
          const late = behind(committedCheckpoints(table), hourEnd(marker));
          if (late.length > 0) violations.push(`${marker} appeared while partitions ${late.join(', ')} were behind its hour`);
        }
      } catch (error) {
        violations.push(`the watch failed: ${(error as Error).message}`);
      }
    }, 20);

    try {
      let appending = true;
      const appender = (async () => {
        for (let i = RECORDS; appending; i += 200) {
          await produceValues(client, 'page_views', PARTITIONS, pageViewValues(i, 200, tsOf));
          produced += 200;
          await new Promise((r) => setTimeout(r, 250));
        }
      })();

      const outcomes: Outcome[] = [];
      try {
        for (let round = 0; round < ROUNDS; round++) {
          // Each shard is killed (two times in three) at its own random moment, or runs to the end.
          const killAt = () => (Math.random() < 2 / 3 ? 100 + Math.floor(Math.random() * 1500) : null);
          outcomes.push(...(await Promise.all([loadShard(job, 0, killAt()), loadShard(job, 1, killAt())])));
        }
      } finally {
        appending = false;
        await appender;
      }
      // Data for both shards, so the first unkilled pass below commits on both at the same time.
      await produceValues(client, 'page_views', PARTITIONS, pageViewValues(produced, 200, tsOf));
      produced += 200;
      const refused = outcomes.filter((o) => o.signal === null && o.code !== 0);
      assert.deepEqual(refused.map((o) => `shard ${o.shard}: ${o.stderr}`), [], 'no shard failed or was refused because of the other');
      const strays = listFiles(path.join(table, '_sluice')).filter((f) => /^(checkpoints|index)\//.test(f) && STAGING.test(f));
      // What a kill in the middle of a checkpoint write leaves (kills rarely land there): the next runs remove it.
      const planted = ['checkpoints/1/00000000000000000000-00000000000000000001.json.0badcafe.tmp', 'checkpoints/2/00000000000000000000-00000000000000000001.json.0badcafe.tmp'];
      for (const f of planted) {
        fs.mkdirSync(path.dirname(path.join(table, '_sluice', f)), { recursive: true });
        fs.writeFileSync(path.join(table, '_sluice', f), '{"partition"');
      }

      // Both shards at once, unkilled, until both find nothing left (two shards committing at the same moment each
      // read the other's partitions from before its commit: the hours they complete together are marked by the next run).
      for (let pass = 0; pass < 20; pass++) {
        const finals = await Promise.all([loadShard(job, 0, null), loadShard(job, 1, null)]);
        for (const f of finals) assert.equal(f.code, 0, `shard ${f.shard}: ${f.stderr}`);
        if (finals.every((f) => /nothing new to load/.test(f.stdout))) break;
      }
      const kills = outcomes.filter((o) => o.signal === 'SIGKILL').length;

      // Exactly once, read back by python3-avro.
      const avroFiles = listFiles(table).filter((f) => f.endsWith('.avro')).map((f) => path.join(table, f));
      const read = await run('/usr/bin/python3', [path.join(REPO, 'test/helpers/read-avro-offsets.py'), ...avroFiles]);
      assert.equal(read.code, 0, read.stderr);
      const count = new Map<string, number>();
      for (const line of read.stdout.trim().split('\n')) {
        for (const [p, o] of (JSON.parse(line) as { rows: number[][] }).rows) count.set(`${p}/${o}`, (count.get(`${p}/${o}`) ?? 0) + 1);
      }
      let expected = 0;
      for (let p = 0; p < PARTITIONS; p++) {
        const end = (await client.offsetFor('page_views', p, -1)).offset;
        expected += end;
        for (let o = 0; o < end; o++) assert.equal(count.get(`${p}/${o}`), 1, `partition ${p} offset ${o} appears exactly once`);
      }
      assert.equal(expected, produced);
      assert.equal(count.size, produced);
      const verify = await run(process.execPath, [SLUICE_BIN, 'verify', '--job', job]);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /verify: OK/);

      // Both shards committed, and did so at the same time at least once.
      const history = fs.readdirSync(path.join(table, '_sluice/history')).sort();
      assert.deepEqual(history.map((f) => f.replace(/\d{4}-\d{2}/, 'M')), ['runs-M.jsonl', 'runs-M.p1.jsonl'], 'one history file per shard');
      const lines = history.flatMap((f) => fs.readFileSync(path.join(table, '_sluice/history', f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RunHistoryEntry));
      const shardOf = (e: RunHistoryEntry) => (e.ranges.length === 0 ? null : e.ranges[0].partition % 2);
      const committedBy = [0, 1].map((s) => lines.filter((e) => e.status === 'committed' && !e.reconstructed && shardOf(e) === s));
      assert.ok(committedBy[0].length > 0 && committedBy[1].length > 0, `both shards committed (${committedBy[0].length} and ${committedBy[1].length} runs)`);
      for (const e of lines) assert.ok(e.ranges.every((r) => r.partition % 2 === shardOf(e)), `run ${e.runId} stayed within its shard`);
      const overlapping = committedBy[0].filter((a) => committedBy[1].some((b) => a.start < b.end && b.start < a.end)).length;
      assert.ok(overlapping > 0, 'the shards committed while both were running');

      // Markers: none before both shards passed its hour (watched live, and checked against commit times), and at
      // the end every hour both have passed is marked.
      assert.deepEqual(violations, []);
      const all = committedCheckpoints(table);
      for (const marker of markers(table)) {
        const body = JSON.parse(fs.readFileSync(path.join(table, marker), 'utf8')) as { markedAt: string };
        const late = behind(all.filter((c) => c.committedAt <= body.markedAt), hourEnd(marker));
        assert.deepEqual(late, [], `${marker}: partitions behind its hour when it was written`);
      }
      const low = Math.min(...Array.from({ length: PARTITIONS }, (_, p) => Math.max(...all.filter((c) => c.partition === p).map((c) => c.maxEventTime))));
      const complete = Math.floor((low - START) / HOUR); // hours START .. START + complete - 1 have ended
      assert.deepEqual(markers(table).map(hourEnd).sort((a, b) => a - b), Array.from({ length: complete }, (_, h) => START + (h + 1) * HOUR));
      assert.ok(seen.size > 0);

      const left = listFiles(path.join(table, '_sluice')).filter((f) => STAGING.test(f) || f.startsWith('runs/') || f.startsWith('locks/'));
      assert.deepEqual(left, [], 'no staging file, run directory or lock is left once the shards ran cleanly');
      console.log(`      ${outcomes.length} shard runs, ${kills} killed, ${overlapping} commits overlapping the other shard's, ${strays.length} staging files left by kills (and ${planted.length} planted) removed, ${markers(table).length} hours marked, ${produced} records`);
    } finally {
      clearInterval(watch);
      client.close();
    }
  });
});
