import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { KafkaClient } from '../../src/client/kafka-client';
import { RunningBroker, startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';
import { pageViewValues, produceValues } from '../helpers/page-views';
import { addJob, avroOutput, sluiceAsync, tsOf, verifiedRecords } from './jobs';
import { Exit, LoggedRun, recordsOf, ScheduleChild } from './schedule-child';
import { SlowProxy, startSlowProxy } from './slow-proxy';

const JOB = 'page_views_hourly';
/** Broker→client bytes per second on each connection: a few hundred KB of page views take seconds. */
const SLOW_LINK = 200 * 1024;

function loaded(runs: LoggedRun[]): number {
  return runs.filter((r) => r.outcome === 'ended').reduce((sum, r) => sum + recordsOf(r), 0);
}

function runDirs(table: string): string[] {
  const runs = path.join(table, '_sluice', 'runs');
  return fs.existsSync(runs) ? fs.readdirSync(runs) : [];
}

function planned(table: string): boolean {
  return runDirs(table).some((run) => fs.existsSync(path.join(table, '_sluice', 'runs', run, 'plan.json')));
}

/** Until a run has written its plan (so it is reading), or `ended()` says the process is gone. */
async function untilPlanned(table: string, ended: () => boolean): Promise<void> {
  while (!ended() && !planned(table)) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('long loads behind a slow link: no overlap, clean stops', function () {
  this.timeout(180_000);
  const tmp = useTempDir();
  let running: RunningBroker;
  let proxy: SlowProxy;
  let client: KafkaClient;
  let child: ScheduleChild | undefined;

  beforeEach(async () => {
    // The broker advertises 127.0.0.2, where the proxy listens on the broker's own port.
    running = await startBroker({ numPartitions: 4, advertisedHost: '127.0.0.2' });
    proxy = await startSlowProxy(running.port, SLOW_LINK);
    client = await KafkaClient.connect(proxy.bootstrap);
    await client.createTopic('page_views', 4);
  });
  afterEach(async () => {
    child?.kill();
    client.close();
    await proxy.close();
    await running.stop();
  });

  it('skips the ticks that come while a run is still going: runs never overlap and the lock is never contended', async () => {
    const total = 6000;
    await produceValues(client, 'page_views', 4, pageViewValues(0, total, tsOf));
    const jobFile = addJob(tmp(), 'page_views', {
      name: JOB, schedule: '*/2 * * * * *', output: avroOutput(tmp(), 'page_views'), workerThreads: 0, limits: { maxRecordsPerPartition: 750 },
    }, proxy.bootstrap);
    child = new ScheduleChild(['--jobs', path.join(tmp(), 'jobs')]);
    const sched = child;
    await sched.until(`all ${total} records loaded`, () => loaded(sched.runs()) >= total, 120_000);
    sched.signal('SIGTERM');
    assert.deepEqual(await sched.exited, { code: 0, signal: null }, sched.stderr);

    const runs = sched.runs();
    const log = sched.lines.join('\n');
    const long = runs.filter((r) => r.endedAt !== null && r.endedAt - r.startedAt > 2000);
    assert.ok(long.length >= 2, `at least two runs outlasted their 2-second interval:\n${log}`);
    const skipped = sched.lines.filter((line) => /page_views_hourly: previous run still going, tick at \S+Z skipped$/.test(line));
    assert.ok(skipped.length >= 2, `ticks during long runs were skipped:\n${log}`);
    for (const line of skipped) {
      const at = Date.parse(/tick at (\S+Z)/.exec(line)![1]);
      assert.ok(runs.some((r) => r.startedAt < at && (r.endedAt ?? Infinity) > at), `skipped tick ${line} fell inside a run`);
    }
    for (let i = 1; i < runs.length; i++) {
      assert.ok(runs[i - 1].endedAt !== null && runs[i - 1].endedAt! <= runs[i].startedAt, `run ${runs[i - 1].runId} ended before ${runs[i].runId} started:\n${log}`);
    }
    assert.ok(runs.every((r) => r.outcome === 'ended'), log);
    assert.ok(!/another process is running the job/.test(log), 'the sink lock was never contended');
    assert.equal(loaded(runs), total);
    const verified = await verifiedRecords(jobFile);
    assert.equal(verified.code, 0, verified.report);
    assert.equal(verified.records, total);
  });

  it('SIGTERM during a run: exits 0 promptly, leaves a state verify accepts, and the next load brings the rest exactly once', async () => {
    const total = 8000;
    await produceValues(client, 'page_views', 4, pageViewValues(0, total, tsOf));
    const jobFile = addJob(tmp(), 'page_views', { name: JOB, schedule: '*/2 * * * * *', output: avroOutput(tmp(), 'page_views'), workerThreads: 2 }, proxy.bootstrap);
    child = new ScheduleChild(['--jobs', path.join(tmp(), 'jobs')]);
    const sched = child;
    await sched.until('a run start', (lines) => lines.some((l) => / run \S+ started /.test(l)), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const signalledAt = Date.now();
    sched.signal('SIGTERM');
    const exit = await sched.exited;
    const stopSeconds = (Date.now() - signalledAt) / 1000;
    assert.deepEqual(exit, { code: 0, signal: null }, sched.stderr);
    assert.ok(stopSeconds < 20, `stopped ${stopSeconds} s after SIGTERM`);
    const log = sched.lines.join('\n');
    assert.match(log, /SIGTERM received: no more ticks; waiting for 1 running load to stop/);
    assert.match(log, /page_views_hourly: run \S+ ended: .* \(stopped early by shutdown: committed what it had read\)/);
    assert.match(log, /sluice schedule: stopped$/);
    assert.equal(sched.runs().length, 1, 'no tick ran after SIGTERM');

    const table = path.join(tmp(), 'warehouse', 'page_views');
    assert.deepEqual(runDirs(table), [], 'no run left half-done');
    const afterStop = await verifiedRecords(jobFile);
    assert.equal(afterStop.code, 0, afterStop.report);
    assert.ok(afterStop.records < total, `the stopped run had not loaded everything (${afterStop.records} of ${total})`);
    assert.equal(afterStop.records, loaded(sched.runs()), 'what the run reported is what is committed');

    proxy.unthrottle();
    const rest = await sluiceAsync(['load', '--job', jobFile]);
    assert.equal(rest.code, 0, rest.stderr);
    const final = await verifiedRecords(jobFile);
    assert.equal(final.code, 0, final.report);
    assert.equal(final.records, total, 'every produced record loaded exactly once');
  });

  it('a second SIGTERM while stopping ends the process at once; the next load rolls the interrupted run back', async () => {
    const total = 8000;
    await produceValues(client, 'page_views', 4, pageViewValues(0, total, tsOf));
    const jobFile = addJob(tmp(), 'page_views', { name: JOB, schedule: '*/2 * * * * *', output: avroOutput(tmp(), 'page_views'), workerThreads: 2 }, proxy.bootstrap);
    child = new ScheduleChild(['--jobs', path.join(tmp(), 'jobs')]);
    const sched = child;
    let gone = false;
    void sched.exited.then(() => (gone = true));
    await untilPlanned(path.join(tmp(), 'warehouse', 'page_views'), () => gone);
    sched.signal('SIGTERM');
    await sched.until('the first signal taken', (lines) => lines.some((l) => /SIGTERM received/.test(l)), 10_000);
    sched.signal('SIGTERM');
    assert.deepEqual(await sched.exited, { code: null, signal: 'SIGTERM' }, sched.lines.join('\n'));
    proxy.unthrottle();
    const rest = await sluiceAsync(['load', '--job', jobFile]);
    assert.equal(rest.code, 0, rest.stderr);
    assert.match(rest.stderr, /rolled back interrupted run/);
    const final = await verifiedRecords(jobFile);
    assert.equal(final.code, 0, final.report);
    assert.equal(final.records, total);
  });

  it('sluice load stops the same way on SIGTERM', async () => {
    const total = 6000;
    await produceValues(client, 'page_views', 4, pageViewValues(0, total, tsOf));
    const jobFile = addJob(tmp(), 'page_views', { name: JOB, output: avroOutput(tmp(), 'page_views'), workerThreads: 0, concurrency: 1 }, proxy.bootstrap);
    const table = path.join(tmp(), 'warehouse', 'page_views');
    const load = spawn(process.execPath, [SLUICE_BIN, 'load', '--job', jobFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    load.stdout.on('data', (c: Buffer) => (output += c.toString()));
    load.stderr.on('data', (c: Buffer) => (output += c.toString()));
    let exit: Exit | undefined;
    const exited = new Promise<Exit>((resolve) => load.on('close', (code, signal) => resolve((exit = { code, signal }))));
    // Ranges stop between fetches, and here each partition's range is one fetch: reading them one at a
    // time (concurrency 1) lets a stop leave some partitions unread.
    // The run has planned once its plan.json is in the sink.
    await untilPlanned(table, () => exit !== undefined);
    assert.equal(exit, undefined, `the load ended before it could be stopped: ${output}`);
    load.kill('SIGTERM');
    assert.deepEqual(await exited, { code: 0, signal: null }, output);
    assert.match(output, /SIGTERM: stopping; the run commits what it has read/);
    const afterStop = await verifiedRecords(jobFile);
    assert.equal(afterStop.code, 0, afterStop.report);
    assert.ok(afterStop.records < total, `stopped early (${afterStop.records} of ${total})`);
    proxy.unthrottle();
    const rest = await sluiceAsync(['load', '--job', jobFile]);
    assert.equal(rest.code, 0, rest.stderr);
    const final = await verifiedRecords(jobFile);
    assert.equal(final.records, total);
  });
});
