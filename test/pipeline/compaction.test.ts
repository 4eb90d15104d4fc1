import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { runCompaction, runLoadThenCompact } from '../../src/pipeline/compact-job';
import { verifyTable } from '../../src/table/verify';
import { openTable } from '../../src/connector-factory';
import { JobDefinitionError } from '../../src/job/job-definition';
import { startWebHdfsEmulator } from '../../src/dev/webhdfs/emulator';
import { TableState } from '../../src/table/table-state';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { runQuery } from '../../src/analyst/query-engine';
import { tablesOfJob } from '../../src/analyst/table-catalog';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { sluice } from '../helpers/cli';
import { run } from '../helpers/processes';
import { HOUR, listFiles, pageViewValues, produceValues, REPO, writeJob } from '../helpers/page-views';

/** Six whole hours ago: every hour of the data has ended, so the loads mark them all complete. */
const BASE = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;
const RECORDS = 2_000;
const tsOf = (i: number) => BASE + Math.floor((i * 2) / RECORDS) * HOUR + (i % 1000) * 3_000;

/** Data files per hour directory of each format tree: `avro/dt=…/hr=…` → count. */
function filesPerHour(table: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const file of listFiles(table).filter((f) => /^(avro|parquet)\/dt=/.test(f) && /\.(avro|parquet)$/.test(f))) {
    const dir = path.dirname(file);
    counts.set(dir, (counts.get(dir) ?? 0) + 1);
  }
  return counts;
}

/** Each Avro file's (partition, offset) rows as python3-avro reads them. */
async function avroRows(table: string): Promise<{ file: string; rows: [number, number][] }[]> {
  const files = listFiles(table).filter((f) => f.startsWith('avro/') && f.endsWith('.avro')).map((f) => path.join(table, f));
  const read = await run('/usr/bin/python3', [path.join(REPO, 'test/helpers/read-avro-offsets.py'), ...files]);
  assert.equal(read.code, 0, read.stderr);
  return read.stdout.trim().split('\n').map((line) => {
    const parsed = JSON.parse(line) as { file: string; rows: number[][] };
    return { file: parsed.file, rows: parsed.rows.map(([p, o]) => [p, o] as [number, number]) };
  });
}

/** Each Parquet file's (partition, offset) rows in file order, as DuckDB reads them. */
async function parquetRows(table: string): Promise<{ file: string; rows: [number, number][] }[]> {
  const files = listFiles(table).filter((f) => f.startsWith('parquet/') && f.endsWith('.parquet')).map((f) => path.join(table, f));
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    const result = [];
    for (const file of files) {
      const reader = await duck.runAndReadAll(`SELECT _kafka_partition, _kafka_offset FROM read_parquet('${file}', file_row_number = true) ORDER BY file_row_number`);
      result.push({ file, rows: reader.getRows().map(([p, o]) => [Number(p), Number(o)] as [number, number]) });
    }
    return result;
  } finally {
    duck.closeSync();
  }
}

/** How a Parquet file declares its columns (physical and logical types), which compaction must keep. */
async function parquetSchemaOf(file: string): Promise<string[]> {
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    const reader = await duck.runAndReadAll(`SELECT name, type, converted_type, logical_type, repetition_type FROM parquet_schema('${file}')`);
    return reader.getRows().map(String);
  } finally {
    duck.closeSync();
  }
}

const inKafkaOrder = (rows: [number, number][]) => rows.every((row, i) => i === 0 || rows[i - 1][0] < row[0] || (rows[i - 1][0] === row[0] && rows[i - 1][1] < row[1]));

/** Every (partition, offset) once, and each file's rows in (partition, offset) order. */
function checkRows(files: { file: string; rows: [number, number][] }[], expected: number, format: string): void {
  const seen = new Set<string>();
  for (const { file, rows } of files) {
    assert.ok(inKafkaOrder(rows), `${format} file ${file} holds its rows in (partition, offset) order`);
    for (const [p, o] of rows) {
      assert.ok(!seen.has(`${p}/${o}`), `${format}: ${p}/${o} appears once`);
      seen.add(`${p}/${o}`);
    }
  }
  assert.equal(seen.size, expected, `${format} holds every record`);
}

describe('sluice compact: small files of complete hours rewritten, verify and readers unchanged', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', 3);

  it('turns 65 or more files per hour and format into one, keeps every row once in Kafka order, and survives late data and a second compaction', async () => {
    await produceValues(fixture().client, 'page_views', 3, pageViewValues(0, RECORDS, tsOf));
    const jobFile = writeJob(tmp(), { workerThreads: 0, files: { maxRecords: 14 }, limits: { maxRecordsPerPartition: 500 } }, fixture().running.bootstrap);
    const job = loadJobDefinition(jobFile);
    const table = path.join(tmp(), 'warehouse', 'page_views');
    for (let i = 0; i < 5; i++) await runLoad(job);
    const before = filesPerHour(table);
    assert.equal(before.size, 4, `2 hours in 2 formats: ${[...before.keys()]}`);
    for (const [dir, count] of before) assert.ok(count >= 65, `${dir} starts with many small files (${count})`);
    const sql = 'SELECT _kafka_partition, _kafka_offset, user_id, ts, dt, hr FROM page_views ORDER BY 1, 2';
    const catalog = tablesOfJob(job);
    const queried = async () => Promise.all(catalog.map(async (t) => (await runQuery(catalog, sql.replace('page_views', t.name))).rows.map(String)));
    const rowsBefore = await queried();
    const firstParquet = (await parquetRows(table))[0].file;
    const schemaBefore = await parquetSchemaOf(firstParquet);
    assert.equal(rowsBefore[0].length, RECORDS);

    const compacted = sluice(['compact', '--job', jobFile, '--json']);
    assert.equal(compacted.status, 0, compacted.stderr);
    const result = JSON.parse(compacted.stdout) as { ok: boolean; filesBefore: number; filesAfter: number; groups: { format: string; hour: string; records: number }[] };
    assert.equal(result.ok, true);
    assert.equal(result.groups.length, 4);
    assert.equal(result.filesAfter, 4);
    assert.equal(result.filesBefore, [...before.values()].reduce((a, b) => a + b, 0));
    for (const [dir, count] of filesPerHour(table)) assert.ok(count <= 2, `${dir} holds ${count} files after compaction`);
    assert.deepEqual(listFiles(path.join(table, '_sluice', 'swaps')).filter((f) => f.includes('/')), [], 'the swap\'s working directory is gone');

    const verify = sluice(['verify', '--job', jobFile]);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /verify: OK/);
    assert.deepEqual(await queried(), rowsBefore, 'query returns the same rows from the compacted files');
    checkRows(await avroRows(table), RECORDS, 'avro (python3-avro)');
    checkRows(await parquetRows(table), RECORDS, 'parquet (DuckDB)');
    const compactedParquet = (await parquetRows(table))[0].file;
    assert.match(compactedParquet, /\+compacted\+/);
    assert.deepEqual(await parquetSchemaOf(compactedParquet), schemaBefore, 'the compacted Parquet file declares its columns as the loaded ones did');

    assert.deepEqual((await runCompaction(job)).groups, [], 'nothing left to compact');

    // Late data into the first hour (already marked): new small files beside the compacted one, compacted with it.
    await produceValues(fixture().client, 'page_views', 3, pageViewValues(RECORDS, 60, () => BASE + 1_000));
    await runLoad(job);
    const late = sluice(['compact', '--job', jobFile, '--hours', `${new Date(BASE).toISOString().slice(0, 13)}`, '--json']);
    assert.equal(late.status, 0, late.stderr);
    const lateResult = JSON.parse(late.stdout) as { groups: { hour: string; filesAfter: number; records: number }[] };
    assert.deepEqual(lateResult.groups.map((g) => g.filesAfter), [1, 1], 'one file per format for the hour');
    assert.deepEqual((await verifyTable(job, openTable(job.output.sink, job.output.table))).problems, []);
    checkRows(await avroRows(table), RECORDS + 60, 'avro after the second compaction');
    checkRows(await parquetRows(table), RECORDS + 60, 'parquet after the second compaction');
    const counted = await runQuery(catalog, 'SELECT count(*), count(DISTINCT (_kafka_partition, _kafka_offset)) FROM page_views');
    assert.deepEqual(counted.rows[0].map(Number), [RECORDS + 60, RECORDS + 60]);
  });

  it('says what --hours takes, leaves hours without _SUCCESS alone, and exits 4 when a load holds a lock', async () => {
    const jobFile = writeJob(tmp(), { workerThreads: 0, files: { maxRecords: 5 }, completeness: { delaySeconds: 7 * 24 * 3600 } }, fixture().running.bootstrap);
    const bad = sluice(['compact', '--job', jobFile, '--hours', '2026-11-21T05..yesterday']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /expected an hour such as 2026-11-21T05, or a range such as 2026-11-21T00\.\.2026-11-21T05/);
    await produceValues(fixture().client, 'page_views', 3, pageViewValues(0, 60, () => BASE));
    await runLoad(loadJobDefinition(jobFile));
    const table = path.join(tmp(), 'warehouse', 'page_views');
    const before = listFiles(table);
    const none = sluice(['compact', '--job', jobFile]);
    assert.equal(none.status, 0, none.stderr);
    assert.match(none.stdout, /nothing to compact .*no complete hour has two or more small files/);
    assert.deepEqual(listFiles(table), before, 'an hour not marked complete keeps its files');
    // A load holding a partition lock: the compaction exits 4 at once (or waits, with --wait).
    const held = new TableState(new LocalSink(path.join(tmp(), 'warehouse')), 'page_views');
    const release = await held.lock('20261121T050000Z-0a0b0c', 60_000, [1]);
    try {
      const locked = sluice(['compact', '--job', jobFile, '--json']);
      assert.equal(locked.status, 4, locked.stderr);
      assert.match((JSON.parse(locked.stdout) as { error: string }).error, /already running on partition 1 \(lock held by .* run 20261121T050000Z-0a0b0c/);
    } finally {
      await release();
    }
  });

  it('compacts after a scheduled run once compaction.after hours have passed since _SUCCESS, and checks the keys', async () => {
    await produceValues(fixture().client, 'page_views', 3, pageViewValues(0, 90, () => BASE));
    const jobWith = (compaction: Record<string, unknown>) => loadJobDefinition(writeJob(tmp(), { workerThreads: 0, files: { maxRecords: 5 }, compaction }, fixture().running.bootstrap));
    const table = path.join(tmp(), 'warehouse', 'page_views');
    const lines: string[] = [];
    await runLoadThenCompact(jobWith({ after: 2 }), { log: (line) => lines.push(line) });
    assert.ok([...filesPerHour(table).values()].every((n) => n > 2), 'marked just now: not compacted 2 hours after');
    await runLoadThenCompact(jobWith({ after: 0 }), { log: (line) => lines.push(line) });
    assert.deepEqual([...filesPerHour(table).values()], [1, 1], `compacted right after the run: ${lines.join(' | ')}`);
    assert.ok(lines.some((l) => /compaction \S+: 2 hour directories compacted/.test(l)), lines.join('\n'));
    assert.throws(() => jobWith({ targetBytes: 10 }), (e: Error) => e instanceof JobDefinitionError && /compaction\.targetBytes/.test(e.message) && /from 1024/.test(e.message));
    assert.throws(() => jobWith({ afterHours: 1 }), (e: Error) => e instanceof JobDefinitionError && /compaction\.afterHours/.test(e.message));
  });

  it('compacts a table on HDFS (the WebHDFS emulator): files read through the sink, written back, swapped by RENAME and DELETE', async () => {
    const emulator = await startWebHdfsEmulator({ root: path.join(tmp(), 'hdfs') });
    try {
      await produceValues(fixture().client, 'page_views', 3, pageViewValues(0, 120, (i) => BASE + i * 1000));
      const sink = `webhdfs://${new URL(emulator.nameNodeUrls[0]).host}/warehouse?user.name=etl`;
      const jobFile = writeJob(tmp(), { workerThreads: 0, files: { maxRecords: 10 } }, fixture().running.bootstrap);
      const parsed = JSON.parse(fs.readFileSync(jobFile, 'utf8')) as { output: { sink: string } };
      parsed.output.sink = sink;
      fs.writeFileSync(jobFile, JSON.stringify(parsed));
      await runLoad(loadJobDefinition(jobFile));
      const table = path.join(tmp(), 'hdfs', 'warehouse', 'page_views');
      assert.ok([...filesPerHour(table).values()].every((n) => n >= 12), `small files on HDFS: ${[...filesPerHour(table)]}`);
      const job = loadJobDefinition(jobFile);
      assert.equal((await runCompaction(job)).groups.length, 2);
      assert.deepEqual([...filesPerHour(table).values()], [1, 1]);
      assert.deepEqual((await verifyTable(job, openTable(job.output.sink, job.output.table))).problems, []);
      checkRows(await avroRows(table), 120, 'avro on HDFS');
      checkRows(await parquetRows(table), 120, 'parquet on HDFS');
    } finally {
      await emulator.close();
    }
  });

  it('compacts each schema generation of an hour apart, so every file keeps the schema verify expects of it', async () => {
    const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'schemas/page_view.avsc'), 'utf8')) as { fields: unknown[] };
    const v2 = path.join(tmp(), 'page_view_v2.avsc');
    fs.writeFileSync(v2, JSON.stringify({ ...schema, fields: [...schema.fields, { name: 'campaign', type: ['null', 'string'], default: null }] }));
    await produceValues(fixture().client, 'page_views', 3, pageViewValues(0, 60, (i) => BASE + i * 1000));
    const options = { workerThreads: 0, files: { maxRecords: 5 } };
    await runLoad(loadJobDefinition(writeJob(tmp(), options, fixture().running.bootstrap)));
    await produceValues(fixture().client, 'page_views', 3, pageViewValues(60, 60, (i) => BASE + i * 1000));
    const jobFile = writeJob(tmp(), { ...options, value: { format: 'json', schema: v2 } }, fixture().running.bootstrap);
    await runLoad(loadJobDefinition(jobFile));
    const job = loadJobDefinition(jobFile);
    assert.equal((await runCompaction(job)).groups.length, 4);
    const table = path.join(tmp(), 'warehouse', 'page_views');
    assert.deepEqual([...filesPerHour(table).values()], [2, 2], 'one file per generation and format');
    assert.deepEqual((await verifyTable(job, openTable(job.output.sink, job.output.table))).problems, []);
    checkRows(await avroRows(table), 120, 'avro across generations');
    const catalog = tablesOfJob(loadJobDefinition(jobFile));
    const counted = await runQuery(catalog, 'SELECT count(*), count(campaign) FROM page_views');
    assert.deepEqual(counted.rows[0].map(Number), [120, 0]);
  });

  it('splits an hour bigger than compaction.targetBytes into files of at least half of it, in Kafka order across them, and leaves them alone next time', async () => {
    await produceValues(fixture().client, 'page_views', 3, pageViewValues(0, 900, (i) => BASE + i * 1000));
    const jobFile = writeJob(tmp(), { workerThreads: 0, files: { maxRecords: 30 }, compaction: { targetBytes: 12_000 } }, fixture().running.bootstrap);
    await runLoad(loadJobDefinition(jobFile));
    const compacted = sluice(['compact', '--job', jobFile, '--json']);
    assert.equal(compacted.status, 0, compacted.stderr);
    const groups = (JSON.parse(compacted.stdout) as { groups: { format: string; filesAfter: number }[] }).groups;
    assert.ok(groups.every((g) => g.filesAfter >= 2), JSON.stringify(groups));
    const table = path.join(tmp(), 'warehouse', 'page_views');
    for (const file of listFiles(table).filter((f) => f.includes('+compacted+'))) {
      const bytes = fs.statSync(path.join(table, file)).size;
      assert.ok(bytes >= 6_000 && bytes <= 12_000 * 1.5, `${file}: ${bytes} bytes, near the 12,000-byte target`);
    }
    for (const rows of [await avroRows(table), await parquetRows(table)]) {
      checkRows(rows, 900, 'split outputs');
      const outputs = rows.filter((r) => r.file.includes('+compacted+')).sort((a, b) => Number(/\+(\d+)\.\w+$/.exec(a.file)![1]) - Number(/\+(\d+)\.\w+$/.exec(b.file)![1]));
      assert.ok(inKafkaOrder(outputs.flatMap((o) => o.rows)), 'the outputs follow each other in (partition, offset) order');
    }
    const job = loadJobDefinition(jobFile);
    assert.deepEqual((await verifyTable(job, openTable(job.output.sink, job.output.table))).problems, []);
    assert.deepEqual((await runCompaction(job)).groups, [], 'outputs of at least half the target are not small');
  });
});
