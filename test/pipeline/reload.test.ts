import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KafkaClient } from '../../src/client/kafka-client';
import { loadJobDefinition } from '../../src/job/job-definition';
import { parseHourSpan, runReload } from '../../src/pipeline/reload';
import { backfillTable, runBackfill } from '../../src/pipeline/backfill';
import { runLoad } from '../../src/pipeline/load-job';
import { verifyTable } from '../../src/table/verify';
import { openTable } from '../../src/connector-factory';
import { RunningBroker, startBroker } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { run } from '../helpers/processes';
import { SLUICE_BIN } from '../helpers/cli';
import { HOUR, REPO, START, listFiles, pageViewValues, produceValues, writeJob } from '../helpers/page-views';

const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);
const PYTHON = '/usr/bin/python3';
const READ_AVRO_OFFSETS = path.join(REPO, 'test/helpers/read-avro-offsets.py');
const DELETE_RECORDS = path.join(REPO, 'test/clients/librdkafka-delete-records.py');

const RECORDS = 3000;
const PARTITIONS = 2;
/** One record every 3.6 s of event time: 1000 in each of the hours 00, 01 and 02 of 2026-11-21. */
const eventTime = (i: number) => START + i * 3600;
/** Kafka timestamps up to 40 minutes before or after event time, as a producer that buffers or a skewed clock gives. */
const kafkaTimestamp = (i: number) => eventTime(i) + ((((i * 7919) % 81) - 40) * 60_000);

function hashes(root: string): Map<string, string> {
  const data = listFiles(root).filter((f) => !f.startsWith('_sluice/') && (f.endsWith('.avro') || f.endsWith('.parquet')));
  return new Map(data.map((f) => [f, createHash('sha256').update(fs.readFileSync(path.join(root, f))).digest('hex')]));
}

describe('sluice reload and event-time backfill', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  let broker: RunningBroker;
  let client: KafkaClient;
  // One table for the reload tests, in the order they run: each damages it, repairs it and checks it is as loaded.
  let dir: string;
  let jobFile: string;
  let root: string;
  let clean: Map<string, string>;

  before(async () => {
    broker = await startBroker({ numPartitions: PARTITIONS });
    client = await KafkaClient.connect(broker.bootstrap);
    await client.createTopic('page_views', PARTITIONS);
    await produceValues(client, 'page_views', PARTITIONS, pageViewValues(0, RECORDS, eventTime).map((v, i) => ({ ...v, timestamp: kafkaTimestamp(i) })));
    // Loaded in two runs, so an hour's files come from two ranges of each partition; several files per hour.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-reload-'));
    jobFile = writeJob(dir, { files: { maxRecords: 200 }, limits: { maxRecordsPerPartition: 800 } }, broker.bootstrap);
    // On worker threads (each DuckDB with one thread); the reloads run in a CLI process on its main thread.
    for (let load = 0; load < 2; load++) assert.ok((await runLoad(loadJobDefinition(jobFile))).committed.length > 0);
    root = path.join(dir, 'warehouse', 'page_views');
    clean = hashes(root);
  });
  after(async () => {
    client?.close();
    await broker?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  const verified = async () => (await verifyTable(loadJobDefinition(jobFile), openTable(path.join(dir, 'warehouse'), 'page_views'))).problems;

  it('restores an hour\'s damaged Avro and Parquet files byte for byte; verify passes and query reads every row', async () => {
    const hour01 = [...clean.keys()].filter((f) => f.includes('dt=2026-11-21/hr=01/'));
    const [truncated, deleted] = hour01.filter((f) => f.endsWith('.avro'));
    const [overwritten, cut] = hour01.filter((f) => f.endsWith('.parquet'));
    fs.truncateSync(path.join(root, truncated), 100);
    fs.truncateSync(path.join(root, cut), 300);
    fs.rmSync(path.join(root, deleted));
    const fd = fs.openSync(path.join(root, overwritten), 'r+');
    fs.writeSync(fd, Buffer.alloc(64, 0xee), 0, 64, 200);
    fs.closeSync(fd);
    const damage = await verified();
    // Bytes overwritten inside a Parquet page keep its size and footer: verify cannot see them, the hash does.
    assert.notEqual(hashes(root).get(overwritten), clean.get(overwritten));
    for (const file of [truncated, deleted, cut]) assert.ok(damage.some((p) => p.includes(file)), `verify names ${file}: ${damage.join('; ')}`);

    const reload = await sluice(['reload', '--job', jobFile, '--hours', '2026-11-21T01', '--json']);
    assert.equal(reload.code, 0, reload.stderr);
    const result = JSON.parse(reload.stdout);
    assert.equal(result.status, 'reloaded');
    assert.deepEqual(result.hours, ['2026-11-21T01']);
    assert.equal(result.records, 1000);
    assert.equal(result.files, hour01.length);
    assert.deepEqual(new Set(result.ranges.map((r: { partition: number; start: number }) => `${r.partition}:${r.start}`)).size, 4, 'two ranges of each partition wrote into the hour');

    assert.deepEqual(hashes(root), clean, 'every file is byte-identical to the clean load');
    assert.deepEqual(listFiles(path.join(root, '_sluice/swaps')).filter((f) => !/^[^/]+\.json$/.test(f)), [], 'nothing staged is left');
    const verify = await sluice(['verify', '--job', jobFile]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const query = await sluice(['query', '--jobs', path.dirname(jobFile), '--format', 'json',
      'SELECT (SELECT count(*) FROM page_views) AS parquet, (SELECT count(*) FROM page_views_avro) AS avro, (SELECT count(DISTINCT ts) FROM page_views_avro) AS distinct_avro']);
    assert.equal(query.code, 0, query.stderr);
    assert.deepEqual(JSON.parse(query.stdout), { parquet: RECORDS, avro: RECORDS, distinct_avro: RECORDS });
    const history = fs.readFileSync(path.join(root, `_sluice/history/runs-${new Date().toISOString().slice(0, 7)}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const line = history.find((e) => e.kind === 'reload');
    assert.equal(line.status, 'committed');
    assert.deepEqual(line.hoursWritten, ['2026-11-21T01']);
    assert.equal(line.records, 1000);
  });

  it('a reload killed (SIGKILL) in the middle of its swap is finished by the next load; a range of hours is accepted', async () => {
    for (const f of clean.keys()) fs.truncateSync(path.join(root, f), 10);
    // Killed as soon as the swap's record appears: some files are swapped in, one may be aside, the rest still staged.
    const killed = await new Promise<{ signal: NodeJS.Signals | null; midSwap: boolean }>((resolve) => {
      const child = spawn(process.execPath, [SLUICE_BIN, 'reload', '--job', jobFile, '--hours', '2026-11-21T00..2026-11-21T02'], { stdio: 'ignore' });
      const swaps = path.join(root, '_sluice/swaps');
      const before = new Set(fs.existsSync(swaps) ? fs.readdirSync(swaps) : []);
      const fresh = () => (fs.existsSync(swaps) ? fs.readdirSync(swaps) : []).filter((e) => !before.has(e));
      let midSwap = false;
      const poll = setInterval(() => {
        const manifest = fresh().some((e) => e.endsWith('.json'));
        if (!manifest) return;
        child.kill('SIGKILL');
        clearInterval(poll);
      }, 1);
      child.on('close', (_code, signal) => {
        clearInterval(poll);
        midSwap = fresh().some((e) => !e.endsWith('.json'));
        resolve({ signal, midSwap });
      });
    });
    assert.equal(killed.signal, 'SIGKILL');
    assert.ok(killed.midSwap, 'the reload died with its swap under way');
    const half = hashes(root);
    assert.ok([...clean].some(([f, h]) => half.get(f) !== h), 'some files are not restored yet');
    const next = await sluice(['load', '--job', jobFile]);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stderr, /finished interrupted reload/);
    assert.deepEqual(hashes(root), clean);
    assert.deepEqual(listFiles(path.join(root, '_sluice/swaps')).filter((f) => !/^[^/]+\.json$/.test(f)), []);
    assert.throws(() => parseHourSpan('2026-11-21 02'), /--hours: "2026-11-21 02" is not an hour \(2026-11-21T05\) or a range of hours/);
    assert.throws(() => parseHourSpan('2026-11-21T03..2026-11-21T01'), /--hours: 2026-11-21T03 is after 2026-11-21T01/);
  });

  it('event-time backfill of one hour loads exactly the records whose event time is in it, whatever their Kafka timestamps', async () => {
    const jobFile = writeJob(tmp(), { output: { formats: ['avro'], avroCodec: 'deflate', sink: path.join(tmp(), 'warehouse'), table: 'page_views' } }, broker.bootstrap);
    const from = new Date(START + 2 * HOUR).toISOString();
    const to = new Date(START + 3 * HOUR).toISOString();
    const backfill = await sluice(['backfill', '--job', jobFile, '--from-event-time', from, '--to-event-time', to]);
    assert.equal(backfill.code, 0, backfill.stderr);
    assert.match(backfill.stdout, /1000 records in 2 ranges/);
    const job = loadJobDefinition(jobFile);
    const table = backfillTable(job, { from: { eventTime: Date.parse(from) }, to: { eventTime: Date.parse(to) } });
    const root = table.sink.localPath(table.root)!;
    assert.ok(root.endsWith('_backfill/from-event-20261121T020000Z-to-event-20261121T030000Z'), root);
    const files = listFiles(root).filter((f) => f.endsWith('.avro')).map((f) => path.join(root, f));
    const rows = execFileSync(PYTHON, [READ_AVRO_OFFSETS, ...files], { encoding: 'utf8' }).trim().split('\n').flatMap((l) => JSON.parse(l).rows as [number, number, number][]);
    const expected = Array.from({ length: RECORDS }, (_, i) => eventTime(i)).filter((t) => t >= START + 2 * HOUR && t < START + 3 * HOUR);
    assert.deepEqual(rows.map((r) => r[2]).sort((a, b) => a - b), expected, 'python3-avro reads exactly the hour\'s records');
    assert.ok(files.every((f) => f.includes('dt=2026-11-21/hr=02/')));
    assert.deepEqual((await verifyTable(job, table)).problems, [], 'records read outside the window count as skipped: the ranges still tile');
    // Kafka timestamps lead and lag event time by up to 40 minutes: without a margin the time index misses some.
    const tight = await runBackfill({ ...job, workerThreads: 0 }, { from: { eventTime: Date.parse(from) }, to: { eventTime: Date.parse(to) }, eventTimeMarginMs: 0 });
    const loaded = tight.committed.reduce((sum, r) => sum + r.records, 0);
    assert.ok(loaded > 0 && loaded < 1000, `margin 0 loaded ${loaded} records`);
  });

  // Last: it deletes records of the topic the other tests read.
  it('refuses, changing nothing: when other file settings would write other files, and when the offsets are no longer in Kafka (naming partition, offsets and log start)', async () => {
    const job = loadJobDefinition(jobFile);
    await assert.rejects(runReload({ ...job, files: { ...job.files, maxRecords: 300 } }, { hours: { from: '2026-11-21T01', to: '2026-11-21T01' } }),
      /partition 0 range 0\.\.800: re-reading wrote .* but the checkpoint records .*The job's output settings .* differ from the load's; nothing was changed/);
    assert.deepEqual(listFiles(path.join(root, '_sluice/swaps')).filter((f) => !/^[^/]+\.json$/.test(f)), []);
    // Not execFileSync: the broker answering it runs in this process.
    const deleting = await run(PYTHON, [DELETE_RECORDS, broker.bootstrap, 'page_views', '0', '50']);
    assert.equal(deleting.code, 0, deleting.stderr);
    const deleted = JSON.parse(deleting.stdout);
    assert.deepEqual(deleted.partitions, [[0, 50, 'NO_ERROR']]);
    const refused = await sluice(['reload', '--job', jobFile, '--hours', '2026-11-21T00', '--json']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /cannot reload: partition 0 needs offsets 0\.\.799 \(hours 2026-11-21T00\) but the log holds 50\.\.\d+: the records were deleted \(retention or DeleteRecords\)\. Nothing was changed/);
    const result = JSON.parse(refused.stdout);
    assert.equal(result.status, 'refused');
    assert.deepEqual(result.missing.map((m: { partition: number; start: number; logStart: number }) => [m.partition, m.start, m.logStart]), [[0, 0, 50]]);
    assert.deepEqual(hashes(root), clean);
    assert.deepEqual(await verified(), []);
  });
});
