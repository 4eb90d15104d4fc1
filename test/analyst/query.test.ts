import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalSink } from '../../connectors/sinks/local-sink';
import type { Sink, SinkEntry } from '../../src/ports/sink';
import { buildCatalog, loadJobsDirectory } from '../../src/analyst/table-catalog';
import { QueryError, runQuery } from '../../src/analyst/query-engine';
import { formatJsonLines } from '../../src/analyst/result-format';
import { useBrokerWithTopic } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { run } from '../helpers/processes';
import { START, listFiles, pageView, pageViewValues, produceValues, writeJob } from '../helpers/page-views';
import { useTempDir } from '../helpers/temp-dir';

const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);

const VIEWS = 3000;
const tsOf = (i: number) => START + i * 4000; // 3000 views over 3⅓ hours

/** A sink that must be read through the Sink interface, as the WebHDFS sink will be: a LocalSink with no local paths. */
class RemoteLikeSink implements Sink {
  reads = 0;
  private readonly inner: LocalSink;
  constructor(root: string) {
    this.inner = new LocalSink(root);
  }
  get location(): string {
    return `remote-like:${this.inner.location}`;
  }
  get description(): string {
    return `remote-like ${this.inner.location}`;
  }
  localPath(): string | null {
    return null;
  }
  /** Data files read; the table's own state (`_sluice/`, its schema history) is read on every query and not counted. */
  async readFile(sinkPath: string): Promise<Buffer> {
    if (!sinkPath.includes('/_sluice/')) this.reads++;
    return this.inner.readFile(sinkPath);
  }
  list(dir: string): Promise<SinkEntry[]> {
    return this.inner.list(dir);
  }
  status(sinkPath: string): Promise<SinkEntry | null> {
    return this.inner.status(sinkPath);
  }
  upload(): Promise<void> {
    throw new Error('read-only in this test');
  }
  writeFile(): Promise<void> {
    throw new Error('read-only in this test');
  }
  rename(): Promise<boolean> {
    throw new Error('read-only in this test');
  }
  delete(): Promise<boolean> {
    throw new Error('read-only in this test');
  }
  mkdirs(): Promise<void> {
    throw new Error('read-only in this test');
  }
  append(): Promise<void> {
    throw new Error('read-only in this test');
  }
}

/** `sluice verify --json`'s records per hour ("2026-11-21T05" → n). */
async function verifiedHours(jobFile: string): Promise<Record<string, number>> {
  const verified = await sluice(['verify', '--job', jobFile, '--json']);
  assert.equal(verified.code, 0, verified.stderr);
  return JSON.parse(verified.stdout).hours;
}

/** Per-hour counts from `sluice query --format json`, keyed like verify's. */
async function queriedHours(dir: string, table: string): Promise<Record<string, number>> {
  const sql = `SELECT dt, hr, count(*) AS records FROM ${table} GROUP BY ALL ORDER BY ALL`;
  const result = await sluice(['query', sql, '--jobs', path.join(dir, 'jobs'), '--format', 'json']);
  assert.equal(result.code, 0, result.stderr);
  const rows = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { dt: string; hr: string; records: number });
  assert.ok(rows.every((r) => typeof r.records === 'number' && typeof r.dt === 'string' && typeof r.hr === 'string'), result.stdout);
  return Object.fromEntries(rows.map((r) => [`${r.dt}T${r.hr}`, r.records]));
}

describe('sluice query', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', 4, (c) => produceValues(c, 'page_views', 4, pageViewValues(0, VIEWS, tsOf)));
  const bootstrap = () => fixture().running.bootstrap;

  async function load(overrides: Record<string, unknown> = {}): Promise<string> {
    const job = writeJob(tmp(), overrides, bootstrap());
    const loaded = await sluice(['load', '--job', job]);
    assert.equal(loaded.code, 0, loaded.stderr);
    return job;
  }

  it('returns exactly the per-hour counts verify reports, from the Parquet tree and the Avro tree, skipping what is not committed data', async () => {
    const job = await load();
    const expected = await verifiedHours(job);
    assert.ok(Object.keys(expected).length >= 4, JSON.stringify(expected));
    // Things that are not committed data of the table: a backfill's output, a marker, a hidden file, a run's staging.
    const table = path.join(tmp(), 'warehouse/page_views');
    const someParquet = listFiles(table).find((f) => f.startsWith('parquet/dt=') && f.endsWith('.parquet'))!;
    const hourDir = path.dirname(path.join(table, someParquet));
    fs.copyFileSync(path.join(table, someParquet), path.join(hourDir, '.copy.parquet'));
    fs.writeFileSync(path.join(hourDir, '_SUCCESS'), '');
    const backfillHour = path.join(table, '_backfill/from-offset-0-to-latest/parquet', path.relative(path.join(table, 'parquet'), hourDir));
    fs.mkdirSync(backfillHour, { recursive: true });
    fs.copyFileSync(path.join(table, someParquet), path.join(backfillHour, 'x.parquet'));
    const staged = path.join(table, '_sluice/runs/r1/tmp/parquet', path.relative(path.join(table, 'parquet'), hourDir));
    fs.mkdirSync(staged, { recursive: true });
    fs.copyFileSync(path.join(table, someParquet), path.join(staged, 'y.parquet'));

    assert.deepEqual(await queriedHours(tmp(), 'page_views'), expected);
    assert.deepEqual(await queriedHours(tmp(), 'page_views_avro'), expected);
    const sql = 'SELECT DISTINCT typeof(dt) AS dt, typeof(hr) AS hr FROM page_views UNION ALL SELECT DISTINCT typeof(dt), typeof(hr) FROM page_views_avro';
    const types = await sluice(['query', sql, '--jobs', path.join(tmp(), 'jobs'), '--format', 'json']);
    assert.equal(types.stdout, '{"dt":"VARCHAR","hr":"VARCHAR"}\n{"dt":"VARCHAR","hr":"VARCHAR"}\n', types.stderr);
  });

  it('reads an Avro-only table offline (avsc into DuckDB): the same counts as verify, exact values, ISO timestamps', async () => {
    const job = await load({ output: { formats: ['avro'], avroCodec: 'snappy', sink: path.join(tmp(), 'warehouse'), table: 'page_views' } });
    assert.deepEqual(await queriedHours(tmp(), 'page_views'), await verifiedHours(job));
    const sql = 'SELECT ts, user_id, referrer, duration_ms, _kafka_offset, _kafka_timestamp FROM page_views ORDER BY ts LIMIT 2';
    const result = await sluice(['query', sql, '--jobs', path.join(tmp(), 'jobs'), '--format', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const rows = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const first = pageView(0, tsOf(0));
    const second = pageView(1, tsOf(1));
    assert.deepEqual(rows.map((r) => [r.ts, r.user_id, r.referrer, r.duration_ms]), [
      [new Date(first.ts).toISOString(), first.user_id, first.referrer, first.duration_ms],
      [new Date(second.ts).toISOString(), second.user_id, second.referrer, second.duration_ms],
    ]);
    assert.equal(typeof rows[0]._kafka_offset, 'number');
    assert.equal(rows[0]._kafka_timestamp, new Date(first.ts).toISOString());
  });

  it('prints csv (RFC 4180 quoting) and an aligned table of real rows', async () => {
    const odd = { ...pageView(7, START + 60_000), user_id: 'quoted-user', page: '/search?q="shoes, red"', referrer: null };
    await produceValues(fixture().client, 'page_views', 4, [{ key: odd.user_id, value: Buffer.from(JSON.stringify(odd)), timestamp: odd.ts }]);
    await load();
    const jobs = path.join(tmp(), 'jobs');
    const csv = await sluice(['query', "SELECT user_id, page, referrer, duration_ms FROM page_views WHERE user_id = 'quoted-user'", '--jobs', jobs, '--format', 'csv']);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout, `user_id,page,referrer,duration_ms\r\nquoted-user,"/search?q=""shoes, red""",,${odd.duration_ms}\r\n`);

    const byCountry = new Map<string, number>();
    for (let i = 0; i < VIEWS; i++) byCountry.set(pageView(i, 0).country, (byCountry.get(pageView(i, 0).country) ?? 0) + 1);
    byCountry.set(odd.country, byCountry.get(odd.country)! + 1);
    const table = await sluice(['query', 'SELECT country, count(*) AS views FROM page_views GROUP BY ALL ORDER BY country', '--jobs', jobs]);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^country\s+views$/);
    assert.match(lines[1], /^-+ +-+$/);
    const body = lines.slice(2, -1);
    assert.equal(lines.at(-1), `(${byCountry.size} rows)`);
    assert.deepEqual(body.map((line) => line.split(/\s+/)), [...byCountry].sort().map(([country, n]) => [country, String(n)]));
    // Aligned: every row is as wide as the rule, numbers right-aligned under their header.
    assert.ok(body.every((line) => line.length === lines[1].length), table.stdout);
  });

  it('exits 1 with DuckDB\'s message for bad SQL, and lists the tables for an unknown one', async () => {
    await load();
    const jobs = path.join(tmp(), 'jobs');
    const syntax = await sluice(['query', 'SELEC dt FROM page_views', '--jobs', jobs]);
    assert.equal(syntax.code, 1);
    assert.match(syntax.stderr, /Parser Error: syntax error at or near "SELEC"/);
    assert.equal(syntax.stdout, '');
    const unknown = await sluice(['query', 'SELECT count(*) FROM page_view', '--jobs', jobs]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Table with name page_view does not exist/);
    assert.match(unknown.stderr, /tables: page_views, page_views_avro/);
  });

  it('a table with nothing committed yet is empty, with its columns, and says so', async () => {
    writeJob(tmp(), {}, bootstrap());
    const catalog = buildCatalog(loadJobsDirectory(path.join(tmp(), 'jobs')));
    const result = await runQuery(catalog, 'SELECT count(*) AS n, max(ts) AS latest FROM page_views');
    assert.equal(formatJsonLines(result), '{"n":0,"latest":null}');
    assert.match(result.notices.join('\n'), /table page_views has no committed data yet/);
    const described = await runQuery(catalog, 'DESCRIBE page_views');
    assert.deepEqual(described.rows.map((r) => r[0]), ['ts', 'user_id', 'session_id', 'page', 'referrer', 'user_agent', 'duration_ms', 'country',
      '_kafka_partition', '_kafka_offset', '_kafka_timestamp', '_kafka_key', 'dt', 'hr']);
  });

  it('a table DuckDB cannot hold (a union of two types) is left out with a notice, and fails the query only when named', async () => {
    writeJob(tmp(), {}, bootstrap());
    const schema = path.join(tmp(), 'either.avsc');
    fs.writeFileSync(schema, JSON.stringify({ type: 'record', name: 'Either', fields: [{ name: 'v', type: ['int', 'string'] }] }));
    const odd = { name: 'either', source: { topic: 'either' }, value: { format: 'json', schema }, output: { formats: ['avro'], sink: path.join(tmp(), 'warehouse'), table: 'either' } };
    fs.writeFileSync(path.join(tmp(), 'jobs', 'either.json'), JSON.stringify(odd));
    const catalog = buildCatalog(loadJobsDirectory(path.join(tmp(), 'jobs')));
    const other = await runQuery(catalog, 'SELECT count(*) AS n FROM page_views');
    assert.equal(formatJsonLines(other), '{"n":0}');
    assert.match(other.notices.join('\n'), /table either is left out: field v: .*a union of 2 non-null types/);
    await assert.rejects(runQuery(catalog, 'SELECT * FROM either'), (e: Error) => e instanceof QueryError && /^table either cannot be read: field v: /.test(e.message));
  });

  it('reads a remote sink through the Sink interface into a cache, and reuses the cached copies', async () => {
    const job = await load();
    const catalog = buildCatalog(loadJobsDirectory(path.join(tmp(), 'jobs')));
    const cacheDir = path.join(tmp(), 'cache');
    const sink = new RemoteLikeSink(path.join(tmp(), 'warehouse'));
    const sql = 'SELECT dt, hr, count(*) AS records FROM page_views GROUP BY ALL ORDER BY ALL';
    const remote = await runQuery(catalog, sql, { cacheDir, openSink: () => sink });
    const hours = (text: string) => Object.fromEntries(text.split('\n').map((l) => JSON.parse(l)).map((r) => [`${r.dt}T${r.hr}`, r.records]));
    assert.deepEqual(hours(formatJsonLines(remote)), await verifiedHours(job));
    const dataFiles = (tree: string) => listFiles(path.join(tmp(), tree)).filter((f) => !path.basename(f).startsWith('_')); // not the _SUCCESS markers
    const parquetFiles = dataFiles('warehouse/page_views/parquet');
    assert.equal(sink.reads, parquetFiles.length);
    assert.deepEqual(listFiles(cacheDir).map((f) => f.split(path.sep).slice(3).join('/')), parquetFiles);
    assert.match(remote.notices.join('\n'), new RegExp(`copied ${parquetFiles.length} files`));

    const again = await runQuery(catalog, 'SELECT count(*) AS n FROM page_views_avro', { cacheDir, openSink: () => sink });
    assert.equal(formatJsonLines(again), `{"n":${VIEWS}}`);
    const avroFiles = dataFiles('warehouse/page_views/avro').length;
    assert.equal(sink.reads, parquetFiles.length + avroFiles, 'only the Avro files were read the second time');
    const cached = await runQuery(catalog, sql, { cacheDir, openSink: () => sink });
    assert.equal(sink.reads, parquetFiles.length + avroFiles, 'cached Parquet copies were reused');
    assert.equal(formatJsonLines(cached), formatJsonLines(remote));
  });
});
