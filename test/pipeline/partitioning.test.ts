import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { hiveDdl, HiveDdlError } from '../../src/analyst/hive-ddl';
import { runQuery } from '../../src/analyst/query-engine';
import { tablesOfJob } from '../../src/analyst/table-catalog';
import { JobDefinition, JobDefinitionError, loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { jobStatus } from '../../src/status/job-status';
import { renderJobStatus } from '../../src/status/render';
import { escapePathName, unescapePathName } from '../../src/table/partition-template';
import { useBrokerWithTopic } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { FakeRecordSource, FAST_RETRY } from '../helpers/fake-record-source';
import { listFiles, pageView, produceValues, REPO, START, writeJob } from '../helpers/page-views';
import { run } from '../helpers/processes';
import { useTempDir } from '../helpers/temp-dir';

const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);
const DAY = 86_400_000;

/** Page views `i` of `count`, stamped by `tsOf`, with `country` replaced by `countryOf` when given. */
function views(count: number, tsOf: (i: number) => number, countryOf?: (i: number) => string) {
  return Array.from({ length: count }, (_, i) => {
    const view = { ...pageView(i, tsOf(i)), ...(countryOf ? { country: countryOf(i) } : {}) };
    return { key: view.user_id, value: Buffer.from(JSON.stringify(view)), timestamp: view.ts };
  });
}

/** A job over an in-memory topic of two partitions (records alternate between them), loaded on the main thread. */
function memoryJob(dir: string, output: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  const job = loadJobDefinition(writeJob(dir, {
    workerThreads: 0,
    output: { formats: ['parquet'], sink: path.join(dir, 'warehouse'), table: 'page_views', ...output },
    completeness: { idlePartitions: 'hold' },
    ...overrides,
  }, '127.0.0.1:1'));
  const source = new FakeRecordSource('page_views', 2, 500, FAST_RETRY);
  const load = (records: ReturnType<typeof views>) => {
    records.forEach((r, i) => source.append(i % 2, [{ key: Buffer.from(r.key), value: r.value, timestamp: r.timestamp }]));
    return runLoad(job, {
      openSource: async () => {
        source.closed = false;
        return source;
      },
    });
  };
  return { job, load, table: path.join(dir, 'warehouse', 'page_views') };
}

/** Every row of each Parquet file (DuckDB reading the file alone, no hive partitioning), by file. */
async function parquetRows(root: string, columns: string): Promise<Map<string, Record<string, unknown>[]>> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const result = new Map<string, Record<string, unknown>[]>();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    for (const file of listFiles(root).filter((f) => f.endsWith('.parquet'))) {
      const reader = await connection.runAndReadAll(`SELECT ${columns} FROM read_parquet('${path.join(root, file)}', hive_partitioning = false)`);
      result.set(file, reader.getRowObjectsJson() as Record<string, unknown>[]);
    }
  } finally {
    connection.closeSync();
  }
  return result;
}

const markers = (root: string) => listFiles(root).filter((f) => f.endsWith('_SUCCESS')).map((f) => path.dirname(f));
const utcDay = (ts: number) => new Date(ts).toISOString().slice(0, 10);

async function queried(job: JobDefinition, sql: string): Promise<unknown[][]> {
  const result = await runQuery(tablesOfJob(job), sql);
  return result.rows.map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}

describe('output.partitioning', function () {
  this.timeout(60_000);
  const tmp = useTempDir();

  it('escapes values as Hive does: control characters and "#%\'*/:=?\\{[]^ as %XX, null and "" as the default partition', () => {
    assert.equal(escapePathName('a/b=c%'), 'a%2Fb%3Dc%25');
    assert.equal(escapePathName('x"#\'*:?\\{[]^\u0001\u007f y-ü'), 'x%22%23%27%2A%3A%3F%5C%7B%5B%5D%5E%01%7F y-ü');
    assert.equal(escapePathName(null), '__HIVE_DEFAULT_PARTITION__');
    assert.equal(escapePathName(''), '__HIVE_DEFAULT_PARTITION__');
    assert.equal(unescapePathName('a%2Fb%3Dc%25'), 'a/b=c%');
    assert.equal(unescapePathName('__HIVE_DEFAULT_PARTITION__'), null);
  });

  it('refuses a template that is not well formed, or names a field the schema lacks, naming output.partitioning', () => {
    const refused: [string, RegExp][] = [
      ['dt={yyyy-MM-dd}/min={mm}', /\{mm\} needs \{HH\} before it/],
      ['month={yyyy-MM}', /must reach at least the day/],
      ['dt={yyyy-dd}', /\{dd\} needs \{MM\} before it/],
      ['dt={YYYY-MM-dd}', /week-based year .*use yyyy/],
      ['dt={yyyy-MM-dd}/country={country}', /field segments must come before the time segments/],
      ['region={region}/dt={yyyy-MM-dd}', /\{region\} is not a field of the schema \(its fields: ts, user_id/],
      ['t={ts}/dt={yyyy-MM-dd}', /field ts has logical type timestamp-millis/],
      ['{yyyy-MM-dd}', /must be name=\{placeholder\}/],
      ['dt={yyyy-MM-dd}/DT={HH}', /appears twice/],
      ['page={country}/dt={yyyy-MM-dd}', /partition column page has the name of the schema's field page/],
      ['country={country}', /needs time segments/],
    ];
    for (const [template, message] of refused) {
      const file = writeJob(tmp(), { output: { formats: ['parquet'], sink: path.join(tmp(), 'w'), table: 't', partitioning: template } });
      assert.throws(() => loadJobDefinition(file), (error: Error) => {
        assert.ok(error instanceof JobDefinitionError, String(error));
        assert.ok(error.message.startsWith(`${file}: output.partitioning: ${JSON.stringify(template)}: `), error.message);
        assert.match(error.message, message);
        return true;
      }, template);
    }
  });

  it('checks the fields again against the schema a run resolves, before writing anything', async () => {
    const schemaFile = path.join(tmp(), 'page_view.avsc');
    const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'schemas/page_view.avsc'), 'utf8')) as { fields: { name: string }[] };
    fs.writeFileSync(schemaFile, JSON.stringify(schema));
    const { job, load, table } = memoryJob(tmp(), { partitioning: 'country={country}/dt={yyyy-MM-dd}' }, { value: { format: 'json', schema: schemaFile } });
    fs.writeFileSync(schemaFile, JSON.stringify({ ...schema, fields: schema.fields.filter((f) => f.name !== 'country') }));
    await assert.rejects(load(views(10, (i) => START + i)), (error: Error) => error instanceof JobDefinitionError
      && error.message === `${job.file}: output.partitioning: "country={country}/dt={yyyy-MM-dd}": {country} is not a field of the schema (its fields: ts, user_id, session_id, page, referrer, user_agent, duration_ms) (${schemaFile})`);
    assert.deepEqual(listFiles(table), []);
  });

  it('refuses to load into a table written with another template, whose files it would no longer find', async () => {
    const hourly = memoryJob(tmp(), {});
    await hourly.load(views(10, (i) => START + i * 60_000));
    const before = listFiles(hourly.table);
    assert.ok(before.some((f) => /^dt=2026-11-21\/hr=00\/page_views\+0\+0\+5\+0\.parquet$/.test(f)), before.join());
    const daily = memoryJob(tmp(), { partitioning: 'dt={yyyy-MM-dd}' });
    await assert.rejects(daily.load(views(30, (i) => START + i * 60_000)), (error: Error) => error instanceof JobDefinitionError
      && /: output\.partitioning: "dt=\{yyyy-MM-dd\}": table page_views was written with another partitioning \(its file dt=2026-11-21\/hr=00\/page_views\+0\+0\+5\+0\.parquet does not fit the template\)/.test(error.message));
    assert.deepEqual(listFiles(hourly.table).filter((f) => !f.startsWith('_sluice/')), before.filter((f) => !f.startsWith('_sluice/')));
  });

  it('daily: one dt= directory per day, _SUCCESS per complete day; verify, status, hive-ddl and query count days', async () => {
    const { job, load, table } = memoryJob(tmp(), { partitioning: 'dt={yyyy-MM-dd}' });
    const records = views(3000, (i) => START + i * 61_000); // to 2026-11-23T02:49Z
    await load(records);
    const rows = await parquetRows(table, 'ts, _kafka_offset');
    for (const [file, fileRows] of rows) {
      const dt = /^dt=(\d{4}-\d{2}-\d{2})\/page_views\+\d\+\d+\+\d+\+\d+\.parquet$/.exec(file)?.[1];
      assert.ok(dt, file);
      for (const row of fileRows) assert.equal(utcDay(Date.parse(String(row.ts))), dt, file);
    }
    const perDay = new Map<string, number>();
    for (const r of records) perDay.set(utcDay(r.timestamp), (perDay.get(utcDay(r.timestamp)) ?? 0) + 1);
    assert.equal([...rows.values()].flat().length, 3000);
    // The low watermark (the slower partition's latest event) is past the ends of the 21st and 22nd plus 600 s.
    assert.deepEqual(markers(table), ['dt=2026-11-21', 'dt=2026-11-22']);

    const verify = await sluice(['verify', '--job', job.file]);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, new RegExp(`records per day:\\n {2}2026-11-21 {2}${perDay.get('2026-11-21')}\\n {2}2026-11-22 {2}${perDay.get('2026-11-22')}\\n {2}2026-11-23 {2}${perDay.get('2026-11-23')}\\n`));
    const status = renderJobStatus(await jobStatus(job, { runs: 1 }));
    assert.ok(status.includes('  complete days (_SUCCESS): 2026-11-21..2026-11-22 (2 days)'), status.join('\n'));
    assert.ok(status.includes('  newest incomplete day: 2026-11-23'), status.join('\n'));

    const ddl = await hiveDdl(job, new LocalSink(path.join(tmp(), 'warehouse')));
    assert.match(ddl[0], /\nPARTITIONED BY \(`dt` STRING\)\n/);
    assert.deepEqual(ddl.slice(1).map((s) => /PARTITION \((.*)\) LOCATION '[^']*\/page_views\/(.*)';$/.exec(s)?.slice(1)), [
      ["dt='2026-11-21'", 'dt=2026-11-21'], ["dt='2026-11-22'", 'dt=2026-11-22'], ["dt='2026-11-23'", 'dt=2026-11-23'],
    ]);
    assert.deepEqual(await queried(job, 'SELECT dt, count(*) FROM page_views GROUP BY dt ORDER BY dt'), [...perDay.entries()].sort());
  });

  it('minute granularity in a zone half an hour off UTC: dt=/hr=/min= local directories, _SUCCESS per complete minute', async () => {
    const { job, load, table } = memoryJob(tmp(), { partitioning: 'dt={yyyy-MM-dd}/hr={HH}/min={mm}' }, { time: { field: 'ts', timezone: 'Asia/Kolkata' }, completeness: { idlePartitions: 'hold', delaySeconds: 0 } });
    const records = views(200, (i) => START + i * 7_000); // 00:00:00Z .. 00:23:13Z = 05:30 .. 05:53 in Kolkata
    await load(records);
    const local = (ts: number) => new Date(ts + 5.5 * 3_600_000).toISOString();
    const expectedDirs = [...new Set(records.map((r) => local(r.timestamp)).map((iso) => `dt=${iso.slice(0, 10)}/hr=${iso.slice(11, 13)}/min=${iso.slice(14, 16)}`))];
    assert.equal(expectedDirs.length, 24);
    const rows = await parquetRows(table, 'ts');
    assert.deepEqual([...new Set([...rows.keys()].map((f) => path.dirname(f)))].sort(), expectedDirs.sort());
    for (const [file, fileRows] of rows) {
      for (const row of fileRows) {
        const iso = local(Date.parse(String(row.ts)));
        assert.equal(path.dirname(file), `dt=${iso.slice(0, 10)}/hr=${iso.slice(11, 13)}/min=${iso.slice(14, 16)}`);
      }
    }
    assert.equal([...rows.values()].flat().length, 200);
    // The slower partition's latest event is 00:23:06Z: minutes up to 05:52 local are over, 05:53 is not.
    assert.deepEqual(markers(table), expectedDirs.filter((d) => !d.endsWith('min=53')));
    const ddl = await hiveDdl(job, new LocalSink(path.join(tmp(), 'warehouse')));
    assert.match(ddl[0], /\nPARTITIONED BY \(`dt` STRING, `hr` STRING, `min` STRING\)\n/);
    assert.equal(ddl.length, 1 + 24);
    assert.match(ddl[1], /PARTITION \(dt='2026-11-21', hr='05', min='30'\) LOCATION '[^']*\/page_views\/dt=2026-11-21\/hr=05\/min=30';$/);
    const perMinute = await queried(job, 'SELECT hr, min, count(*) FROM page_views GROUP BY ALL ORDER BY ALL');
    assert.deepEqual(perMinute.map(([hr, min]) => `${hr}:${min}`), expectedDirs.map((d) => d.replace(/^dt=[^/]+\/hr=(\d+)\/min=(\d+)$/, '$1:$2')));
    assert.equal(perMinute.reduce((sum, [, , n]) => sum + Number(n), 0), 200);
  });

  it('by field: country={country}/dt= with awkward values escaped as Hive does, markers under every country, hive-ddl and query agree', async () => {
    const countries = ['FR', 'a/b=c%', '', 'FR'];
    const { job, load, table } = memoryJob(tmp(), { partitioning: 'country={country}/dt={yyyy-MM-dd}' });
    // Only FR after the 21st; the 22nd is complete, so the other countries' directories of it hold only the marker.
    const records = views(400, (i) => START + i * 600_000, (i) => (i < 144 ? countries[i % 4] : 'FR')); // to 2026-11-23T18:30Z
    await load(records);
    const rows = await parquetRows(table, 'country, ts');
    const dirs = new Set<string>();
    for (const [file, fileRows] of rows) {
      const dir = path.dirname(file);
      dirs.add(dir);
      const [countryDir, dtDir] = dir.split('/');
      for (const row of fileRows) {
        assert.equal(countryDir, `country=${escapePathName(String(row.country))}`);
        assert.equal(dtDir, `dt=${utcDay(Date.parse(String(row.ts)))}`);
      }
    }
    assert.deepEqual([...dirs].sort(), [
      'country=FR/dt=2026-11-21', 'country=FR/dt=2026-11-22', 'country=FR/dt=2026-11-23', 'country=__HIVE_DEFAULT_PARTITION__/dt=2026-11-21', 'country=a%2Fb%3Dc%25/dt=2026-11-21',
    ]);
    assert.equal([...rows.values()].flat().length, 400);
    assert.deepEqual(markers(table), [
      'country=FR/dt=2026-11-21', 'country=__HIVE_DEFAULT_PARTITION__/dt=2026-11-21', 'country=a%2Fb%3Dc%25/dt=2026-11-21',
      'country=FR/dt=2026-11-22', 'country=__HIVE_DEFAULT_PARTITION__/dt=2026-11-22', 'country=a%2Fb%3Dc%25/dt=2026-11-22',
    ].sort());

    const ddl = await hiveDdl(job, new LocalSink(path.join(tmp(), 'warehouse')));
    assert.match(ddl[0], /\nPARTITIONED BY \(`country` STRING, `dt` STRING\)\n/);
    assert.doesNotMatch(ddl[0].split('PARTITIONED BY')[0], /`country`/, 'Hive takes the partition column apart from the table columns');
    assert.deepEqual(ddl.slice(1).map((s) => /PARTITION \((.*)\) LOCATION '[^']*\/page_views\/(.*)';$/.exec(s)?.slice(1)), [
      ["country='FR', dt='2026-11-21'", 'country=FR/dt=2026-11-21'],
      ["country='FR', dt='2026-11-22'", 'country=FR/dt=2026-11-22'],
      ["country='FR', dt='2026-11-23'", 'country=FR/dt=2026-11-23'],
      ["country='__HIVE_DEFAULT_PARTITION__', dt='2026-11-21'", 'country=__HIVE_DEFAULT_PARTITION__/dt=2026-11-21'],
      ["country='a/b=c%', dt='2026-11-21'", 'country=a%2Fb%3Dc%25/dt=2026-11-21'],
    ]);
    // As in Hive, the value comes from the directory: the empty string is the default partition, NULL.
    assert.deepEqual(await queried(job, 'SELECT country, dt, count(*) FROM page_views GROUP BY ALL ORDER BY ALL NULLS LAST'), [
      ['FR', '2026-11-21', 72], ['FR', '2026-11-22', 144], ['FR', '2026-11-23', 112], ['a/b=c%', '2026-11-21', 36], [null, '2026-11-21', 36],
    ]);
    const avro = memoryJob(path.join(tmp(), 'avro'), { formats: ['avro'], partitioning: 'country={country}/dt={yyyy-MM-dd}' });
    await assert.rejects(hiveDdl(avro.job, new LocalSink(path.join(tmp(), 'avro', 'warehouse'))), (error: Error) =>
      error instanceof HiveDdlError && /output\.partitioning: the partition column country is also a field, .*AvroSerDe/.test(error.message));
  });

  describe('through a real broker', () => {
    const fixture = useBrokerWithTopic('page_views', 2);

    it('loads Avro and Parquet under page_country=/dt=; python3-avro, sluice hive-ddl and sluice query agree with the files', async () => {
      const records = views(600, (i) => START + i * 300_000, (i) => ['DE', 'JP', 'x y#1'][i % 3]); // to 2026-11-23T01:55Z
      await produceValues(fixture().client, 'page_views', 2, records);
      const file = writeJob(tmp(), {
        output: { formats: ['avro', 'parquet'], sink: path.join(tmp(), 'warehouse'), table: 'page_views', partitioning: 'page_country={country}/dt={yyyy-MM-dd}' },
      }, fixture().running.bootstrap);
      const job = loadJobDefinition(file);
      const summary = await runLoad(job);
      assert.equal(summary.committed.reduce((sum, r) => sum + r.records, 0), 600);
      const table = path.join(tmp(), 'warehouse', 'page_views');
      const avroFiles = listFiles(path.join(table, 'avro')).filter((f) => f.endsWith('.avro'));
      const read = await run('/usr/bin/python3', ['-c', [
        'import json, sys', 'from avro.datafile import DataFileReader', 'from avro.io import DatumReader',
        'for name in sys.argv[1:]:',
        '    with open(name, "rb") as f:',
        '        print(json.dumps([[r["country"], r["ts"].isoformat()[:10]] for r in DataFileReader(f, DatumReader())]))',
      ].join('\n'), ...avroFiles.map((f) => path.join(table, 'avro', f))]);
      assert.equal(read.code, 0, read.stderr);
      const avroRows = read.stdout.trim().split('\n').map((line) => JSON.parse(line) as [string, string][]);
      avroFiles.forEach((f, i) => {
        for (const [country, day] of avroRows[i]) assert.equal(path.dirname(f), `page_country=${escapePathName(country)}/dt=${day}`);
      });
      assert.equal(avroRows.flat().length, 600);
      const dirs = [...new Set(avroFiles.map((f) => path.dirname(f)))].sort();
      assert.deepEqual(dirs, ['DE', 'JP', 'x y%231'].flatMap((c) => ['2026-11-21', '2026-11-22', '2026-11-23'].map((d) => `page_country=${c}/dt=${d}`)));

      const printed = await sluice(['hive-ddl', '--job', file]);
      assert.equal(printed.code, 0, printed.stderr);
      for (const name of ['page_views', 'page_views_avro']) {
        const located = [...printed.stdout.matchAll(new RegExp(`^ALTER TABLE \`${name}\` ADD IF NOT EXISTS PARTITION \\(page_country='([^']*)', dt='([^']*)'\\) LOCATION '[^']*/page_views/(?:avro|parquet)/(.*)';$`, 'gm'))];
        assert.deepEqual(located.map((m) => m[3]), dirs, name);
        assert.deepEqual(located.map((m) => `page_country=${escapePathName(m[1])}/dt=${m[2]}`), dirs, name);
      }
      assert.equal((printed.stdout.match(/PARTITIONED BY \(`page_country` STRING, `dt` STRING\)/g) ?? []).length, 2);

      const expected = new Map<string, number>();
      for (const r of records) {
        const key = `${(JSON.parse(r.value.toString()) as { country: string }).country}|${utcDay(r.timestamp)}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      for (const name of ['page_views', 'page_views_avro']) {
        const sql = `SELECT page_country, dt, count(*) AS n FROM ${name} GROUP BY ALL ORDER BY ALL`;
        const result = await sluice(['query', sql, '--jobs', path.join(tmp(), 'jobs'), '--format', 'json']);
        assert.equal(result.code, 0, result.stderr);
        const got = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { page_country: string; dt: string; n: number });
        assert.deepEqual(new Map(got.map((r) => [`${r.page_country}|${r.dt}`, r.n])), expected, name);
      }
      assert.ok(fs.existsSync(path.join(table, 'parquet', 'page_country=x y%231', 'dt=2026-11-21', '_SUCCESS')));
      assert.ok(Date.now() - START > 2 * DAY);
    });
  });
});
