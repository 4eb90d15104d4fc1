import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadJobDefinition } from '../../src/job/job-definition';
import { executeRun, makePlan, runLoad } from '../../src/pipeline/load-job';
import { verifyTable } from '../../src/table/verify';
import { TableState } from '../../src/table/table-state';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { progressLine } from '../../src/cli/progress';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { run } from '../helpers/processes';
import { SLUICE_BIN } from '../helpers/cli';
import { START, listFiles, pageViewValues, produceValues, writeJob } from '../helpers/page-views';
import { openTable } from '../../src/connector-factory';

const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);

/** A local sink whose renames start failing after `okRenames`, like a process dying mid-commit. */
class FailingSink extends LocalSink {
  renames = 0;
  constructor(location: string, private readonly okRenames: number) {
    super(location);
  }
  override async rename(from: string, to: string): Promise<boolean> {
    if (!from.includes('.tmp') && ++this.renames > this.okRenames) throw new Error('injected failure: the process died here');
    return super.rename(from, to);
  }
}

describe('load, verify and backfill commands', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', 4, (c) => produceValues(c, 'page_views', 4, pageViewValues(0, 4000, (i) => START + i * 1000)));
  const running = () => fixture().running;
  const client = () => fixture().client;

  it('sluice load exits 4 with a clear message while another run holds the job, and runs once it is free', async () => {
    const job = writeJob(tmp(), {}, running().bootstrap);
    const table = new TableState(new LocalSink(path.join(tmp(), 'warehouse')), 'page_views');
    const release = await table.lock('held-by-the-test', 60_000, [0]);
    const refused = await sluice(['load', '--job', job]);
    assert.equal(refused.code, 4, 'exit 4: locked by another run, not failed');
    assert.match(refused.stderr, /sluice: the job is already running on partition 0 \(lock held by .* pid \d+ run held-by-the-test until .*\)/);
    await release();
    const ran = await sluice(['load', '--job', job]);
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /committed/);
  });

  it('--shard i/N loads only its partitions, with checkpoints per partition', async () => {
    const job = writeJob(tmp(), {}, running().bootstrap);
    assert.equal((await sluice(['load', '--job', job, '--shard', '1/2'])).code, 0);
    assert.deepEqual(fs.readdirSync(path.join(tmp(), 'warehouse/page_views/_sluice/checkpoints')).sort(), ['1', '3']);
    assert.equal((await sluice(['load', '--job', job, '--shard', '0/2'])).code, 0);
    assert.deepEqual(fs.readdirSync(path.join(tmp(), 'warehouse/page_views/_sluice/checkpoints')).sort(), ['0', '1', '2', '3']);
    const definition = loadJobDefinition(job);
    const report = await verifyTable(definition, openTable(definition.output.sink, definition.output.table));
    assert.deepEqual(report.problems, []);
    assert.equal(report.partitions.reduce((s, p) => s + p.records, 0), 4000);
  });

  it('stops reading at the duration limit, commits what it read, and the next run goes on from there', async () => {
    await produceValues(client(), 'page_views', 4, pageViewValues(4000, 100_000, (i) => START + i * 10));
    const job = loadJobDefinition(writeJob(tmp(), { limits: { maxDurationSeconds: 0.1 }, output: { formats: ['avro'], avroCodec: 'null', sink: path.join(tmp(), 'warehouse'), table: 'page_views' } }, running().bootstrap));
    // 0.1 s is over before the worker threads are up on a loaded machine: every range still reads its first fetch.
    const first = await runLoad(job);
    const planned = first.plan.filter((p) => p.end > p.start);
    assert.equal(planned.length, 4);
    for (const p of planned) {
      const read = first.committed.find((r) => r.partition === p.partition);
      assert.ok(read !== undefined && read.end > read.start, `partition ${p.partition} read something before the limit stopped it`);
    }
    assert.ok(first.committed.some((r) => r.end < planned.find((p) => p.partition === r.partition)!.end), 'the run stopped before its planned end and committed what it had read');
    let total = first.committed.reduce((s, r) => s + r.records, 0);
    assert.ok(total < 104_000);
    const rest = await runLoad({ ...job, limits: { ...job.limits, maxDurationSeconds: 3000 } });
    total += rest.committed.reduce((s, r) => s + r.records, 0);
    assert.equal(total, 104_000, 'the next run went on from where the stopped one ended');
    assert.deepEqual((await verifyTable(job, openTable(job.output.sink, job.output.table))).problems, []);
  });

  it('--dry-run prints the plan and writes nothing', async () => {
    const job = writeJob(tmp(), {}, running().bootstrap);
    const result = await sluice(['load', '--job', job, '--dry-run']);
    assert.equal(result.code, 0, result.stderr);
    const planned = [...result.stdout.matchAll(/partition (\d): offsets 0\.\.(\d+) \((\d+) records\)/g)];
    assert.equal(planned.length, 4);
    assert.equal(planned.reduce((s, m) => s + Number(m[3]), 0), 4000);
    assert.deepEqual(listFiles(path.join(tmp(), 'warehouse')), []);
  });

  it('verify names a missing file, a changed file and a gap, and exits 1', async () => {
    const jobFile = writeJob(tmp(), {}, running().bootstrap);
    assert.equal((await sluice(['load', '--job', jobFile])).code, 0);
    const ok = await sluice(['verify', '--job', jobFile]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /records per hour:\n {2}2026-11-21 00:00 {2}3600\n {2}2026-11-21 01:00 {2}400\nverify: OK/);
    const table = path.join(tmp(), 'warehouse', 'page_views');
    const files = listFiles(table);
    const avro = files.find((f) => f.endsWith('.avro'))!;
    const parquet = files.find((f) => f.endsWith('.parquet'))!;
    fs.rmSync(path.join(table, avro));
    fs.appendFileSync(path.join(table, parquet), 'x');
    const checkpoint = files.find((f) => f.startsWith('_sluice/checkpoints/2/'))!;
    const loaded = JSON.parse(fs.readFileSync(path.join(table, checkpoint), 'utf8'));
    const pad = (n: number) => String(n).padStart(20, '0');
    const hole = { ...loaded, start: loaded.end + 10, end: loaded.end + 20, records: 10, files: [] };
    fs.writeFileSync(path.join(table, `_sluice/checkpoints/2/${pad(hole.start)}-${pad(hole.end)}.json`), JSON.stringify(hole));
    const bad = await sluice(['verify', '--job', jobFile]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, new RegExp(`${avro.replace(/[+.]/g, '\\$&')} is missing`));
    assert.match(bad.stderr, /has \d+ bytes, \d+ recorded/);
    assert.match(bad.stderr, new RegExp(`partition 2 range ${hole.start}\\.\\.${hole.end}: gap, offsets ${loaded.end}\\.\\.${loaded.end + 9} were never loaded`));
    assert.match(bad.stderr, /avro files hold 0 records, the range loaded 10/);
  });

  it('backfill writes its own output, leaves the scheduled checkpoint alone, and a re-run adds nothing', async () => {
    const jobFile = writeJob(tmp(), {}, running().bootstrap);
    assert.equal((await sluice(['load', '--job', jobFile, '--partitions', '1'])).code, 0);
    const table = path.join(tmp(), 'warehouse', 'page_views');
    const scheduledBefore = listFiles(path.join(table, '_sluice'));
    const first = await sluice(['backfill', '--job', jobFile, '--from-offset', '10', '--to-offset', '110', '--partitions', '0,2']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /200 records in 2 ranges/);
    assert.equal(first.stderr, '', 'no progress bar when stderr is not a terminal');
    const backfill = path.join(table, '_backfill', 'from-offset-10-to-offset-110');
    const written = listFiles(backfill);
    assert.ok(written.some((f) => /^avro\/dt=2026-11-21\/hr=\d\d\/page_views\+0\+10\+110\+0\.avro$/.test(f)), written.join(' '));
    assert.deepEqual(listFiles(path.join(table, '_sluice')), scheduledBefore, 'the scheduled job\'s state is untouched');
    const again = await sluice(['backfill', '--job', jobFile, '--from-offset', '10', '--to-offset', '110', '--partitions', '0,2']);
    assert.match(again.stdout, /0 records in 0 ranges/);
    assert.deepEqual(listFiles(backfill), written);
    const byTime = await sluice(['backfill', '--job', jobFile, '--from-time', new Date(START + 3_000_000).toISOString()]);
    assert.equal(byTime.code, 0, byTime.stderr);
    assert.match(byTime.stdout, /1000 records in 4 ranges/, 'records from 00:50 on: 1,000 of them');
  });

  it('rolls a commit that died midway forward on the next run, and a run without a manifest back', async () => {
    const job = loadJobDefinition(writeJob(tmp(), { files: { maxRecords: 300 } }, running().bootstrap));
    const failing = new TableState(new FailingSink(path.join(tmp(), 'warehouse'), 5), 'page_views');
    await assert.rejects(executeRun(job, { table: failing, kind: 'scheduled', planner: (t, s, p) => makePlan(job, t, s, p, () => undefined) }, {}), /injected failure/);
    const runs = listFiles(path.join(tmp(), 'warehouse/page_views/_sluice/runs'));
    assert.ok(runs.some((f) => f.endsWith('/commit.json')), 'the manifest survived the failure');
    const next = await runLoad(job);
    assert.equal(next.recovered.rolledForward.length, 1);
    assert.equal(next.committed.length, 0, 'nothing new: the interrupted run covered everything');
    const report = await verifyTable(job, openTable(job.output.sink, job.output.table));
    assert.deepEqual(report.problems, []);
    assert.equal(report.partitions.reduce((s, p) => s + p.records, 0), 4000);

    fs.mkdirSync(path.join(tmp(), 'warehouse/page_views/_sluice/runs/20260101T000000Z-abcdef/tmp/dt=2026-11-21/hr=00'), { recursive: true });
    fs.writeFileSync(path.join(tmp(), 'warehouse/page_views/_sluice/runs/20260101T000000Z-abcdef/tmp/dt=2026-11-21/hr=00/half.avro'), 'partial');
    const after = await runLoad(job);
    assert.deepEqual(after.recovered.rolledBack, ['20260101T000000Z-abcdef']);
    assert.deepEqual(listFiles(path.join(tmp(), 'warehouse/page_views/_sluice/runs')), []);
  });
});

describe('progress display', () => {
  it('draws records/s and ETA on a terminal, and nothing otherwise', () => {
    const written: string[] = [];
    const tty = { isTTY: true, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const bar = progressLine(1000, tty);
    bar.add(500);
    bar.done();
    assert.match(written.join(''), /\r\[#{15} {15}\] 500\/1000 records {2}\d+\/s {2}ETA \d+s/);
    const silent: string[] = [];
    const pipe = { isTTY: false, write: (s: string) => silent.push(s) } as unknown as NodeJS.WriteStream;
    const quiet = progressLine(1000, pipe);
    quiet.add(500);
    quiet.done();
    assert.deepEqual(silent, []);
  });
});
