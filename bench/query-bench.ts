// `sluice query` over the same page views stored as Avro and as Parquet (npm run bench:query): the time of runQuery
// (catalog to rows: views made, files read, SQL run) for each table, with and without an hour filter, and the ratio.
// The Avro table is timed three ways: without the Parquet cache (avro-parquet-cache.ts), with it empty (the first
// query over those files: it converts them), and with it filled (later queries). Last, `sluice query` as a user
// runs it: a fresh process per query (Node's start, the JIT cold, the cache empty), the hour's queries only.
// The tables are written straight through the file writers (no broker), 24 hours × 2 files, into
// $BENCH_DIR (default: the temp dir), and reused by later runs with the same row count.
// BENCH_ROWS (default 3,500,000), BENCH_RUNS (default 2, the best is kept; short queries up to 7 within 2 s), BENCH_AVRO_WORKERS (the pool's size).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAvroFileWriter } from '../src/formats/avro-file-writer';
import { createParquetFileWriter } from '../src/formats/parquet-file-writer';
import { loadAvroSchema } from '../src/formats/avro-schema';
import type { RecordFileWriter } from '../src/formats/record-file-writer';
import { buildCatalog, loadJobsDirectory } from '../src/analyst/table-catalog';
import { runQuery } from '../src/analyst/query-engine';
import { DEFAULT_AVRO_DECODING } from '../src/analyst/avro-decode-pool';
import { DEFAULT_AVRO_CACHE_MAX_BYTES } from '../src/analyst/avro-parquet-cache';
import { syntheticPageViews } from './synthetic-page-views';

const ROWS = Number(process.env.BENCH_ROWS ?? 3_500_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
/** Short queries run again, up to 7 times, while they have taken under 2 s: tens of milliseconds vary run to run. */
const MAX_RUNS = Math.max(RUNS, 7);
const SPENT_SECONDS = 2;
const HOURS = 24;
const FILES_PER_HOUR = 2;
const DAY = '2026-01-01';
const SCHEMA_FILE = path.resolve(__dirname, '../../schemas/page_view.avsc');
const BATCH = 50_000;
const DECODING = { ...DEFAULT_AVRO_DECODING, workers: Number(process.env.BENCH_AVRO_WORKERS ?? DEFAULT_AVRO_DECODING.workers) };
const ONLY = process.env.BENCH_QUERIES; // e.g. "1,2": run only those queries (0-based)

const root = path.join(process.env.BENCH_DIR ?? os.tmpdir(), `sluice-query-bench-${ROWS}`);
const hr = (hour: number) => String(hour).padStart(2, '0');

function writeJobs(): void {
  fs.mkdirSync(path.join(root, 'jobs'), { recursive: true });
  for (const format of ['avro', 'parquet']) {
    const job = {
      name: `pv_${format}`, source: { bootstrap: '127.0.0.1:9', topic: 'page_views' }, value: { format: 'json', schema: SCHEMA_FILE },
      output: { formats: [format], avroCodec: 'deflate', sink: path.join(root, 'warehouse'), table: `pv_${format}` }, time: { field: 'ts' },
    };
    fs.writeFileSync(path.join(root, 'jobs', `pv_${format}.json`), JSON.stringify(job, null, 2));
  }
}

/** Rows i..i+n of the benchmark, their event time moved into hour `hour` so the files' dt/hr hold their rows. */
function rowsOf(from: number, count: number, hour: number) {
  const base = Date.parse(`${DAY}T${hr(hour)}:00:00Z`);
  return syntheticPageViews(from, count).map((r, k) => ({ ...r, ts: base + ((from + k) % 3_600_000) }));
}

async function buildTables(): Promise<void> {
  const done = path.join(root, 'complete');
  if (fs.existsSync(done)) return;
  fs.rmSync(path.join(root, 'warehouse'), { recursive: true, force: true });
  const { schema } = loadAvroSchema(SCHEMA_FILE);
  const started = Date.now();
  const perFile = Math.ceil(ROWS / (HOURS * FILES_PER_HOUR));
  let written = 0;
  for (let hour = 0; hour < HOURS; hour++) {
    for (let part = 0; part < FILES_PER_HOUR && written < ROWS; part++) {
      const count = Math.min(perFile, ROWS - written);
      const writers: RecordFileWriter[] = ['avro', 'parquet'].map((format) => {
        const dir = path.join(root, 'warehouse', `pv_${format}`, `dt=${DAY}`, `hr=${hr(hour)}`);
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `page_views+${part}+0000000000.${format}`);
        return format === 'avro' ? createAvroFileWriter({ path: file, schema, codec: 'deflate' }) : createParquetFileWriter({ path: file, schema, compression: 'snappy' });
      });
      for (let at = 0; at < count; at += BATCH) {
        for (const record of rowsOf(written + at, Math.min(BATCH, count - at), hour)) for (const writer of writers) writer.write(record);
      }
      await Promise.all(writers.map((w) => w.close()));
      written += count;
    }
  }
  fs.writeFileSync(done, '');
  console.log(`built ${ROWS.toLocaleString('en-US')} rows × 2 formats in ${((Date.now() - started) / 1000).toFixed(1)} s under ${root}`);
}

const CACHE_DIR = path.join(root, 'avro-as-parquet');
type CacheUse = 'none' | 'cold' | 'warm';

/**
 * The best of RUNS runs (more for short queries), to the rows (runQuery's onResult) and to its end (with the cache's conversions written);
 * `cold` empties the Avro cache before each run, `warm` fills it once first.
 */
async function timed(sql: string, cache: CacheUse = 'none'): Promise<{ seconds: number; whole: number; rows: string }> {
  const catalog = buildCatalog(loadJobsDirectory(path.join(root, 'jobs')));
  const avroCache = cache === 'none' ? false as const : { dir: CACHE_DIR, maxBytes: DEFAULT_AVRO_CACHE_MAX_BYTES };
  if (cache === 'warm') await runQuery(catalog, sql, { avroDecoding: DECODING, avroCache });
  let best = Infinity;
  let whole = Infinity;
  let rows = '';
  const began = process.hrtime.bigint();
  for (let run = 0; run < RUNS || (run < MAX_RUNS && Number(process.hrtime.bigint() - began) / 1e9 < SPENT_SECONDS); run++) {
    if (cache === 'cold') fs.rmSync(CACHE_DIR, { recursive: true, force: true });
    const started = process.hrtime.bigint();
    let answered = started;
    const result = await runQuery(catalog, sql, { avroDecoding: DECODING, avroCache, onResult: () => { answered = process.hrtime.bigint(); } });
    best = Math.min(best, Number(answered - started) / 1e9);
    whole = Math.min(whole, Number(process.hrtime.bigint() - started) / 1e9);
    rows = JSON.stringify(result.rows, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  }
  return { seconds: best, whole, rows };
}

async function main(): Promise<void> {
  writeJobs();
  await buildTables();
  console.log(`${ROWS.toLocaleString('en-US')} page views, ${HOURS} hours × ${FILES_PER_HOUR} files; Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; Avro decoding on ${DECODING.workers < 2 ? 'the main thread' : `${DECODING.workers} worker threads`}`);
  const queries: [string, string][] = [
    ['all hours', 'SELECT count(*), count(DISTINCT user_id), sum(duration_ms) FROM {t}'],
    ['one hour (dt = … AND hr = …)', `SELECT count(*), count(DISTINCT user_id), sum(duration_ms) FROM {t} WHERE dt = '${DAY}' AND hr = '05'`],
    ['three hours (hr IN (…))', `SELECT hr, count(*) FROM {t} WHERE dt = '${DAY}' AND hr IN ('05', '06', '07') GROUP BY hr ORDER BY hr`],
    ['one hour, every column (*)', `SELECT * FROM {t} WHERE dt = '${DAY}' AND hr = '05' ORDER BY ts, user_id, session_id LIMIT 3`],
    ['all hours, every column (*)', 'SELECT * FROM {t} ORDER BY ts, user_id, session_id LIMIT 3'],
  ];
  for (const [index, [label, sql]] of queries.entries()) {
    if (ONLY !== undefined && !ONLY.split(',').includes(String(index))) continue;
    const avro = await timed(sql.replace('{t}', 'pv_avro'));
    const cold = await timed(sql.replace('{t}', 'pv_avro'), 'cold');
    const warm = await timed(sql.replace('{t}', 'pv_avro'), 'warm');
    const parquet = await timed(sql.replace('{t}', 'pv_parquet'));
    const differ = [avro, cold, warm].find((r) => r.rows !== parquet.rows);
    const same = differ ? `ROWS DIFFER: ${differ.rows} vs ${parquet.rows}` : 'same rows';
    const figure = (r: { seconds: number }) => `${r.seconds.toFixed(2).padStart(5)} s (${(r.seconds / parquet.seconds).toFixed(1).padStart(4)}×)`;
    const written = `cache written by ${cold.whole.toFixed(2)} s`;
    console.log(`${label.padEnd(29)} Parquet ${parquet.seconds.toFixed(2).padStart(5)} s | Avro uncached ${figure(avro)}, cache cold ${figure(cold)} (${written}), warm ${figure(warm)}   ${same}`);
  }
  if (ONLY === undefined) cliRows(queries);
}

const CLI = path.resolve(__dirname, '../../bin/sluice.js');

/** The best of 3 wall times of `sluice query` in a fresh process, each with an empty cache directory. */
function cliSeconds(sql: string): number {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-query-bench-cli-'));
    const started = process.hrtime.bigint();
    execFileSync(process.execPath, [CLI, 'query', sql, '--jobs', path.join(root, 'jobs'), '--cache-dir', cacheDir, '--format', 'csv'], { stdio: ['ignore', 'ignore', 'inherit'] });
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
  return best;
}

function cliRows(queries: [string, string][]): void {
  for (const [label, sql] of queries.filter(([, q]) => q.includes("hr = '05'"))) {
    const parquet = cliSeconds(sql.replace('{t}', 'pv_parquet'));
    const avro = cliSeconds(sql.replace('{t}', 'pv_avro'));
    console.log(`sluice query, fresh process: ${label.padEnd(29)} Parquet ${parquet.toFixed(2)} s | Avro ${avro.toFixed(2)} s (${(avro / parquet).toFixed(1)}×)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
