import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { partitionForKey } from '../../src/client/murmur2';
import type { JobStatus } from '../../src/status/job-status';
import { useBrokerWithTopic } from '../helpers/broker';
import { freePort } from '../helpers/broker-process';
import { useTempDir } from '../helpers/temp-dir';
import { run } from '../helpers/processes';
import { SLUICE_BIN } from '../helpers/cli';
import { HOUR, START, pageViewValues, produceValues, writeJob } from '../helpers/page-views';

const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);
const PARTITIONS = 3;

async function statusJson(args: string[]): Promise<{ code: number | null; jobs: JobStatus[] }> {
  const result = await sluice(['status', ...args, '--json']);
  return { code: result.code, jobs: (JSON.parse(result.stdout) as { jobs: JobStatus[] }).jobs };
}

/** Partition rows of the text output: partition → [committed, high watermark, lag records, lag time, dead letters]. */
function textRows(stdout: string): Map<number, string[]> {
  const rows = new Map<number, string[]>();
  for (const match of stdout.matchAll(/^ {2}(\d+) +(\d+|-) +(\d+|-) +(\d+|-) +(.+?) +(\d+)$/gm)) rows.set(Number(match[1]), match.slice(2));
  return rows;
}

describe('sluice status', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', PARTITIONS);
  const client = () => fixture().client;

  it('shows runs, committed offsets against high watermarks, lag in records and time, complete hours and dead letters', async () => {
    const values = pageViewValues(0, 600, (i) => START + Math.floor(i / 300) * HOUR + (i % 300) * 1000); // hours 00 and 01
    const garbageAt = [7, 150, 333];
    for (const i of garbageAt) values[i] = { ...values[i], value: Buffer.from(`garbage ${i}`) };
    const garbage = garbageAt.map((i) => values[i]);
    await produceValues(client(), 'page_views', PARTITIONS, values);
    const jobs = path.join(tmp(), 'jobs');
    writeJob(tmp(), { output: { formats: ['avro'], sink: path.join(tmp(), 'warehouse'), table: 'page_views' } }, fixture().running.bootstrap);
    const load = await sluice(['load', '--job', path.join(jobs, 'page_views.json')]);
    assert.equal(load.code, 0, load.stderr);

    const caughtUp = await statusJson(['--jobs', jobs]);
    assert.equal(caughtUp.code, 0);
    const [job] = caughtUp.jobs;
    assert.deepEqual(job.runs.map((r) => [r.status, r.records, r.badRecords]), [['committed', 597, 3]]);
    const deadPerPartition = new Map<number, number>();
    for (const g of garbage) {
      const p = partitionForKey(Buffer.from(g.key), PARTITIONS);
      deadPerPartition.set(p, (deadPerPartition.get(p) ?? 0) + 1);
    }
    for (const p of job.partitions) {
      assert.equal(p.committedOffset, p.highWatermark);
      assert.equal(p.lagRecords, 0);
      assert.equal(p.lagMs, 0, 'no time lag when caught up');
      assert.equal(p.deadLetters, deadPerPartition.get(p.partition) ?? 0);
    }
    assert.equal(job.partitions.reduce((s, p) => s + p.highWatermark!, 0), 600);
    assert.equal(job.deadLetters, 3);
    assert.deepEqual(job.completeHours, ['2026-11-21T00', '2026-11-21T01']);
    assert.equal(job.newestIncompleteHour, null);

    const more = pageViewValues(1000, 40, () => Date.now() - HOUR);
    await produceValues(client(), 'page_views', PARTITIONS, more);
    const added = new Map<number, number>();
    for (const v of more) {
      const p = partitionForKey(Buffer.from(v.key), PARTITIONS);
      added.set(p, (added.get(p) ?? 0) + 1);
    }
    const behind = await statusJson(['--jobs', jobs, '--job', 'page_views_test']);
    const text = await sluice(['status', '--jobs', jobs]);
    assert.equal(text.code, 0, text.stderr);
    const rows = textRows(text.stdout);
    for (const p of behind.jobs[0].partitions) {
      const before = job.partitions.find((q) => q.partition === p.partition)!;
      assert.equal(p.committedOffset, before.committedOffset);
      assert.equal(p.lagRecords, added.get(p.partition) ?? 0);
      assert.equal(p.highWatermark, before.highWatermark! + (added.get(p.partition) ?? 0));
      if (p.lagRecords! > 0) assert.ok(p.lagMs! >= HOUR, `partition ${p.partition} waits since the first record not loaded, an hour ago: ${p.lagMs} ms`);
      else assert.equal(p.lagMs, 0);
      const row = rows.get(p.partition)!;
      assert.deepEqual([row[0], row[1], row[2], row[4]], [String(p.committedOffset), String(p.highWatermark), String(p.lagRecords), String(p.deadLetters)], 'text and JSON agree');
      if (p.lagRecords! > 0) assert.match(row[3], /^1 h 0\d min$/);
    }
    assert.match(text.stdout, /runs, newest last:\n {4}\S+ +committed +597 records +3 bad/);
    assert.match(text.stdout, /complete hours \(_SUCCESS\): 2026-11-21T00\.\.2026-11-21T01 \(2 hours\)/);
    assert.match(text.stdout, /dead letters: 3 records/);

    const now = Date.now();
    await produceValues(client(), 'page_views', PARTITIONS, pageViewValues(2000, 1, () => now));
    assert.equal((await sluice(['load', '--job', path.join(jobs, 'page_views.json')])).code, 0);
    const [loaded] = (await statusJson(['--jobs', jobs])).jobs;
    assert.equal(loaded.newestIncompleteHour, new Date(now).toISOString().slice(0, 13), 'the hour still under way');
    assert.deepEqual(loaded.partitions.map((p) => [p.lagRecords, p.lagMs]), loaded.partitions.map(() => [0, 0]));
    assert.deepEqual(loaded.runs.map((r) => [r.status, r.records]), [['committed', 597], ['committed', 41]]);
  });

  it('says when a job\'s broker cannot be reached, still shows the rest, and exits 1', async () => {
    await produceValues(client(), 'page_views', PARTITIONS, pageViewValues(0, 60, (i) => START + i * 1000));
    const jobFile = writeJob(tmp(), { workerThreads: 0 }, fixture().running.bootstrap);
    assert.equal((await sluice(['load', '--job', jobFile])).code, 0);
    const offline = JSON.parse(fs.readFileSync(jobFile, 'utf8'));
    offline.name = 'offline_copy';
    offline.source.bootstrap = `127.0.0.1:${await freePort()}`;
    fs.writeFileSync(path.join(tmp(), 'jobs', 'offline.json'), JSON.stringify(offline));

    const text = await sluice(['status', '--jobs', path.join(tmp(), 'jobs')]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /offline_copy: .*\n {2}broker 127\.0\.0\.1:\d+ unreachable: .*ECONNREFUSED/);
    assert.match(text.stdout, /page_views_test: .*\n {2}runs, newest last:/, 'the reachable job is shown in full');
    const json = await statusJson(['--jobs', path.join(tmp(), 'jobs')]);
    assert.equal(json.code, 1);
    const [copy, reachable] = [json.jobs.find((j) => j.job === 'offline_copy')!, json.jobs.find((j) => j.job === 'page_views_test')!];
    assert.equal(copy.broker.reachable, false);
    assert.deepEqual(copy.partitions.map((p) => [p.committedOffset, p.highWatermark]), reachable.partitions.map((p) => [p.committedOffset, null]), 'offsets from the checkpoints, no high watermark');
    assert.equal(copy.runs.length, 1, 'the shared table\'s history is still read');
    assert.equal(reachable.broker.reachable, true);

    const unknown = await sluice(['status', '--jobs', path.join(tmp(), 'jobs'), '--job', 'nope']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /--job nope: no such job file, and no job named "nope" in .*jobs \(jobs there: offline_copy, page_views_test\)/);
  });
});
