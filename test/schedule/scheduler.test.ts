import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadJobDefinition, JobDefinition } from '../../src/job/job-definition';
import { LoadOptions, LoadSummary, runLoad } from '../../src/pipeline/load-job';
import { JobLockedError } from '../../src/table/table-state';
import { JobDirectoryError, JobSelectionError, loadJobCatalog } from '../../src/schedule/job-catalog';
import { Scheduler } from '../../src/schedule/scheduler';
import { useTempDir } from '../helpers/temp-dir';
import { useBrokerWithTopic } from '../helpers/broker';
import { listFiles, pageViewValues, produceValues } from '../helpers/page-views';
import { addJob, tsOf } from './jobs';

const TICK = new Date('2026-11-22T06:00:00.000Z');

function summary(runId: string, records: number): LoadSummary {
  const committed = records === 0 ? [] : [{ partition: 0, start: 0, end: records, runId, committedAt: '', records, badRecords: 0, files: [] }];
  return { runId, plan: [], committed, recovered: { rolledBack: [], rolledForward: [] }, dryRun: false };
}

/** A load that runs until the test lets it finish, recording what it was given. */
class HeldLoad {
  readonly calls: { job: string; options: LoadOptions }[] = [];
  private finishers: ((records: number) => void)[] = [];

  readonly run = (job: JobDefinition, options: LoadOptions): Promise<LoadSummary> => {
    this.calls.push({ job: job.name, options });
    return new Promise((resolve) => this.finishers.push((records) => resolve(summary(options.runId!, records))));
  };

  finishAll(records: number): void {
    for (const finish of this.finishers.splice(0)) finish(records);
  }
}

describe('job catalog', () => {
  const tmp = useTempDir();
  const jobs = () => path.join(tmp(), 'jobs');

  it('sorts jobs into scheduled and unscheduled, and reports broken files by file and key while keeping the others', () => {
    addJob(tmp(), 'hourly', { name: 'hourly', schedule: '5 * * * *', time: { field: 'ts', timezone: 'Europe/Paris' } }, '127.0.0.1:9092');
    addJob(tmp(), 'manual', { name: 'manual' }, '127.0.0.1:9092');
    addJob(tmp(), 'typo', { name: 'typo', schedule: '5 * * *  * * *' }, '127.0.0.1:9092');
    addJob(tmp(), 'zone', { name: 'zone', schedule: '5 * * * *', time: { timezone: 'Mars/Olympus' } }, '127.0.0.1:9092');
    fs.writeFileSync(path.join(jobs(), 'half.json'), '{"name": ');
    const catalog = loadJobCatalog(jobs());
    assert.deepEqual(catalog.scheduled.map((s) => [s.job.name, s.cron, s.job.time.timezone]), [['hourly', '5 * * * *', 'Europe/Paris']]);
    assert.deepEqual(catalog.unscheduled.map((j) => j.name), ['manual']);
    assert.deepEqual(catalog.broken.map((b) => path.basename(b.file)), ['half.json', 'typo.json', 'zone.json']);
    assert.match(catalog.broken[0].message, /half\.json:1:10: not valid JSON/);
    assert.match(catalog.broken[1].message, /typo\.json: schedule: "5 \* \* \*  \* \* \*" is not a cron expression/);
    assert.match(catalog.broken[2].message, /zone\.json: time\.timezone: unknown time zone "Mars\/Olympus"/);
  });

  it('selects jobs by name or file name, refuses unknown names and a second job with the same name', () => {
    addJob(tmp(), 'a', { name: 'alpha', schedule: '* * * * *' }, '127.0.0.1:9092');
    addJob(tmp(), 'b', { name: 'beta', schedule: '* * * * *' }, '127.0.0.1:9092');
    addJob(tmp(), 'c', { name: 'alpha', schedule: '* * * * *' }, '127.0.0.1:9092');
    assert.deepEqual(loadJobCatalog(jobs(), ['beta']).scheduled.map((s) => s.job.name), ['beta']);
    assert.deepEqual(loadJobCatalog(jobs(), ['a']).scheduled.map((s) => s.job.name), ['alpha']);
    const all = loadJobCatalog(jobs());
    assert.match(all.broken[0].message, /c\.json: name: "alpha" is already the name of .*a\.json/);
    fs.writeFileSync(path.join(jobs(), 'delta.json'), '[]');
    const brokenOnly = loadJobCatalog(jobs(), ['delta']);
    assert.deepEqual([brokenOnly.scheduled.length, brokenOnly.broken.map((b) => path.basename(b.file))], [0, ['delta.json']], 'a selected broken file is reported, not missing');
    assert.throws(() => loadJobCatalog(jobs(), ['gamma']), (e: Error) => e instanceof JobSelectionError && /no job named gamma in .*jobs \(jobs there: alpha, beta\)/.test(e.message));
    assert.throws(() => loadJobCatalog(path.join(tmp(), 'nowhere')), JobDirectoryError);
  });
});

describe('Scheduler (injected loads, no clock)', () => {
  const tmp = useTempDir();
  let lines: string[];
  let jobA: JobDefinition;
  let jobB: JobDefinition;

  beforeEach(() => {
    lines = [];
    jobA = loadJobDefinition(addJob(tmp(), 'a', { name: 'page_views_hourly', schedule: '5 * * * *' }, '127.0.0.1:9092'));
    jobB = loadJobDefinition(addJob(tmp(), 'b', { name: 'searches_hourly', schedule: '5 * * * *' }, '127.0.0.1:9092'));
  });

  it('skips a tick that comes while the previous run of the same job is going, but not another job\'s', async () => {
    const held = new HeldLoad();
    const scheduler = new Scheduler({ log: (line) => lines.push(line), load: held.run });
    const first = scheduler.tick(jobA, TICK);
    assert.equal(await scheduler.tick(jobA, new Date(TICK.getTime() + 3_600_000)), 'skipped');
    const other = scheduler.tick(jobB, TICK);
    assert.deepEqual(held.calls.map((c) => c.job), ['page_views_hourly', 'searches_hourly']);
    assert.ok(lines.some((l) => l.endsWith('page_views_hourly: previous run still going, tick at 2026-11-22T07:00:00.000Z skipped')), lines.join('\n'));
    held.finishAll(42);
    assert.deepEqual(await Promise.all([first, other]), ['loaded', 'loaded']);
    assert.match(lines.join('\n'), /page_views_hourly: run \S+ ended: 1 range, 42 records, 0 files in [\d.]+ s/);
    const next = scheduler.tick(jobA, TICK);
    held.finishAll(0);
    assert.equal(await next, 'nothing-new', 'the next tick runs once the previous run ended');
  });

  it('logs a held lock as a skip and a failure with the job name and message, and keeps going', async () => {
    let call = 0;
    const scheduler = new Scheduler({
      log: (line) => lines.push(line),
      load: async (job, options) => {
        call++;
        if (call === 1) throw new JobLockedError('host pid 1 run r', '2026-11-22T07:00:00.000Z');
        if (call === 2) throw new Error('connect ECONNREFUSED 127.0.0.1:1');
        return summary(options.runId!, 7);
      },
    });
    assert.equal(await scheduler.tick(jobA, TICK), 'locked');
    assert.equal(await scheduler.tick(jobA, TICK), 'failed');
    assert.equal(await scheduler.tick(jobA, TICK), 'loaded');
    const log = lines.join('\n');
    assert.match(log, /page_views_hourly: run \S+ skipped: another process is running the job \(the job is already running \(lock held by host pid 1 run r/);
    assert.match(log, /page_views_hourly: run \S+ failed after [\d.]+ s: connect ECONNREFUSED 127\.0\.0\.1:1/);
    assert.ok(lines.every((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /.test(l)), 'every line is stamped');
  });

  it('ticks each job in its own time zone', async () => {
    const tokyo = loadJobDefinition(addJob(tmp(), 't', { name: 'tokyo', schedule: '0 5 * * *', time: { field: 'ts', timezone: 'Asia/Tokyo' } }, '127.0.0.1:9092'));
    const paris = loadJobDefinition(addJob(tmp(), 'p', { name: 'paris', schedule: '0 5 * * *', time: { field: 'ts', timezone: 'Europe/Paris' } }, '127.0.0.1:9092'));
    const scheduler = new Scheduler({ log: (line) => lines.push(line), load: new HeldLoad().run });
    const started = scheduler.start([{ job: tokyo, cron: '0 5 * * *' }, { job: paris, cron: '0 5 * * *' }]);
    await scheduler.stop('test over');
    const [inTokyo, inParis] = started.map((s) => s.next!);
    const hourIn = (date: Date, timeZone: string) => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(date);
    assert.equal(hourIn(inTokyo, 'Asia/Tokyo'), '05:00');
    assert.equal(hourIn(inParis, 'Europe/Paris'), '05:00');
    assert.equal(inTokyo.getUTCHours(), 20, '05:00 in Tokyo is 20:00 UTC');
  });

  it('stop() aborts the running loads\' signal, waits for them, and takes no further tick', async () => {
    const held = new HeldLoad();
    const scheduler = new Scheduler({ log: (line) => lines.push(line), load: held.run });
    const running = scheduler.tick(jobA, TICK);
    let stopped = false;
    const stopping = scheduler.stop('SIGTERM received').then(() => (stopped = true));
    assert.equal(held.calls[0].options.signal?.aborted, true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stopped, false, 'stop waits for the running load');
    assert.equal(await scheduler.tick(jobB, TICK), 'stopping');
    held.finishAll(5);
    await stopping;
    assert.equal(await running, 'loaded');
    assert.equal(held.calls.length, 1);
    assert.match(lines.join('\n'), /SIGTERM received: no more ticks; waiting for 1 running load to stop/);
    assert.match(lines.join('\n'), /ended: 1 range, 5 records, .*\(stopped early by shutdown: committed what it had read\)/);
  });
});

describe('runLoad with a signal aborted before it plans', () => {
  const tmp = useTempDir();
  const broker = useBrokerWithTopic('page_views', 2, (client) => produceValues(client, 'page_views', 2, pageViewValues(0, 500, tsOf)));

  it('gives up with nothing written, and a later run loads everything', async () => {
    const job = loadJobDefinition(addJob(tmp(), 'page_views', { name: 'page_views_hourly', workerThreads: 0 }, broker().running.bootstrap));
    const given = await runLoad(job, { signal: AbortSignal.abort() });
    assert.deepEqual(given.committed, []);
    assert.deepEqual(listFiles(path.join(tmp(), 'warehouse')), [], 'not even a lock or run directory');
    const next = await runLoad(job, { signal: new AbortController().signal });
    assert.equal(next.committed.reduce((sum, r) => sum + r.records, 0), 500);
  });
});
