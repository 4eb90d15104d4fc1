import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { RunResult } from '../../src/cli/run-result';
import type { JobStatus } from '../../src/status/job-status';
import { EXIT } from '../../src/cli/exit-codes';
import { useBrokerWithTopic } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { Finished, run } from '../helpers/processes';
import { useTempDir } from '../helpers/temp-dir';
import { jobPointingNowhere } from '../helpers/unreachable-job';
import { HOUR, START, pageViewValues, produceValues } from '../helpers/page-views';

const sluice = (args: string[], input?: string) => run(process.execPath, [SLUICE_BIN, ...args], input);
const PARTITIONS = 2;
const RECORDS = 300;
const JOB_NAME = 'page_views_test';

/** The one JSON document a `--json` command printed: stdout holds it and nothing else. */
function onlyJson<T>(result: Finished): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch (error) {
    assert.fail(`stdout is not one JSON document (${(error as Error).message}):\n${result.stdout}\nstderr: ${result.stderr}`);
  }
}

interface VerifyJson {
  job: string;
  ok: boolean;
  problems: string[];
  partitions: { partition: number; records: number }[];
  hours: Record<string, number>;
}

describe('every job command: --job NAME (in --jobs) or PATH, --bootstrap-server over the job, --json results', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', PARTITIONS, (client) =>
    produceValues(client, 'page_views', PARTITIONS, pageViewValues(0, RECORDS, (i) => START + Math.floor((i * 3 * HOUR) / RECORDS))));
  const bootstrap = () => fixture().running.bootstrap;


  it('every job command takes --job NAME (found in --jobs) and --job PATH, and --bootstrap-server overrides the job', async () => {
    const { file, dir } = await jobPointingNowhere(tmp());
    const byName = ['--jobs', dir, '--job', JOB_NAME];
    const byPath = ['--job', file];
    const server = ['--bootstrap-server', bootstrap()];

    const unreachable = await sluice(['load', ...byPath, '--json']);
    assert.equal(unreachable.code, EXIT.FAILED, 'the job\'s own bootstrap is refused');
    assert.equal(onlyJson<RunResult>(unreachable).status, 'failed');
    assert.match(unreachable.stderr, /ECONNREFUSED/);

    const loaded = await sluice(['load', ...byName, ...server, '--json']);
    assert.equal(loaded.code, EXIT.OK, loaded.stderr);
    const result = onlyJson<RunResult>(loaded);
    assert.equal(result.status, 'committed');
    assert.equal(result.job, JOB_NAME);
    assert.equal(result.records, RECORDS);
    assert.equal(result.ranges.reduce((sum, r) => sum + r.records, 0), RECORDS);
    assert.deepEqual(result.hours, ['2026-11-21T00', '2026-11-21T01', '2026-11-21T02']);
    assert.ok(result.files >= PARTITIONS * 3, `Avro files for 3 hours of ${PARTITIONS} partitions: ${result.files}`);
    const again = await sluice(['load', ...byPath, ...server, '--json']);
    assert.equal(again.code, EXIT.OK, again.stderr);
    assert.equal(onlyJson<RunResult>(again).status, 'nothing-to-do');

    const readerRuns = [byName, byPath].flatMap((job) => [
      sluice(['verify', ...job, '--json']),
      sluice(['status', ...job, ...server, '--json']),
      sluice(['hive-ddl', ...job]),
      sluice(['query', ...job, '--cache-dir', path.join(tmp(), 'cache'), '--format', 'json', 'SELECT count(*) AS n FROM page_views']),
    ]);
    const backfillRuns = [byName, byPath].map((job, i) =>
      sluice(['backfill', ...job, ...server, '--from-offset', '0', '--output', path.join(tmp(), `backfill-${i}`), '--json']));
    // One after the other: two runs of one job at once would meet at its lock.
    const scheduleRuns = (async () => [await sluice(['schedule', ...byName, ...server, '--once']), await sluice(['schedule', ...byPath, ...server, '--once'])])();
    const unknownRun = sluice(['verify', '--jobs', dir, '--job', 'nope', '--json']);
    const missingFileRun = sluice(['hive-ddl', '--job', path.join(dir, 'gone.json')]);
    const unknownJsonRun = sluice(['load', '--jobs', dir, '--job', 'nope', '--json']);
    const badServerRun = sluice(['load', ...byName, '--bootstrap-server', 'host:99999']);

    const readers = await Promise.all(readerRuns);
    for (const [i, r] of readers.entries()) assert.equal(r.code, EXIT.OK, `reader ${i}: ${r.stderr}`);
    const [verifyName, statusName, ddlName, queryName, verifyPath, statusPath, ddlPath, queryPath] = readers;
    for (const verify of [verifyName, verifyPath]) {
      const report = onlyJson<VerifyJson>(verify);
      assert.equal(report.ok, true, report.problems.join('\n'));
      assert.equal(report.job, JOB_NAME);
      assert.equal(report.partitions.reduce((sum, p) => sum + p.records, 0), RECORDS);
      assert.equal(Object.values(report.hours).reduce((a, b) => a + b, 0), RECORDS);
    }
    for (const status of [statusName, statusPath]) {
      const { ok, jobs } = onlyJson<{ ok: boolean; jobs: JobStatus[] }>(status);
      assert.equal(ok, true);
      assert.deepEqual(jobs.map((j) => [j.job, j.broker.bootstrap, j.broker.reachable]), [[JOB_NAME, bootstrap(), true]]);
      assert.deepEqual(jobs[0].partitions.map((p) => p.lagRecords), [0, 0]);
    }
    assert.match(ddlName.stdout, /CREATE EXTERNAL TABLE/);
    assert.equal(ddlPath.stdout, ddlName.stdout);
    for (const query of [queryName, queryPath]) assert.deepEqual(JSON.parse(query.stdout), { n: RECORDS });

    for (const backfill of await Promise.all(backfillRuns)) {
      assert.equal(backfill.code, EXIT.OK, backfill.stderr);
      const done = onlyJson<RunResult & { output: string }>(backfill);
      assert.equal(done.kind, 'backfill');
      assert.equal(done.records, RECORDS);
      assert.match(done.output, /backfill-\d/);
    }
    for (const s of await scheduleRuns) {
      assert.equal(s.code, EXIT.OK, s.stderr);
      assert.match(s.stdout, new RegExp(`${JOB_NAME}: run \\S+ ended: 0 ranges, 0 records, 0 files`));
    }

    const unknown = await unknownRun;
    assert.equal(unknown.code, EXIT.FAILED);
    assert.equal(onlyJson<VerifyJson>(unknown).ok, false, 'verify --json prints its document even when the job cannot be read');
    assert.match(unknown.stderr, new RegExp(`--job nope: no such job file, and no job named "nope" in .*jobs \\(jobs there: ${JOB_NAME}\\)`));
    const missingFile = await missingFileRun;
    assert.equal(missingFile.code, EXIT.FAILED);
    assert.match(missingFile.stderr, /--job .*gone\.json: no such file/);
    const unknownJson = await unknownJsonRun;
    assert.equal(unknownJson.code, EXIT.FAILED);
    const failed = onlyJson<RunResult>(unknownJson);
    assert.deepEqual([failed.job, failed.status, failed.table], ['nope', 'failed', null]);
    assert.match(failed.error!, /no job named "nope"/);
    const badServer = await badServerRun;
    assert.equal(badServer.code, EXIT.FAILED);
    assert.match(badServer.stderr, /--bootstrap-server: "host:99999" is not host:port/);
  });
  it('the commands added since (reload, dead-letters, compact, ack-gap) take --job NAME and --job PATH too, with --json parsed', async () => {
    const { file, dir } = await jobPointingNowhere(tmp());
    const server = ['--bootstrap-server', bootstrap()];
    const loaded = await sluice(['load', '--job', file, ...server]);
    assert.equal(loaded.code, EXIT.OK, loaded.stderr);
    for (const job of [['--jobs', dir, '--job', JOB_NAME], ['--job', file]]) {
      const reload = await sluice(['reload', ...job, ...server, '--hours', '2026-11-21T01', '--json']);
      assert.equal(reload.code, EXIT.OK, reload.stderr);
      const reloaded = onlyJson<{ status: string; hours: unknown; records: number }>(reload);
      assert.equal(reloaded.status, 'reloaded');
      assert.ok(reloaded.records > 0 && reloaded.records < RECORDS, `hour 01 holds some of the records: ${reloaded.records}`);
      const letters = await sluice(['dead-letters', ...job, '--json']);
      assert.equal(letters.code, EXIT.OK, letters.stderr);
      assert.ok(Array.isArray(onlyJson<{ files: unknown[] }>(letters).files));
      const compact = await sluice(['compact', ...job, '--json']);
      assert.equal(compact.code, EXIT.OK, compact.stderr);
      assert.equal(typeof onlyJson<Record<string, unknown>>(compact), 'object');
      const ack = await sluice(['ack-gap', ...job, '--partition', '0', '--offsets', '0..9', '--json']);
      assert.equal(ack.code, EXIT.FAILED, 'no gap at those offsets');
      assert.match(ack.stderr, /partition 0 has no gap/);
    }
    const verified = await sluice(['verify', '--jobs', dir, '--job', JOB_NAME]);
    assert.equal(verified.code, EXIT.OK, verified.stderr + verified.stdout);
  });
});
