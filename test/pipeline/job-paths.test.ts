import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { run } from '../helpers/processes';
import { SLUICE_BIN } from '../helpers/cli';
import { REPO, START, listFiles, pageViewValues, produceValues } from '../helpers/page-views';

/** The real command in `cwd`, killed after 30 s: a command that hangs fails the test instead of the suite. */
const sluiceIn = (cwd: string, args: string[]) => run(process.execPath, [SLUICE_BIN, ...args], undefined, { cwd, timeout: 30_000, killSignal: 'SIGKILL' });

describe('paths in job files, and the sink each run names first', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', 4, (c) => produceValues(c, 'page_views', 4, pageViewValues(0, 400, (i) => START + i * 1000)));
  const project = () => path.join(tmp(), 'project');
  const warehouse = () => path.join(project(), 'warehouse');
  const elsewhere = () => path.join(tmp(), 'elsewhere');

  /** project/jobs/pv.json with relative paths only, as the example jobs are written. */
  function writeRelativeJob(extra: Record<string, unknown> = {}): string {
    fs.mkdirSync(path.join(project(), 'jobs'), { recursive: true });
    fs.mkdirSync(path.join(project(), 'schemas'), { recursive: true });
    fs.mkdirSync(elsewhere(), { recursive: true });
    fs.copyFileSync(path.join(REPO, 'schemas/page_view.avsc'), path.join(project(), 'schemas/page_view.avsc'));
    const job = {
      name: 'pv_relative',
      schedule: '5 * * * *',
      source: { bootstrap: fixture().running.bootstrap, topic: 'page_views' },
      value: { format: 'json', schema: '../schemas/page_view.avsc' },
      output: { formats: ['avro'], sink: '../warehouse', table: 'page_views' },
      time: { field: 'ts' },
      workerThreads: 0,
      ...extra,
    };
    const file = path.join(project(), 'jobs', 'pv.json');
    fs.writeFileSync(file, JSON.stringify(job));
    return file;
  }

  it('load, run from another directory, writes where the job file says and names that sink in its first line', async () => {
    const job = writeRelativeJob();
    const loaded = await sluiceIn(elsewhere(), ['load', '--job', path.relative(elsewhere(), job)]);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.equal(loaded.stdout.split('\n')[0], `pv_relative: page_views → table page_views in local directory ${warehouse()}`);
    assert.ok(listFiles(path.join(warehouse(), 'page_views')).some((f) => /^dt=2026-11-21\/hr=00\/.+\.avro$/.test(f)), listFiles(warehouse()).join(' '));
    assert.deepEqual(fs.readdirSync(elsewhere()), [], 'nothing written where the command ran');
    const verified = await sluiceIn(project(), ['verify', '--job', 'jobs/pv.json', '--json']);
    assert.equal(verified.code, 0, verified.stderr);
    assert.equal(Object.values(JSON.parse(verified.stdout).hours as Record<string, number>).reduce((a, b) => a + b, 0), 400);
  });

  it('backfill and schedule name the resolved sink in the first line of each run', async () => {
    const job = writeRelativeJob();
    const backfill = await sluiceIn(elsewhere(), ['backfill', '--job', job, '--from-offset', '0']);
    assert.equal(backfill.code, 0, backfill.stderr);
    assert.equal(backfill.stdout.split('\n')[0], `pv_relative: backfill of page_views → page_views/_backfill/from-offset-0-to-latest in local directory ${warehouse()}`);
    const relocated = await sluiceIn(elsewhere(), ['backfill', '--job', job, '--from-offset', '0', '--output', 'bf']);
    assert.equal(relocated.code, 0, relocated.stderr);
    assert.equal(relocated.stdout.split('\n')[0], `pv_relative: backfill of page_views → page_views_backfill_from-offset-0-to-latest in local directory ${path.join(elsewhere(), 'bf')}`,
      'a relative --output is a command-line path: it starts from the current directory');
    const scheduled = await sluiceIn(elsewhere(), ['schedule', '--jobs', path.dirname(job), '--once']);
    assert.equal(scheduled.code, 0, scheduled.stdout + scheduled.stderr);
    const first = scheduled.stdout.split('\n').find((line) => line.includes('pv_relative: run'));
    assert.match(first ?? '', new RegExp(`^\\S+Z pv_relative: run \\S+ started \\(tick at \\S+Z\\) → table page_views in local directory ${warehouse().replace(/[/.+-]/g, '\\$&')}$`), scheduled.stdout);
    assert.match(scheduled.stdout, /pv_relative: run \S+ ended: 4 ranges, 400 records/);
  });

  it('an output that is not a usable directory fails at once with a clear message, and --output "" is refused', async () => {
    const job = writeRelativeJob();
    const aFile = path.join(tmp(), 'a-file');
    fs.writeFileSync(aFile, 'x');
    const cases: [string, RegExp][] = [
      ['/proc/self', /^sluice: mkdirs page_views_backfill_[^:]+: ENOENT: no such file or directory, mkdir '\/proc\/self\/page_views_backfill_\S+' \(is the sink \/proc\/self a usable directory\?\)$/m],
      [aFile, new RegExp(`^sluice: open ${aFile}: not a usable directory: ${aFile} is not a directory$`, 'm')],
      [path.join(aFile, 'below'), /^sluice: open \S+below: not a usable directory: \S+a-file is not a directory$/m],
      ['', /--output is empty: give a directory or URL, or leave --output out/],
      ['  ', /--output is empty/],
    ];
    for (const [output, message] of cases) {
      const started = Date.now();
      const result = await sluiceIn(elsewhere(), ['backfill', '--job', job, '--from-offset', '0', '--output', output]);
      // An empty --output is a usage error (exit 2); the others fail when the sink is opened (exit 1).
      assert.deepEqual([result.code, result.signal], [output.trim() === '' ? 2 : 1, null], `--output ${JSON.stringify(output)}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, message);
      assert.ok(Date.now() - started < 15_000, `--output ${JSON.stringify(output)} took ${Date.now() - started} ms`);
    }
    const sinkIsAFile = writeRelativeJob({ output: { formats: ['avro'], sink: aFile, table: 'page_views' } });
    const load = await sluiceIn(elsewhere(), ['load', '--job', sinkIsAFile]);
    assert.equal(load.code, 1);
    assert.match(load.stderr, new RegExp(`^sluice: open ${aFile}: not a usable directory`, 'm'));
    assert.equal(fs.readFileSync(aFile, 'utf8'), 'x');
  });
});
