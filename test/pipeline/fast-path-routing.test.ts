import { RecordColumns } from '../../src/protocol/record-columns';
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runLoad, LoadSummary } from '../../src/pipeline/load-job';
import { FAST_PATH_ENV } from '../../src/pipeline/range-context';
import { FastJsonPath } from '../../src/pipeline/fast-json-path';
import { flatJsonSchemaOf } from '../../src/formats/flat-json-schema';
import { parsePartitionTemplate } from '../../src/table/partition-template';
import { buildRecordBatch, RecordInput } from '../../src/protocol/records';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { listFiles, REPO, START } from '../helpers/page-views';

const SCHEMA = {
  type: 'record', name: 'Event', fields: [
    { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'user', type: 'string' },
    { name: 'page', type: 'string' },
    { name: 'referrer', type: ['null', 'string'], default: null },
    { name: 'duration_ms', type: 'int' },
    { name: 'score', type: 'double' },
    { name: 'ratio', type: 'float' },
    { name: 'mobile', type: 'boolean' },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['VIEW', 'CLICK'] } },
    { name: 'country', type: 'string' },
  ],
};
const PARTITIONING = 'country={country}/dt={yyyy-MM-dd}/hr={HH}';

function good(i: number): Record<string, unknown> {
  return {
    ts: START + i * 97_000, user: `user-${i % 13}`, page: `/p/${i % 7}`, referrer: i % 3 ? null : `https://r/${i}`, duration_ms: i * 31,
    score: i / 7, ratio: i / 3, mobile: i % 2 === 0, kind: i % 4 ? 'VIEW' : 'CLICK', country: ['FR', 'DE', 'US/east'][i % 3],
  };
}
const json = (i: number, change: Record<string, unknown> = {}) => JSON.stringify({ ...good(i), ...change });
const drop = (i: number, field: string) => JSON.stringify(Object.fromEntries(Object.entries(good(i)).filter(([k]) => k !== field)));

/** Odd records: valid ones the scanner does not vouch for, and every kind of bad one. Each is one value (or key). */
const ODD: { key?: Buffer; value: (i: number) => Buffer | null }[] = [
  // Good on the per-record path, refused by the scanner: they must come out as the per-record path writes them.
  { value: (i) => Buffer.from(json(i, { extra: { nested: [1, 'x', null] }, more: 'y' })) },
  { value: (i) => Buffer.from(json(i, { _kafka_offset: -1, _kafka_key: 'not the key' })) },
  { value: (i) => Buffer.from(json(i, { page: 'caf\u00e9 "quoted" \\ \u{1f600}' }).replace('\u00e9', '\\u00e9')) },
  { value: (i) => Buffer.from(json(i).replace('"page":"', '"page":"\\ud83d\\ude00')) },
  { value: (i) => Buffer.from(json(i).replace(/"duration_ms":\d+/, '"duration_ms":1e3')) },
  { value: (i) => Buffer.from(json(i).replace(/"score":[^,]+/, '"score":-0')) },
  { value: (i) => Buffer.from(json(i).replace(/"score":[^,]+/, '"score":1e400')) },
  { value: (i) => Buffer.from(json(i).replace(/"ratio":[^,]+/, '"ratio":3.5e38')) },
  { value: (i) => Buffer.from(drop(i, 'referrer')) },
  { value: (i) => Buffer.from(JSON.stringify(good(i), null, 2)) },
  // Schema-violating.
  { value: (i) => Buffer.from(json(i, { duration_ms: '12' })) },
  { value: (i) => Buffer.from(json(i, { duration_ms: 1.5 })) },
  { value: (i) => Buffer.from(json(i, { duration_ms: 2 ** 31 })) },
  { value: (i) => Buffer.from(json(i, { kind: 'SCROLL' })) },
  { value: (i) => Buffer.from(json(i, { user: null })) },
  { value: (i) => Buffer.from(json(i, { ts: null })) },
  { value: (i) => Buffer.from(json(i, { ts: 9e15 })) },
  { value: (i) => Buffer.from(drop(i, 'country')) },
  // Not UTF-8: the value, or the key (which becomes _kafka_key).
  { value: (i) => Buffer.concat([Buffer.from(json(i).slice(0, 30)), Buffer.from([0xff]), Buffer.from(json(i).slice(30))]) },
  { value: (i) => Buffer.from(json(i).replace('/p/', '/p\u00e9/'), 'latin1') },
  { key: Buffer.from([0x6b, 0xc3, 0x28]), value: (i) => Buffer.from(json(i)) },
  // Not JSON.
  { value: (i) => Buffer.from(json(i).slice(0, -3)) },
  { value: () => Buffer.from('garbage') },
  { value: () => Buffer.alloc(0) },
  { value: () => null },
  { value: (i) => Buffer.from(`${json(i)}{`) },
  { value: (i) => Buffer.from(json(i).replace(/"duration_ms":\d+/, '"duration_ms":012')) },
];

interface Loaded {
  summary: LoadSummary;
  table: string;
}

describe('sluice load: the JSON fast path routes every record as the per-record path does', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('events', 2);

  async function load(label: string, perRecord: boolean): Promise<Loaded> {
    const dir = path.join(tmp(), label);
    const schemaFile = path.join(tmp(), 'event.avsc');
    const job = {
      name: `events_${label}`, source: { bootstrap: fixture().running.bootstrap, topic: 'events' }, value: { format: 'json', schema: schemaFile },
      output: { formats: ['avro', 'parquet'], avroCodec: 'deflate', sink: path.join(dir, 'warehouse'), table: 'events', partitioning: PARTITIONING },
      time: { field: 'ts' }, files: { maxRecords: 150 }, badRecords: { maxPercent: 50 }, workerThreads: 0, metadataColumns: ['partition', 'offset', 'timestamp', 'key'],
    };
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'job.json'), JSON.stringify(job));
    if (perRecord) process.env[FAST_PATH_ENV] = '0';
    try {
      return { summary: await runLoad(loadJobDefinition(path.join(dir, 'job.json'))), table: path.join(dir, 'warehouse', 'events') };
    } finally {
      delete process.env[FAST_PATH_ENV];
    }
  }

  async function parquetRows(table: string, db: DuckDBInstance): Promise<string[]> {
    const connection = await db.connect();
    try {
      const files = listFiles(table).filter((f) => f.endsWith('.parquet')).map((f) => `'${path.join(table, f)}'`);
      const rows = await connection.runAndReadAll(`SELECT * EXCLUDE (filename), signbit(score) AS score_negative, regexp_extract(filename, '[^/]+/[^/]+/[^/]+/[^/]+$') AS file FROM read_parquet([${files.join(', ')}], filename = true, hive_partitioning = false) ORDER BY _kafka_partition, _kafka_offset`);
      return rows.getRowObjectsJson().map((r) => JSON.stringify(r));
    } finally {
      connection.closeSync();
    }
  }

  it('same files, same dead letters, same rows: Avro byte for byte, Parquet read back by DuckDB, Avro by Apache Avro', async () => {
    fs.writeFileSync(path.join(tmp(), 'event.avsc'), JSON.stringify(SCHEMA));
    const records: RecordInput[][] = [[], []];
    for (let i = 0; i < 700; i++) {
      const odd = i % 4 === 3 ? ODD[(i >> 2) % ODD.length] : undefined;
      records[i % 2].push({ key: odd?.key ?? Buffer.from(`k-${i % 5}`), value: odd ? odd.value(i) : Buffer.from(json(i)), timestamp: START + i });
    }
    for (const [partition, batch] of records.entries()) {
      for (let first = 0; first < batch.length; first += 100) await fixture().client.produce('events', partition, buildRecordBatch(batch.slice(first, first + 100)));
    }
    // The fast path must be what decides most records here, or the comparison below proves little.
    const fast = new FastJsonPath(flatJsonSchemaOf(SCHEMA, ['partition', 'offset', 'timestamp', 'key'], 'ts', 'millis')!, parsePartitionTemplate(PARTITIONING));
    const taken = records.flat().filter((r, offset) => fast.accept(RecordColumns.of([{ offset, timestamp: r.timestamp!, key: r.key ?? null, value: r.value ?? null, headers: [] } as never]), 0, 0)).length;
    assert.ok(taken >= 500, `the fast path takes ${taken} of 700`);

    const fastRun = await load('fast', false);
    const perRecord = await load('per-record', true);
    const totals = (s: LoadSummary) => s.committed.map((r) => [r.partition, r.start, r.end, r.records, r.badRecords, r.files.map((f) => [f.path, f.records])]);
    assert.deepEqual(totals(fastRun.summary), totals(perRecord.summary));
    const badRecords = fastRun.summary.committed.reduce((sum, r) => sum + r.badRecords, 0);
    assert.ok(badRecords >= 50 && badRecords < 175, `${badRecords} bad records`);

    const dataFiles = (table: string) => listFiles(table).filter((f) => !f.startsWith('_sluice/'));
    assert.deepEqual(dataFiles(fastRun.table), dataFiles(perRecord.table));
    assert.ok(dataFiles(fastRun.table).some((f) => f.includes('/country=US%2Feast/')), `field partitions are escaped as Hive does: ${dataFiles(fastRun.table).slice(0, 40).join(' ')}`);
    for (const file of dataFiles(fastRun.table).filter((f) => f.endsWith('.avro') || f.endsWith('.jsonl'))) {
      assert.ok(fs.readFileSync(path.join(fastRun.table, file)).equals(fs.readFileSync(path.join(perRecord.table, file))), `${file} is the same bytes`);
    }

    const db = await DuckDBInstance.create(':memory:');
    const fastRows = await parquetRows(fastRun.table, db);
    assert.equal(fastRows.length, 700 - badRecords);
    assert.deepEqual(fastRows, await parquetRows(perRecord.table, db));
    // The odd good values came out as JSON.parse reads them.
    const all = fastRows.map((r) => JSON.parse(r) as Record<string, string | boolean>);
    assert.ok(all.some((r) => Number(r.score) === 0 && r.score_negative), 'score -0 keeps its sign');
    assert.ok(all.some((r) => r.score === 'Infinity') && all.some((r) => r.ratio === 'Infinity'), '1e400 and 3.5e38 are infinite');
    assert.ok(all.some((r) => String(r.page).startsWith('\u{1f600}')), 'an escaped surrogate pair as JSON.parse reads it');

    const avroOffsets = dataFiles(fastRun.table).filter((f) => f.endsWith('.avro')).flatMap((f) =>
      execFileSync('/usr/bin/python3', [path.join(REPO, 'test/formats/read-avro.py'), path.join(fastRun.table, f)], { encoding: 'utf8' }).trim().split('\n').slice(1)
        // Python's json writes the infinities bare.
        .map((line) => JSON.parse(line.replace(/-?Infinity/g, '"$&"')) as { _kafka_partition: number; _kafka_offset: number; page: string }));
    assert.deepEqual(avroOffsets.map((r) => `${r._kafka_partition}:${r._kafka_offset}:${r.page}`).sort(), all.map((r) => `${r._kafka_partition}:${r._kafka_offset}:${r.page}`).sort());
  });
});
