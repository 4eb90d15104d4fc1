import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { useTempDir } from '../helpers/temp-dir';
import { run } from '../helpers/processes';
import { SLUICE_BIN } from '../helpers/cli';
import { useBrokerWithTopic } from '../helpers/broker';
import { HOUR, START, listFiles, pageViewValues, produceValues, writeJob } from '../helpers/page-views';
import { describeKillTest, KillTestSink } from '../helpers/kill-test';
import { byMode } from '../helpers/long-mode';
import { startWebHdfsEmulator, WebHdfsEmulator } from '../../src/dev/webhdfs/emulator';

const RECORDS = byMode(3_000, 20_000);

function sinkUrl(emulator: WebHdfsEmulator): string {
  return `webhdfs://${emulator.nameNodeUrls.map((u) => new URL(u).host).join(',')}/warehouse?user.name=etl`;
}

describeKillTest({
  name: 'HDFS through the WebHDFS emulator',
  open: async (dir) => {
    const emulator = await startWebHdfsEmulator({ root: path.join(dir, 'hdfs') });
    return { sink: sinkUrl(emulator), warehouseOnDisk: path.join(dir, 'hdfs', 'warehouse'), close: () => emulator.close() };
  },
} satisfies KillTestSink);

/** Every file the table's checkpoints name, with its committed size, read from the emulator's disk. */
function committedFiles(table: string): Map<string, number> {
  const committed = new Map<string, number>();
  for (const file of listFiles(path.join(table, '_sluice', 'checkpoints'))) {
    const checkpoint = JSON.parse(fs.readFileSync(path.join(table, '_sluice', 'checkpoints', file), 'utf8')) as { files: { path: string; bytes: number }[] };
    for (const f of checkpoint.files) committed.set(f.path, f.bytes);
  }
  return committed;
}

/** Every file outside _sluice/ (but the _SUCCESS markers) is one a checkpoint lists, and every listed file is there: nothing partial, nothing temporary. */
function assertOnlyCommittedFiles(table: string): void {
  const present = listFiles(table).filter((f) => !f.startsWith('_sluice/') && path.basename(f) !== '_SUCCESS');
  assert.deepEqual(present, [...committedFiles(table).keys()].sort(), 'final directories hold exactly the committed files');
}

/**
 * Watches a table's final directories on the emulator's disk while loads run: every file that ever shows up there
 * must be a committed file at its committed size (or a _SUCCESS marker), never a partial or temporary one.
 */
function watchFinalDirectories(table: string): { stop(): void; check(): void } {
  const seen = new Map<string, Set<number>>();
  const timer = setInterval(() => {
    for (const file of listFiles(table)) {
      if (file.startsWith('_sluice/')) continue;
      try {
        const size = fs.statSync(path.join(table, file)).size;
        seen.set(file, (seen.get(file) ?? new Set()).add(size));
      } catch {
        // renamed or deleted between the listing and the stat
      }
    }
  }, 3);
  return {
    stop: () => clearInterval(timer),
    check: () => {
      const committed = committedFiles(table);
      assert.ok(seen.size > 0, 'the watcher saw the final directories');
      for (const [file, sizes] of seen) {
        if (path.basename(file) === '_SUCCESS') continue;
        assert.deepEqual([...sizes], [committed.get(file)], `${file} was only ever visible whole (seen at ${[...sizes].join(', ')} bytes)`);
      }
    },
  };
}

describe('loading into HDFS through WebHDFS while it fails', function () {
  this.timeout(300_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', 4);
  let emulator: WebHdfsEmulator;

  afterEach(async () => emulator?.close());

  async function prepare(nameNodes: 1 | 2): Promise<{ jobFile: string; table: string }> {
    emulator = await startWebHdfsEmulator({ root: path.join(tmp(), 'hdfs'), nameNodes });
    const tsOf = (i: number) => START + Math.floor(i / 7000) * HOUR + (i % 7000) * 500;
    await produceValues(fixture().client, 'page_views', 4, pageViewValues(0, RECORDS, tsOf));
    const jobFile = writeJob(tmp(), { files: { maxRecords: 1500 } }, fixture().running.bootstrap);
    const job = JSON.parse(fs.readFileSync(jobFile, 'utf8')) as { output: { sink: string } };
    job.output.sink = sinkUrl(emulator);
    fs.writeFileSync(jobFile, JSON.stringify(job, null, 2));
    const table = path.join(tmp(), 'hdfs', 'warehouse', 'page_views');
    watcher = watchFinalDirectories(table);
    return { jobFile, table };
  }

  /** Loads until a run finds nothing new; a failed run must fail with one clear line and leave the next to finish. */
  async function loadUntilDone(jobFile: string): Promise<string[]> {
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const result = await run(process.execPath, [SLUICE_BIN, 'load', '--job', jobFile]);
      if (result.code === 0 && /nothing new to load/.test(result.stdout)) return outcomes;
      if (result.code !== 0) {
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stderr, /^sluice: .*WebHDFS/m, 'a failure names WebHDFS');
        assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace: a clean failure');
      }
      outcomes.push(result.code === 0 ? 'committed' : `failed: ${result.stderr.trim().split('\n')[0]}`);
    }
    assert.fail(`still loading after 12 runs: ${outcomes.join(' | ')}`);
  }

  let watcher: ReturnType<typeof watchFinalDirectories> | undefined;
  afterEach(() => watcher?.stop());

  async function verifyAll(jobFile: string, table: string): Promise<void> {
    watcher?.stop();
    watcher?.check();
    const verify = await run(process.execPath, [SLUICE_BIN, 'verify', '--job', jobFile, '--json']);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const report = JSON.parse(verify.stdout) as { ok: boolean; hours: Record<string, number> };
    assert.equal(Object.values(report.hours).reduce((a, b) => a + b, 0), RECORDS, 'every record exactly once');
    assertOnlyCommittedFiles(table);
  }

  it('completes or fails cleanly when 5% of requests get a 500 or a dropped connection, and loses or repeats nothing', async () => {
    const { jobFile, table } = await prepare(1);
    emulator.faults.random({ probability: 0.05, seed: 20261122, kinds: ['500', 'drop-before', 'drop-after'] });
    const outcomes = await loadUntilDone(jobFile);
    await verifyAll(jobFile, table);
    const injected = Object.entries(emulator.faults.injected);
    const total = injected.reduce((sum, [, n]) => sum + n, 0);
    const requests = Object.values(emulator.requestCount).reduce((a, b) => a + b, 0);
    console.log(`      ${total} faults in ${requests} requests (${injected.map(([k, n]) => `${k} ×${n}`).join(', ')}); runs: ${outcomes.join(' | ') || 'none failed'}`);
    assert.ok(total >= 0.03 * requests, `about 5% of requests failed (${total} of ${requests})`);
    for (const kind of ['500', 'drop-before', 'drop-after']) assert.ok(injected.some(([k]) => k.startsWith(`${kind} `)), `${kind} faults happened`);
  });

  it('loses or repeats nothing when HDFS acts but its answer is lost (a third of CREATE, RENAME, DELETE, MKDIRS, APPEND)', async () => {
    const { jobFile, table } = await prepare(1);
    emulator.faults.random({ probability: 0.33, seed: 7, kinds: ['drop-after'], ops: ['CREATE', 'RENAME', 'DELETE', 'MKDIRS', 'APPEND'] });
    const outcomes = await loadUntilDone(jobFile);
    await verifyAll(jobFile, table);
    const lost = Object.entries(emulator.faults.injected);
    console.log(`      lost answers: ${lost.map(([k, n]) => `${k} ×${n}`).join(', ')}; runs: ${outcomes.join(' | ') || 'none failed'}`);
    for (const op of ['CREATE', 'RENAME', 'MKDIRS']) assert.ok(lost.some(([k]) => k === `drop-after ${op}`), `lost ${op} answers happened`);
  });

  it('carries on through a NameNode failover in the middle of a run', async () => {
    const { jobFile, table } = await prepare(2);
    const child = spawn(process.execPath, [SLUICE_BIN, 'load', '--job', jobFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let done = false;
    void exited.then(() => (done = true));
    while (!done && (emulator.requestCount.CREATE ?? 0) < 20) await new Promise((r) => setTimeout(r, 2));
    assert.equal(done, false, 'the failover happens while the load is running');
    emulator.failover();
    assert.equal(await exited, 0, stderr);
    await loadUntilDone(jobFile);
    await verifyAll(jobFile, table);
  });

  it('never shows a file whose upload was cut partway through its body; status, backfill and query work on HDFS too', async () => {
    const { jobFile, table } = await prepare(1);
    emulator.faults.dropUpload({ afterBytes: 16 * 1024, count: 6 });
    const outcomes = await loadUntilDone(jobFile);
    assert.equal(outcomes[0], 'committed', 'cut uploads are retried within the run');
    await verifyAll(jobFile, table);

    const status = await run(process.execPath, [SLUICE_BIN, 'status', '--jobs', path.dirname(jobFile), '--json']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /"committed"/);
    const backfill = ['backfill', '--job', jobFile, '--from-offset', '0', '--partitions', '0,2'];
    const first = await run(process.execPath, [SLUICE_BIN, ...backfill]);
    assert.equal(first.code, 0, first.stderr);
    const inBackfill = listFiles(path.join(table, '_backfill')).filter((f) => /\.(avro|parquet)$/.test(f));
    assert.ok(inBackfill.length > 0 && inBackfill.every((f) => /page_views\+[02]\+/.test(f)), inBackfill.join(' '));
    const again = await run(process.execPath, [SLUICE_BIN, ...backfill]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(listFiles(path.join(table, '_backfill')).filter((f) => /\.(avro|parquet)$/.test(f)), inBackfill, 'a re-run adds nothing');
    const verify = await run(process.execPath, [SLUICE_BIN, 'verify', '--job', jobFile]);
    assert.equal(verify.code, 0, 'the scheduled checkpoint is untouched: ' + verify.stdout);
    const query = await run(process.execPath, [SLUICE_BIN, 'query', 'SELECT count(*) AS n, count(DISTINCT (_kafka_partition, _kafka_offset)) AS distinct_offsets FROM page_views',
      '--jobs', path.dirname(jobFile), '--cache-dir', path.join(tmp(), 'query-cache'), '--format', 'json']);
    assert.equal(query.code, 0, query.stderr);
    assert.deepEqual(JSON.parse(query.stdout.trim()), { n: RECORDS, distinct_offsets: RECORDS }, 'sluice query reads the table out of HDFS');
  });
});
