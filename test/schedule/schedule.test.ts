import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useBrokerWithTopic } from '../helpers/broker';
import { freePort } from '../helpers/broker-process';
import { useTempDir } from '../helpers/temp-dir';
import { pageViewValues, produceValues } from '../helpers/page-views';
import { addJob, avroOutput, sluiceAsync, tsOf, verifiedRecords } from './jobs';
import { LoggedRun, recordsOf, ScheduleChild } from './schedule-child';

const EVERY_2_S = '*/2 * * * * *';

function loadedBy(runs: LoggedRun[], job: string): number {
  return runs.filter((r) => r.job === job && r.outcome === 'ended').reduce((sum, r) => sum + recordsOf(r), 0);
}

describe('sluice schedule (child process, real broker)', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  const broker = useBrokerWithTopic('page_views', 4);
  let child: ScheduleChild | undefined;
  afterEach(() => child?.kill());

  it('starts every run within 1.5 s after its 2-second tick and loads what is produced between ticks', async () => {
    const { running, client } = broker();
    await produceValues(client, 'page_views', 4, pageViewValues(0, 2000, tsOf));
    const jobFile = addJob(tmp(), 'page_views', { name: 'page_views_hourly', schedule: EVERY_2_S, output: avroOutput(tmp(), 'page_views'), workerThreads: 0 }, running.bootstrap);
    child = new ScheduleChild(['--jobs', path.join(tmp(), 'jobs')]);
    const sched = child;
    await sched.until('the first 2000 records loaded', () => loadedBy(sched.runs(), 'page_views_hourly') >= 2000, 30_000);
    await produceValues(client, 'page_views', 4, pageViewValues(2000, 1500, tsOf));
    await sched.until('the next 1500 loaded', () => loadedBy(sched.runs(), 'page_views_hourly') >= 3500, 30_000);
    const runsSoFar = sched.runs().length;
    await sched.until('two more ticks', () => sched.runs().filter((r) => r.outcome !== null).length >= runsSoFar + 2, 30_000);
    sched.signal('SIGTERM');
    assert.deepEqual(await sched.exited, { code: 0, signal: null }, sched.stderr);

    const runs = sched.runs();
    assert.ok(runs.length >= 4, `runs: ${runs.length}`);
    for (const run of runs) {
      assert.equal(run.tickAt % 2000, 0, `tick ${new Date(run.tickAt).toISOString()} is on a 2-second boundary`);
      const late = run.startedAt - run.tickAt;
      assert.ok(late >= 0 && late < 1500, `run ${run.runId} started ${late} ms after its tick`);
      assert.equal(run.outcome, 'ended', run.endLine ?? `run ${run.runId} has no end line`);
    }
    const ticks = runs.map((r) => r.tickAt);
    assert.deepEqual([...ticks].sort((a, b) => a - b), ticks, 'ticks in order');
    assert.equal(new Set(ticks).size, ticks.length, 'one run per tick');
    assert.equal(loadedBy(runs, 'page_views_hourly'), 3500, 'every record loaded once, in the runs after it was produced');
    assert.ok(runs.some((r) => recordsOf(r) === 0), 'ticks with nothing new still ran');
    const verified = await verifiedRecords(jobFile);
    assert.equal(verified.code, 0, verified.report);
    assert.equal(verified.records, 3500);
  });

  it('absorbs the ticks missed while it was down into the first run after it comes back, without replaying them', async () => {
    const { running, client } = broker();
    await produceValues(client, 'page_views', 4, pageViewValues(0, 1000, tsOf));
    const jobFile = addJob(tmp(), 'page_views', { name: 'page_views_hourly', schedule: EVERY_2_S, output: avroOutput(tmp(), 'page_views'), workerThreads: 0 }, running.bootstrap);
    const first = new ScheduleChild(['--jobs', path.join(tmp(), 'jobs')]);
    child = first;
    await first.until('the first 1000 loaded', () => loadedBy(first.runs(), 'page_views_hourly') >= 1000, 30_000);
    first.signal('SIGTERM');
    assert.deepEqual(await first.exited, { code: 0, signal: null }, first.stderr);
    const secondTickWhileDown = (Math.floor(Date.now() / 2000) + 2) * 2000;

    await produceValues(client, 'page_views', 4, pageViewValues(1000, 1500, tsOf));
    // At least two ticks pass with no scheduler.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, secondTickWhileDown - Date.now()) + 200));
    const restartedAt = Date.now();
    const second = new ScheduleChild(['--jobs', path.join(tmp(), 'jobs')]);
    child = second;
    await second.until('a run after the restart ended', () => second.runs().some((r) => r.outcome === 'ended'), 30_000);
    second.signal('SIGTERM');
    assert.deepEqual(await second.exited, { code: 0, signal: null }, second.stderr);
    const [firstAfter] = second.runs();
    assert.ok(firstAfter.tickAt >= restartedAt - 100, 'no tick from the downtime was replayed');
    assert.equal(recordsOf(firstAfter), 1500, 'the first run after the restart loaded everything produced while down');
    const verified = await verifiedRecords(jobFile);
    assert.equal(verified.code, 0, verified.report);
    assert.equal(verified.records, 2500);
  });

  it('keeps loading one job while another fails on every tick, and reports a broken job file by file and key', async () => {
    const { running, client } = broker();
    const deadPort = await freePort();
    const goodFile = addJob(tmp(), 'page_views', { name: 'page_views_hourly', schedule: EVERY_2_S, output: avroOutput(tmp(), 'page_views'), workerThreads: 0 }, running.bootstrap);
    addJob(tmp(), 'wrong_broker', { name: 'wrong_broker', schedule: EVERY_2_S, output: avroOutput(tmp(), 'wrong') }, `127.0.0.1:${deadPort}`);
    addJob(tmp(), 'manual', { name: 'manual_only', output: avroOutput(tmp(), 'manual') }, running.bootstrap);
    const broken = addJob(tmp(), 'broken', { name: 'broken_job', schedule: EVERY_2_S, files: { maxRecords: 'many' } }, running.bootstrap);
    const badCron = addJob(tmp(), 'bad_cron', { name: 'bad_cron', schedule: '61 * * * *' }, running.bootstrap);
    await produceValues(client, 'page_views', 4, pageViewValues(0, 1000, tsOf));
    child = new ScheduleChild(['--jobs', path.join(tmp(), 'jobs')]);
    const sched = child;
    const failures = () => sched.runs().filter((r) => r.job === 'wrong_broker' && r.outcome === 'failed');
    await sched.until('1000 loaded and 2 failures', () => loadedBy(sched.runs(), 'page_views_hourly') >= 1000 && failures().length >= 2, 30_000);
    await produceValues(client, 'page_views', 4, pageViewValues(1000, 1000, tsOf));
    const failedBefore = failures().length;
    await sched.until('the next 1000 loaded', () => loadedBy(sched.runs(), 'page_views_hourly') >= 2000 && failures().length >= failedBefore + 2, 30_000);
    sched.signal('SIGINT');
    assert.deepEqual(await sched.exited, { code: 0, signal: null }, sched.stderr);

    const runs = sched.runs();
    const wrong = runs.filter((r) => r.job === 'wrong_broker');
    assert.ok(wrong.length >= 4);
    for (const run of wrong) assert.match(run.endLine ?? '', /wrong_broker: run \S+ failed after [\d.]+ s: .*ECONNREFUSED/);
    const ticks = wrong.map((r) => r.tickAt);
    for (let i = 1; i < ticks.length; i++) assert.equal(ticks[i] - ticks[i - 1], 2000, 'the failing job ran on every tick');
    assert.ok(runs.filter((r) => r.job === 'page_views_hourly').every((r) => r.outcome === 'ended'));
    assert.equal(loadedBy(runs, 'page_views_hourly'), 2000);
    assert.ok(sched.lines.includes(`manual_only: unscheduled (no "schedule" in ${path.join(tmp(), 'jobs', 'manual.json')})`), sched.lines.join('\n'));
    assert.ok(sched.stderr.includes(`not scheduled: ${broken}: files.maxRecords: must be a whole number`), sched.stderr);
    assert.ok(sched.stderr.includes(`not scheduled: ${badCron}: schedule: "61 * * * *" is not a cron expression (minute:`), sched.stderr);
    assert.ok(!runs.some((r) => r.job === 'broken_job' || r.job === 'bad_cron'));
    assert.ok(!fs.existsSync(path.join(tmp(), 'warehouse', 'wrong')), 'the failing job wrote nothing');
    const verified = await verifiedRecords(goodFile);
    assert.equal(verified.code, 0, verified.report);
    assert.equal(verified.records, 2000);
  });

  it('--once runs the selected jobs now and exits: 0 when they loaded, 1 when one failed', async () => {
    const { running, client } = broker();
    await produceValues(client, 'page_views', 4, pageViewValues(0, 700, tsOf));
    const jobFile = addJob(tmp(), 'page_views', { name: 'page_views_hourly', schedule: '5 * * * *', output: avroOutput(tmp(), 'page_views'), workerThreads: 0 }, running.bootstrap);
    addJob(tmp(), 'wrong_broker', { name: 'wrong_broker', schedule: '5 * * * *', output: avroOutput(tmp(), 'wrong') }, `127.0.0.1:${await freePort()}`);
    const jobs = path.join(tmp(), 'jobs');
    const selected = await sluiceAsync(['schedule', '--jobs', jobs, '--once', '--job', 'page_views_hourly']);
    assert.equal(selected.code, 0, selected.stdout + selected.stderr);
    assert.match(selected.stdout, /page_views_hourly: run \S+ ended: 4 ranges, 700 records/);
    assert.doesNotMatch(selected.stdout, /wrong_broker/);
    const all = await sluiceAsync(['schedule', '--jobs', jobs, '--once']);
    assert.equal(all.code, 1, all.stdout + all.stderr);
    assert.match(all.stdout, /page_views_hourly: run \S+ ended: 0 ranges, 0 records/);
    assert.match(all.stdout, /wrong_broker: run \S+ failed after/);
    assert.equal((await verifiedRecords(jobFile)).records, 700);
    const unknown = await sluiceAsync(['schedule', '--jobs', jobs, '--once', '--job', 'nope']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /--job nope: no such job file, and no job named "nope" in .*jobs \(jobs there: page_views_hourly, wrong_broker\)/);
  });
});
