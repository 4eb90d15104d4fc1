// Parquet writing (node dist/bench/parquet-bench.js): 1,000,000 page-view records (schemas/page_view.avsc,
// avsc's in-memory form) through each write strategy tried for createParquetFileWriter, each in its own
// child process so that peak RSS is its own. Records are made in batches of 50,000 outside the timing
// (as a load job never holds a whole hour in memory); the clock runs from the first write to the file
// being complete. Slow strategies run on 200,000 records and are extrapolated. `node ... <strategy>`
// runs one strategy alone.
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  BIGINT, DuckDBAppender, DuckDBConnection, DuckDBDataChunk, DuckDBInstance, DuckDBType, INTEGER, timestampTZValue, VARCHAR,
} from '@duckdb/node-api';
import { createParquetFileWriter } from '../src/formats/parquet-file-writer';
import type { AvroRecord, AvroSchema } from '../src/formats/record-file-writer';
import { syntheticPageViews as pageViews } from './synthetic-page-views';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const SLOW_RECORDS = Math.min(RECORDS, 200_000);
const BATCH = 50_000;
const SCHEMA = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../schemas/page_view.avsc'), 'utf8')) as AvroSchema;
const FIELDS = ['ts', 'user_id', 'session_id', 'page', 'referrer', 'user_agent', 'duration_ms', 'country'];
const STAGING_COLUMNS = 'ts BIGINT, user_id VARCHAR, session_id VARCHAR, page VARCHAR, referrer VARCHAR, user_agent VARCHAR, duration_ms INTEGER, country VARCHAR';
const TO_OUTPUT = `make_timestamptz(ts * 1000) AS ts, ${FIELDS.slice(1).join(', ')}`;
const COPY_OPTIONS = '(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)';
const JSON_COLUMNS = `{ts: 'BIGINT', ${FIELDS.slice(1).map((f) => `${f}: '${f === 'duration_ms' ? 'INTEGER' : 'VARCHAR'}'`).join(', ')}}`;

const now = () => process.hrtime.bigint();
const secondsSince = (start: bigint) => Number(now() - start) / 1e9;

/** CPU seconds (all threads) spent in the timed parts. */
const cpuSeconds = { append: 0, file: 0 };

async function timedFile(finish: () => Promise<unknown>): Promise<number> {
  const start = now();
  const cpu = process.cpuUsage();
  await finish();
  const used = process.cpuUsage(cpu);
  cpuSeconds.file += (used.user + used.system) / 1e6;
  return secondsSince(start);
}

/** Runs `write` on each batch of records, timing only `write`; yields between batches as a fetch loop would. */
async function timedBatches(count: number, write: (records: AvroRecord[]) => void | Promise<void>): Promise<number> {
  let seconds = 0;
  for (let from = 0; from < count; from += BATCH) {
    const records = pageViews(from, Math.min(BATCH, count - from));
    const start = now();
    const cpu = process.cpuUsage();
    await write(records);
    seconds += secondsSince(start);
    const used = process.cpuUsage(cpu);
    cpuSeconds.append += (used.user + used.system) / 1e6;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return seconds;
}

interface Measured { rows: number; appendSeconds: number; fileSeconds: number; file: string }

interface Strategy { label: string; rows: number; run(file: string): Promise<Measured> }

let engine: Promise<DuckDBInstance> | undefined;
/** Set like createParquetFileWriter's shared DuckDB, so that peak RSS compares like with like. */
async function connect(): Promise<DuckDBConnection> {
  engine ??= DuckDBInstance.create(':memory:', { memory_limit: '128MB', temp_directory: path.join(os.tmpdir(), `sluice-bench-duckdb-${process.pid}`) });
  return (await engine).connect();
}

/** Appender per value into a staging table, then COPY ... TO: the shape shared by the appender strategies. */
async function viaTable(file: string, rows: number, options: { transaction: boolean; flushEvery?: number; typed?: boolean; chunks?: boolean }): Promise<Measured> {
  const connection = await connect();
  if (options.transaction) await connection.run('BEGIN TRANSACTION');
  await connection.run(`CREATE TABLE staged (${options.typed ? STAGING_COLUMNS.replace('ts BIGINT', 'ts TIMESTAMPTZ') : STAGING_COLUMNS})`);
  const appender = await connection.createAppender('staged');
  let appended = 0;
  const appendSeconds = await timedBatches(rows, (records) => {
    if (options.chunks) return appendChunks(appender, records);
    for (const r of records) {
      if (options.typed) appender.appendTimestampTZ(timestampTZValue(BigInt(r.ts as number) * 1000n));
      else appender.appendBigInt(BigInt(r.ts as number));
      appender.appendVarchar(r.user_id as string);
      appender.appendVarchar(r.session_id as string);
      appender.appendVarchar(r.page as string);
      if (r.referrer === null) appender.appendNull();
      else appender.appendVarchar(r.referrer as string);
      appender.appendVarchar(r.user_agent as string);
      appender.appendInteger(r.duration_ms as number);
      appender.appendVarchar(r.country as string);
      appender.endRow();
      if (options.flushEvery && ++appended % options.flushEvery === 0) appender.flushSync();
    }
  });
  const fileSeconds = await timedFile(async () => {
    appender.closeSync();
    await connection.run(`COPY (SELECT ${options.typed ? '*' : TO_OUTPUT} FROM staged) TO '${file}' ${COPY_OPTIONS}`);
  });
  if (options.transaction) await connection.run('ROLLBACK');
  connection.closeSync();
  return { rows, appendSeconds, fileSeconds, file };
}

const CHUNK_TYPES: DuckDBType[] = [BIGINT, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, INTEGER, VARCHAR];

/** Column vectors of 2,048 rows (DuckDB's vector size), filled with setItem and appended whole. */
function appendChunks(appender: DuckDBAppender, records: AvroRecord[]): void {
  for (let from = 0; from < records.length; from += 2048) {
    const rows = Math.min(2048, records.length - from);
    const chunk = DuckDBDataChunk.create(CHUNK_TYPES, rows);
    const vectors = CHUNK_TYPES.map((_, i) => chunk.getColumnVector(i));
    for (let row = 0; row < rows; row++) {
      const r = records[from + row];
      vectors[0].setItem(row, BigInt(r.ts as number));
      for (let c = 1; c < FIELDS.length; c++) vectors[c].setItem(row, r[FIELDS[c]] as string | number | null);
    }
    for (const vector of vectors) vector.flush();
    appender.appendDataChunk(chunk);
  }
}

type LineOf = (record: AvroRecord) => string;

const rawLine: LineOf = (record) => `${JSON.stringify(record)}\n`;

/**
 * What an exact NDJSON writer must do per field: check the type (read_json would round 1.5 into an
 * INTEGER), and keep to the field list. (Doubles would also need NaN, ±Infinity and -0 as strings,
 * bytes as base64, and strings checked for lone surrogates, which read_json rejects; page views have none.)
 */
function checkedLine(): LineOf {
  const parts = FIELDS.map((field, i) => {
    const prefix = `${i === 0 ? '{' : ','}${JSON.stringify(field)}:`;
    if (field === 'ts' || field === 'duration_ms') {
      return (v: unknown) => {
        if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`${field}: not an integer`);
        return prefix + v;
      };
    }
    return (v: unknown) => {
      if (typeof v === 'string') return prefix + JSON.stringify(v);
      if (v === null && field === 'referrer') return `${prefix}null`;
      throw new Error(`${field}: not a string`);
    };
  });
  return (record) => {
    let line = '';
    for (let i = 0; i < parts.length; i++) line += parts[i](record[FIELDS[i]]);
    return `${line}}\n`;
  };
}

/** A line per record into a temporary NDJSON file (1 MiB writes), then read_json into COPY. */
async function viaNdjson(file: string, rows: number, lineOf: LineOf, timeLines: boolean): Promise<Measured> {
  const ndjson = `${file}.ndjson`;
  const fd = fs.openSync(ndjson, 'w');
  let pending: string[] = [];
  let pendingChars = 0;
  const flush = () => {
    fs.writeSync(fd, pending.join(''));
    pending = [];
    pendingChars = 0;
  };
  const appendSeconds = await timedBatches(rows, (records) => {
    for (const record of records) {
      const line = lineOf(record);
      pending.push(line);
      pendingChars += line.length;
      if (pendingChars >= 1 << 20) flush();
    }
  });
  flush();
  fs.closeSync(fd);
  if (!timeLines) cpuSeconds.append = 0;
  const connection = await connect();
  const fileSeconds = await timedFile(() =>
    connection.run(`COPY (SELECT ${TO_OUTPUT} FROM read_json('${ndjson}', format = 'newline_delimited', columns = ${JSON_COLUMNS})) TO '${file}' ${COPY_OPTIONS}`));
  connection.closeSync();
  fs.rmSync(ndjson);
  return { rows, appendSeconds: timeLines ? appendSeconds : 0, fileSeconds, file };
}

/** A JSON array of 16,384 records per INSERT ... from_json(?), so nothing touches the disk before the Parquet file. */
async function viaJsonText(file: string, rows: number): Promise<Measured> {
  const connection = await connect();
  await connection.run('BEGIN TRANSACTION');
  await connection.run(`CREATE TABLE staged (${STAGING_COLUMNS})`);
  const structure = JSON.stringify([Object.fromEntries(FIELDS.map((f) => [f, f === 'ts' ? 'BIGINT' : f === 'duration_ms' ? 'INTEGER' : 'VARCHAR']))]);
  const insert = await connection.prepare(`INSERT INTO staged SELECT unnest(from_json($1::JSON, '${structure}'), recursive := true)`);
  const appendSeconds = await timedBatches(rows, async (records) => {
    for (let from = 0; from < records.length; from += 16_384) {
      insert.bindVarchar(1, JSON.stringify(records.slice(from, from + 16_384)));
      await insert.run();
    }
  });
  const fileSeconds = await timedFile(() => connection.run(`COPY (SELECT ${TO_OUTPUT} FROM staged) TO '${file}' ${COPY_OPTIONS}`));
  await connection.run('ROLLBACK');
  connection.closeSync();
  return { rows, appendSeconds, fileSeconds, file };
}

interface ParquetJsWriter { appendRow(row: Record<string, unknown>): Promise<void>; close(): Promise<void> }
interface ParquetJs {
  ParquetSchema: new (fields: Record<string, { type: string; optional?: boolean }>) => unknown;
  ParquetWriter: { openFile(schema: unknown, file: string): Promise<ParquetJsWriter> };
}

async function viaParquetjs(file: string, rows: number): Promise<Measured> {
  const parquet = require('parquetjs-lite') as ParquetJs; // ships no type declarations
  const schema = new parquet.ParquetSchema(Object.fromEntries(FIELDS.map((f) => [f,
    f === 'ts' ? { type: 'TIMESTAMP_MILLIS' } : f === 'duration_ms' ? { type: 'INT32' } : { type: 'UTF8', optional: f === 'referrer' }])));
  const writer = await parquet.ParquetWriter.openFile(schema, file);
  const appendSeconds = await timedBatches(rows, async (records) => {
    for (const r of records) await writer.appendRow(r.referrer === null ? { ...r, referrer: undefined } : r);
  });
  return { rows, appendSeconds, fileSeconds: await timedFile(() => writer.close()), file };
}

const STRATEGIES: Record<string, Strategy> = {
  chosen: {
    label: 'createParquetFileWriter: appender per value, staged uncommitted in a transaction; COPY TO',
    rows: RECORDS,
    async run(file) {
      const writer = createParquetFileWriter({ path: file, schema: SCHEMA });
      await new Promise((resolve) => setTimeout(resolve, 200)); // its DuckDB connection opens
      const appendSeconds = await timedBatches(RECORDS, (records) => records.forEach((r) => writer.write(r)));
      return { rows: RECORDS, appendSeconds, fileSeconds: await timedFile(() => writer.close()), file };
    },
  },
  'appender-typed': {
    label: 'appender per value, TIMESTAMPTZ value objects, DuckDB\'s own flushing (204,800 rows)',
    rows: RECORDS,
    run: (file) => viaTable(file, RECORDS, { transaction: false, typed: true }),
  },
  'appender-committed': {
    label: 'appender per value, committed per 4,096 rows (autocommit)',
    rows: RECORDS,
    run: (file) => viaTable(file, RECORDS, { transaction: false, flushEvery: 4096 }),
  },
  'data-chunks': {
    label: 'DuckDBDataChunk column vectors (setItem) + appendDataChunk, in a transaction',
    rows: RECORDS,
    run: (file) => viaTable(file, RECORDS, { transaction: true, chunks: true }),
  },
  'ndjson-file': {
    label: 'JSON.stringify to a temp NDJSON file, then read_json -> COPY TO',
    rows: RECORDS,
    run: (file) => viaNdjson(file, RECORDS, rawLine, true),
  },
  'ndjson-file-checked': {
    label: 'NDJSON file as above, each line built field by field with type checks',
    rows: RECORDS,
    run: (file) => viaNdjson(file, RECORDS, checkedLine(), true),
  },
  'json-text': {
    label: 'JSON text of 16,384 records per INSERT ... from_json($1) (200k, extrapolated)',
    rows: SLOW_RECORDS,
    run: (file) => viaJsonText(file, SLOW_RECORDS),
  },
  'parquetjs-lite': {
    label: 'parquetjs-lite (pure JS, uncompressed; 200k, extrapolated)',
    rows: SLOW_RECORDS,
    run: (file) => viaParquetjs(file, SLOW_RECORDS),
  },
  'native-ndjson': {
    label: 'ceiling: DuckDB read_json of a ready NDJSON file -> Parquet (no JS per record)',
    rows: RECORDS,
    run: (file) => viaNdjson(file, RECORDS, rawLine, false),
  },
};

interface Result extends Measured { strategy: string; bytes: number; peakRssMb: number; appendCpu: number; fileCpu: number }

async function runChild(strategy: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-parquet-bench-'));
  try {
    const measured = await STRATEGIES[strategy].run(path.join(dir, `${strategy}.parquet`));
    const result: Result = {
      ...measured, strategy, bytes: fs.statSync(measured.file).size, peakRssMb: process.resourceUsage().maxRSS / 1024,
      appendCpu: cpuSeconds.append, fileCpu: cpuSeconds.file,
    };
    process.send!(result);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function runInChild(strategy: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [strategy], { stdio: 'inherit' });
    let result: Result | undefined;
    child.on('message', (message) => (result = message as Result));
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`strategy ${strategy} exited with code ${code}`))));
  });
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only && process.send) return runChild(only);
  const names = only ? [only] : Object.keys(STRATEGIES);
  console.log(`Parquet writing, ${fmt(RECORDS)} page views, ${os.availableParallelism()} cores, Node ${process.version}; peak RSS includes a batch of ${fmt(BATCH)} records.`);
  console.log('Arrow input: not available (@duckdb/node-api 1.5.6 binds none of the Arrow C API).\n');
  console.log('| strategy | rows/s | append s | file s | CPU µs/row: append + file | file MB | peak RSS MB |');
  console.log('|---|---|---|---|---|---|---|');
  for (const name of names) {
    const r = await runInChild(name);
    const seconds = r.appendSeconds + r.fileSeconds;
    const perRow = (cpu: number) => fmt((cpu / r.rows) * 1e6, 2);
    console.log(`| ${STRATEGIES[name].label} | ${fmt(r.rows / seconds)} | ${fmt(r.appendSeconds, 2)} | ${fmt(r.fileSeconds, 2)} | ` +
      `${perRow(r.appendCpu)} + ${perRow(r.fileCpu)} | ${fmt((r.bytes * RECORDS) / r.rows / 1e6, 1)} | ${fmt(r.peakRssMb)} |`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
