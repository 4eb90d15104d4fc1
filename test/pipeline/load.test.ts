import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { recordsFrom } from '../../src/client/fetched-records';
import { loadJobDefinition } from '../../src/job/job-definition';
import { BadRecordThresholdError, runLoad } from '../../src/pipeline/load-job';
import { verifyTable } from '../../src/table/verify';
import { JobLockedError } from '../../src/table/table-state';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { run } from '../helpers/processes';
import { HOUR, START, listFiles, pageViewValues, produceValues, REPO, writeJob } from '../helpers/page-views';
import { openTable } from '../../src/connector-factory';

const READ_AVRO = path.join(REPO, 'test/helpers/read-avro-offsets.py');

interface AvroFileRows {
  file: string;
  codec: string;
  rows: [number, number, number][];
}

async function readAvroFiles(root: string): Promise<AvroFileRows[]> {
  const files = listFiles(root).filter((f) => f.endsWith('.avro')).map((f) => path.join(root, f));
  if (files.length === 0) return [];
  const result = await run('/usr/bin/python3', [READ_AVRO, ...files]);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim().split('\n').map((line) => JSON.parse(line) as AvroFileRows);
}

describe('sluice load: offset ranges into hourly Avro and Parquet files', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', 4);
  const running = () => fixture().running;
  const client = () => fixture().client;

  it('loads every record once into its event hour, verifies, and loads only what is new next time', async () => {
    const tsOf = (i: number) => START + Math.floor(i / 2000) * HOUR + (i % 2000) * 1000; // 2,000 per hour
    await produceValues(client(), 'page_views', 4, pageViewValues(0, 6000, tsOf));
    const job = loadJobDefinition(writeJob(tmp(), {}, running().bootstrap));
    const first = await runLoad(job);
    assert.equal(first.committed.reduce((s, r) => s + r.records, 0), 6000);
    const table = path.join(tmp(), 'warehouse', 'page_views');
    const hours = listFiles(table).filter((f) => !f.startsWith('_')).map((f) => path.dirname(f));
    const byFormat = (format: string) => ['00', '01', '02'].map((hr) => `${format}/dt=2026-11-21/hr=${hr}`);
    assert.deepEqual([...new Set(hours)], [...byFormat('avro'), ...byFormat('parquet')], 'a job writing two formats gives each its own tree');

    const avro = await readAvroFiles(table);
    const seen = new Set<string>();
    for (const file of avro) {
      assert.equal(file.codec, 'deflate');
      const hour = /hr=(\d\d)/.exec(file.file)![1];
      for (const [partition, offset, ts] of file.rows) {
        const key = `${partition}/${offset}`;
        assert.ok(!seen.has(key), `${key} appears once`);
        seen.add(key);
        assert.equal(new Date(ts).getUTCHours(), Number(hour), 'each record sits in its event hour');
      }
    }
    assert.equal(seen.size, 6000);

    const report = await verifyTable(job, openTable(job.output.sink, job.output.table));
    assert.deepEqual(report.problems, []);
    assert.deepEqual([...report.hours.entries()], [['2026-11-21T00', 2000], ['2026-11-21T01', 2000], ['2026-11-21T02', 2000]]);

    assert.equal((await runLoad(job)).committed.length, 0, 'a re-run finds nothing new');
    await produceValues(client(), 'page_views', 4, pageViewValues(6000, 500, () => START + 3 * HOUR + 5));
    await produceValues(client(), 'page_views', 4, pageViewValues(6500, 10, () => START + 30 * 60_000)); // late: hour 00
    const second = await runLoad(job);
    assert.equal(second.committed.reduce((s, r) => s + r.records, 0), 510);
    const after = await verifyTable(job, openTable(job.output.sink, job.output.table));
    assert.deepEqual(after.problems, []);
    assert.equal(after.hours.get('2026-11-21T00'), 2010, 'late records land in their true hour');
    assert.equal(after.hours.get('2026-11-21T03'), 500);
    assert.equal((await readAvroFiles(table)).reduce((s, f) => s + f.rows.length, 0), 6510);
  });

  it('lists exactly the 1% garbage offsets in the dead-letter file, and fails at a 0.5% threshold without committing', async () => {
    const values = pageViewValues(0, 2000, (i) => START + i * 1000);
    for (let i = 0; i < 20; i++) {
      const at = 50 + i * 97;
      values[at] = { ...values[at], value: i % 2 ? Buffer.from(`{"garbage": ${i}}`) : Buffer.from([0xff, 0xfe, i]) };
    }
    await produceValues(client(), 'page_views', 4, values);
    const garbage = new Set<string>();
    for (let p = 0; p < 4; p++) {
      for (const r of recordsFrom((await client().fetch('page_views', p, 0, { maxBytes: 8 << 20 })).records, 0).records) {
        if (!r.value!.toString().startsWith('{"ts"')) garbage.add(`${p}/${r.offset}`);
      }
    }
    assert.equal(garbage.size, 20);
    const strict = loadJobDefinition(writeJob(tmp(), { badRecords: { maxPercent: 0.5 } }, running().bootstrap));
    await assert.rejects(runLoad(strict), (e: unknown) => e instanceof BadRecordThresholdError
      && /20 of 2000 records are bad \(1\.00%, limit 0\.5%\): nothing was committed\n/.test(e.message)
      && /\n {2}value: invalid UTF-8: 10 records, offsets \d:\d+, \d:\d+/.test(e.message)
      && /\n {2}field ts: missing, and the schema gives no default: 10 records, offsets \d:\d+, \d:\d+/.test(e.message));
    const table = path.join(tmp(), 'warehouse', 'page_views');
    // The schema generation is recorded before any file is written, so it stays; it starts where the next run does.
    // The failed run's dead letters are kept apart from the committed ones.
    const kept = (f: string) => f.startsWith('_dead_letter/_failed/');
    assert.deepEqual(listFiles(table).filter((f) => !f.startsWith('_sluice/history/') && !f.startsWith('_sluice/schemas/') && !kept(f)), [], 'nothing committed, nothing left behind but the run\'s history line, schema generation and kept dead letters');
    assert.ok(listFiles(table).some((f) => kept(f) && f.endsWith('.jsonl')));

    const tolerant = loadJobDefinition(writeJob(tmp(), { badRecords: { maxPercent: 2 } }, running().bootstrap));
    const result = await runLoad(tolerant);
    assert.equal(result.committed.reduce((s, r) => s + r.badRecords, 0), 20);
    const dead = listFiles(table).filter((f) => f.startsWith('_dead_letter/') && !kept(f));
    const entries = dead.flatMap((f) => fs.readFileSync(path.join(table, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l)));
    assert.deepEqual(new Set(entries.map((e) => `${e.partition}/${e.offset}`)), garbage, 'exactly the garbage offsets');
    for (const entry of entries) {
      assert.equal(entry.topic, 'page_views');
      assert.ok(entry.error.length > 0);
      assert.ok(values.some((v) => v.value.equals(Buffer.from(entry.value, 'base64'))), 'the raw bytes are kept');
    }
    assert.deepEqual((await verifyTable(tolerant, openTable(tolerant.output.sink, tolerant.output.table))).problems, []);
  });

  it('lets only one of two concurrent runs proceed', async () => {
    await produceValues(client(), 'page_views', 4, pageViewValues(0, 3000, (i) => START + i * 1000));
    const job = loadJobDefinition(writeJob(tmp(), {}, running().bootstrap));
    const outcomes = await Promise.allSettled([runLoad(job), runLoad(job)]);
    const failed = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
    assert.equal(failed.length, 1);
    assert.ok(failed[0].reason instanceof JobLockedError, String(failed[0].reason));
    assert.deepEqual((await verifyTable(job, openTable(job.output.sink, job.output.table))).problems, []);
    assert.equal((await verifyTable(job, openTable(job.output.sink, job.output.table))).partitions.reduce((s, p) => s + p.records, 0), 3000);
  });
});
