import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as avro from 'avsc';
import {
  DuckDBBlobValue, DuckDBDateValue, DuckDBDecimalValue, DuckDBInstance, DuckDBListValue, DuckDBMapValue, DuckDBStructValue,
  DuckDBTimestampTZValue, DuckDBValue,
} from '@duckdb/node-api';
import type { FileMetaData, SchemaElement } from 'hyparquet';
import { createParquetFileWriter, ParquetWriteError } from '../../src/formats/parquet-file-writer';
import { AvroRecord, AvroSchema, RecordFileWriter } from '../../src/formats/record-file-writer';
import { useTempDir } from '../helpers/temp-dir';

type Hyparquet = typeof import('hyparquet');
// hyparquet is ESM-only; a Function-made import() is not rewritten to require() by tsc.
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Hyparquet>;

const PAGE_VIEW = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../schemas/page_view.avsc'), 'utf8')) as AvroSchema;

const EVENT: AvroSchema = {
  type: 'record', name: 'Event', namespace: 'sluice.test', fields: [
    { name: 'id', type: 'long' },
    { name: 'ok', type: 'boolean' },
    { name: 'score', type: 'double' },
    { name: 'ratio', type: 'float' },
    { name: 'payload', type: 'bytes' },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'seen_at', type: ['null', { type: 'long', logicalType: 'timestamp-micros' }] },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['CLICK', 'VIEW'] } },
    { name: 'address', type: { type: 'record', name: 'Address', fields: [
      { name: 'city', type: 'string' },
      { name: 'zip', type: ['null', 'int'] },
      { name: 'geo', type: { type: 'record', name: 'Geo', fields: [{ name: 'lat', type: 'double' }, { name: 'lon', type: 'double' }] } },
    ] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'attrs', type: { type: 'map', values: ['null', 'long'] } },
    { name: 'visits', type: { type: 'array', items: { type: 'record', name: 'Visit', fields: [
      { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'page', type: 'string' },
    ] } } },
    { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 } },
  ],
};

/** A deterministic pseudo-random sequence, so failures reproduce. */
function randomSource(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}

const WORDS = ['plain', 'naïve café', '東京', 'Ελληνικά', '😀 emoji', 'zero\u0000byte', 'quote"\'', 'ﬁ ligature', 'a\u0301 combining', ''];
const MAX_AVSC_LONG = 2 ** 53 - 2; // avsc's own bound for longs held as numbers
const EXTREME_MILLIS = [-62_135_596_800_000, -1, 0, 253_402_300_799_999, MAX_AVSC_LONG, -MAX_AVSC_LONG];
const EXTREME_LONGS = [-MAX_AVSC_LONG, MAX_AVSC_LONG, -1, 0, 2 ** 40, -(2 ** 31) - 1];

function pageViews(count: number, seed: number): AvroRecord[] {
  const random = randomSource(seed);
  return Array.from({ length: count }, (_, i) => ({
    ts: i < EXTREME_MILLIS.length ? EXTREME_MILLIS[i] : 1_700_000_000_000 + random(1e9) - 5e8,
    user_id: `user-${random(500)}-${WORDS[random(WORDS.length)]}`,
    session_id: `s${random(1e6).toString(36)}`,
    page: `/p/${WORDS[random(WORDS.length)]}/${random(50)}`,
    referrer: random(3) === 0 ? null : `https://ref.example/${WORDS[random(WORDS.length)]}?q=${random(1e4)}`,
    user_agent: `agent ${random(20)}`,
    duration_ms: [-(2 ** 31), 2 ** 31 - 1, -1][i] ?? random(120_000) - 1000,
    country: ['US', 'DE', 'JP', 'BR'][random(4)],
  }));
}

function decimalBytes(unscaled: bigint): Buffer {
  const hex = BigInt.asUintN(64, unscaled).toString(16).padStart(16, '0');
  return Buffer.from(hex, 'hex');
}

function events(count: number, seed: number): AvroRecord[] {
  const random = randomSource(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: i < EXTREME_LONGS.length ? EXTREME_LONGS[i] : random(1e9) * 1000 - 5e11,
    ok: random(2) === 1,
    score: [Number.NaN, Infinity, -Infinity, -0, Number.MIN_VALUE, Number.MAX_VALUE][i] ?? (random(1e6) - 5e5) / 7,
    ratio: (random(1e5) - 5e4) / 3,
    payload: Buffer.from(Array.from({ length: random(12) }, () => random(256))),
    day: random(40_000) - 20_000,
    seen_at: random(4) === 0 ? null : 1_600_000_000_000_000 + random(1e9) * 997,
    kind: random(2) === 0 ? 'CLICK' : 'VIEW',
    address: { city: WORDS[random(WORDS.length)], zip: random(5) === 0 ? null : random(99_999), geo: { lat: random(180) - 90.5, lon: random(360) - 180.25 } },
    tags: Array.from({ length: random(4) }, () => WORDS[random(WORDS.length)]),
    attrs: Object.fromEntries(Array.from({ length: random(3) }, (_, k) => [`k${k}-${random(9)}`, random(4) === 0 ? null : random(1e6) - 5e5])),
    visits: Array.from({ length: random(3) }, () => ({ at: 1_650_000_000_000 + random(1e9), page: `/v/${random(100)}` })),
    price: decimalBytes(BigInt(random(1e9)) * 1000n - 400_000_000_000n),
  }));
}

/** Rows as both readers should return them: longs and timestamps as bigint (microseconds), dates as days, bytes as Buffers. */
function expectedPageView(r: AvroRecord): Record<string, unknown> {
  return { ...r, ts: BigInt(r.ts as number) * 1000n };
}

function expectedEvent(r: AvroRecord): Record<string, unknown> {
  const price = r.price as Buffer;
  return {
    ...r,
    id: BigInt(r.id as number),
    ratio: Math.fround(r.ratio as number),
    seen_at: r.seen_at === null ? null : BigInt(r.seen_at as number),
    attrs: Object.fromEntries(Object.entries(r.attrs as Record<string, number | null>).map(([k, v]) => [k, v === null ? null : BigInt(v)])),
    visits: (r.visits as { at: number; page: string }[]).map((v) => ({ at: BigInt(v.at) * 1000n, page: v.page })),
    price: price.readBigInt64BE(0),
  };
}

/** hyparquet's rows in the expected form; it returns decimals as JS numbers (exact at this precision) and maps as objects. */
function fromHyparquet(row: Record<string, unknown>, decimals: Record<string, number> = {}): Record<string, unknown> {
  const plain = (v: unknown): unknown => {
    if (v instanceof Uint8Array) return Buffer.from(v);
    if (Array.isArray(v)) return v.map(plain);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    return v;
  };
  return Object.fromEntries(Object.entries(row).map(([k, v]) =>
    [k, k in decimals ? BigInt(Math.round((v as number) * 10 ** decimals[k])) : plain(v)]));
}

function fromDuckDB(value: DuckDBValue): unknown {
  if (value instanceof DuckDBTimestampTZValue) return value.micros;
  if (value instanceof DuckDBDateValue) return value.days;
  if (value instanceof DuckDBBlobValue) return Buffer.from(value.bytes);
  if (value instanceof DuckDBDecimalValue) return value.value;
  if (value instanceof DuckDBListValue) return value.items.map(fromDuckDB);
  if (value instanceof DuckDBStructValue) return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, fromDuckDB(v)]));
  if (value instanceof DuckDBMapValue) return Object.fromEntries(value.entries.map((e) => [e.key as string, fromDuckDB(e.value)]));
  return value;
}

/** hyparquet has no zstd codec of its own; Node 20 has none either, so pages go through the zstd command. */
function zstdDecompress(input: Uint8Array, outputLength: number): Uint8Array {
  const result = spawnSync('zstd', ['-d', '-q', '-c'], { input, maxBuffer: outputLength + 1024 });
  if (result.error) throw new Error(`the zstd command (needed to check ZSTD pages with hyparquet) failed: ${result.error.message}`);
  assert.equal(result.status, 0, result.stderr.toString());
  assert.equal(result.stdout.length, outputLength);
  return result.stdout;
}

interface ReadBack { metadata: FileMetaData; hyparquetRows: Record<string, unknown>[]; duckdbRows: Record<string, unknown>[] }

let readerDb: Promise<DuckDBInstance> | undefined;

async function readBack(file: string): Promise<ReadBack> {
  const hyparquet = await importEsm('hyparquet');
  const bytes = fs.readFileSync(file);
  const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  const metadata = hyparquet.parquetMetadata(arrayBuffer);
  const hyparquetRows = await hyparquet.parquetReadObjects({
    file: arrayBuffer, metadata, utf8: false, compressors: { ZSTD: zstdDecompress },
    parsers: { timestampFromMicroseconds: (micros: bigint) => micros, dateFromDays: (days: number) => days },
  });
  readerDb ??= DuckDBInstance.create(':memory:');
  const connection = await (await readerDb).connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${file.replace(/'/g, "''")}')`);
    const duckdbRows = reader.getRowObjects().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, fromDuckDB(v)])));
    return { metadata, hyparquetRows, duckdbRows };
  } finally {
    connection.closeSync();
  }
}

function leaf(metadata: FileMetaData, name: string): SchemaElement {
  const found = metadata.schema.filter((e) => e.name === name);
  assert.equal(found.length, 1, `one schema element named ${name}`);
  return found[0];
}

async function writeAll(file: string, schema: AvroSchema, records: AvroRecord[], options: { rowGroupRows?: number; compression?: 'zstd' | 'snappy' } = {}) {
  const writer = createParquetFileWriter({ path: file, schema, ...options });
  for (const record of records) writer.write(record);
  return writer.close();
}

describe('Parquet file writer', () => {
  const tmp = useTempDir();

  it('writes page views that hyparquet and DuckDB read back identically, in order, zstd-compressed', async () => {
    const records = pageViews(3000, 7);
    const type = avro.Type.forSchema(PAGE_VIEW as avro.Schema);
    assert.ok(records.every((r) => type.isValid(r)), 'the test records are valid page views');
    const file = path.join(tmp(), 'views.parquet');
    const written = await writeAll(file, PAGE_VIEW, records);
    assert.deepEqual(written, { path: file, records: records.length, bytes: fs.statSync(file).size });

    const { metadata, hyparquetRows, duckdbRows } = await readBack(file);
    const expected = records.map(expectedPageView);
    assert.deepStrictEqual(hyparquetRows.map((r) => fromHyparquet(r)), expected);
    assert.deepStrictEqual(duckdbRows, expected);

    assert.equal(Number(metadata.num_rows), records.length);
    const ts = leaf(metadata, 'ts');
    assert.equal(ts.type, 'INT64');
    assert.deepEqual(ts.logical_type, { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' });
    for (const name of ['user_id', 'session_id', 'page', 'referrer', 'user_agent', 'country']) {
      assert.equal(leaf(metadata, name).type, 'BYTE_ARRAY');
      assert.equal(leaf(metadata, name).converted_type, 'UTF8');
    }
    assert.equal(leaf(metadata, 'duration_ms').type, 'INT32');
    const chunks = metadata.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data!));
    assert.ok(chunks.length >= 8);
    for (const chunk of chunks) assert.equal(chunk.codec, 'ZSTD', chunk.path_in_schema.join('.'));
    const country = chunks.find((c) => c.path_in_schema[0] === 'country')!;
    assert.ok(country.encodings.some((e) => e.endsWith('DICTIONARY')), `country is dictionary-encoded: ${country.encodings}`);
  });

  it('writes nested records, arrays, maps, booleans, doubles, bytes, dates, decimals and nullable timestamps (snappy)', async () => {
    const records = events(2000, 11);
    const type = avro.Type.forSchema(EVENT as avro.Schema);
    assert.ok(records.every((r) => type.isValid(r)), 'the test records are valid events');
    const file = path.join(tmp(), 'events.parquet');
    await writeAll(file, EVENT, records, { compression: 'snappy' });

    const { metadata, hyparquetRows, duckdbRows } = await readBack(file);
    const expected = records.map(expectedEvent);
    assert.deepStrictEqual(hyparquetRows.map((r) => fromHyparquet(r, { price: 2 })), expected);
    assert.deepStrictEqual(duckdbRows, expected);

    const types = (name: string) => {
      const e = leaf(metadata, name);
      return [e.type, e.converted_type, e.logical_type && JSON.stringify(e.logical_type)].filter(Boolean).join(' ');
    };
    assert.equal(types('id'), 'INT64 INT_64');
    assert.equal(types('ok'), 'BOOLEAN');
    assert.equal(types('score'), 'DOUBLE');
    assert.equal(types('ratio'), 'FLOAT');
    assert.equal(types('payload'), 'BYTE_ARRAY');
    assert.equal(types('day'), 'INT32 DATE');
    assert.equal(types('seen_at'), 'INT64 TIMESTAMP_MICROS {"type":"TIMESTAMP","isAdjustedToUTC":true,"unit":"MICROS"}');
    assert.equal(types('kind'), 'BYTE_ARRAY UTF8');
    assert.equal(types('price'), 'INT64 DECIMAL {"type":"DECIMAL","scale":2,"precision":12}');
    assert.equal(leaf(metadata, 'address').num_children, 3);
    assert.equal(leaf(metadata, 'geo').num_children, 2);
    assert.equal(types('tags'), 'LIST');
    assert.equal(types('attrs'), 'MAP');
    assert.equal(types('key'), 'BYTE_ARRAY UTF8');
    assert.equal(types('at'), 'INT64 TIMESTAMP_MICROS {"type":"TIMESTAMP","isAdjustedToUTC":true,"unit":"MICROS"}');
    const chunks = metadata.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data!));
    for (const chunk of chunks) assert.equal(chunk.codec, 'SNAPPY', chunk.path_in_schema.join('.'));
  });

  it('cuts row groups at rowGroupRows', async () => {
    const records = pageViews(5000, 3);
    const file = path.join(tmp(), 'groups.parquet');
    await writeAll(file, PAGE_VIEW, records, { rowGroupRows: 2048 });
    const { metadata, duckdbRows } = await readBack(file);
    const sizes = metadata.row_groups.map((g) => Number(g.num_rows));
    assert.equal(sizes.reduce((a, b) => a + b, 0), records.length);
    assert.ok(sizes.length >= Math.ceil(records.length / 2048), `row groups ${sizes}`);
    assert.ok(sizes.every((n) => n <= 2048), `row groups ${sizes}`);
    assert.deepStrictEqual(duckdbRows, records.map(expectedPageView));
  });

  it('keeps many writers open at once, each file holding only its own records in order', async () => {
    const files = Array.from({ length: 12 }, (_, i) => path.join(tmp(), `part-${i}.parquet`));
    const writers = files.map((file) => createParquetFileWriter({ path: file, schema: PAGE_VIEW }));
    const records = files.map((_, i) => pageViews(300 + i * 17, 100 + i));
    for (let row = 0; row < 500; row++) {
      records.forEach((list, i) => row < list.length && writers[i].write(list[row]));
      if (row % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const written = await Promise.all(writers.map((w) => w.close()));
    assert.deepEqual(written.map((w) => w.records), records.map((r) => r.length));
    for (const [i, file] of files.entries()) {
      assert.equal(written[i].bytes, fs.statSync(file).size);
      assert.deepStrictEqual((await readBack(file)).duckdbRows, records[i].map(expectedPageView));
    }
  });

  it('writes an empty file that readers accept', async () => {
    const file = path.join(tmp(), 'empty.parquet');
    const written = await writeAll(file, PAGE_VIEW, []);
    assert.equal(written.records, 0);
    assert.equal(written.bytes, fs.statSync(file).size);
    const { metadata, hyparquetRows, duckdbRows } = await readBack(file);
    assert.equal(Number(metadata.num_rows), 0);
    assert.deepEqual([hyparquetRows.length, duckdbRows.length], [0, 0]);
  });

  it('abort() before close() leaves no file, and after close() removes it', async () => {
    const early = path.join(tmp(), 'early.parquet');
    const writer = createParquetFileWriter({ path: early, schema: PAGE_VIEW });
    for (const record of pageViews(5000, 5)) writer.write(record);
    await writer.abort();
    assert.equal(fs.existsSync(early), false);

    const late = path.join(tmp(), 'late.parquet');
    const closed = createParquetFileWriter({ path: late, schema: PAGE_VIEW });
    closed.write(pageViews(1, 1)[0]);
    await closed.close();
    assert.equal(fs.existsSync(late), true);
    await closed.abort();
    assert.equal(fs.existsSync(late), false);
  });

  it('abort() while close() is writing leaves no file', async () => {
    const file = path.join(tmp(), 'racing.parquet');
    const records = pageViews(100_000, 9);
    const writer = createParquetFileWriter({ path: file, schema: PAGE_VIEW });
    await new Promise((resolve) => setTimeout(resolve, 50)); // so that close() gets to its COPY
    for (const record of records) writer.write(record);
    const closing = writer.close();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await writer.abort();
    await closing.catch(() => undefined);
    assert.equal(fs.existsSync(file), false);
  });

  /** A bad record fails write() once the writer's connection is ready, or close() if it came before; the same error either way. */
  async function failureOf(writer: RecordFileWriter, bad: AvroRecord): Promise<ParquetWriteError> {
    let thrown: unknown;
    try {
      writer.write(bad);
    } catch (e) {
      thrown = e;
    }
    let rejected: unknown;
    await writer.close().catch((e: unknown) => (rejected = e));
    assert.ok(rejected instanceof ParquetWriteError, `close() rejects with ParquetWriteError, not ${String(rejected)}`);
    if (thrown !== undefined) assert.equal(thrown, rejected);
    return rejected;
  }

  it('refuses a value that does not fit, naming the record and field, and cannot then be closed', async () => {
    const file = path.join(tmp(), 'bad.parquet');
    const writer = createParquetFileWriter({ path: file, schema: EVENT });
    const [good, bad] = events(2, 4);
    writer.write(good);
    (bad.address as Record<string, unknown>).zip = 'not a number';
    const error = await failureOf(writer, bad);
    assert.equal(error.path, file);
    assert.match(error.message, /record 1 \(0-based\), field address\.zip: expected a 32-bit integer, got string "not a number"/);
    assert.throws(() => writer.write(good), ParquetWriteError);
    await writer.abort();
    assert.equal(fs.existsSync(file), false);
  });

  it('refuses null in a field that is not nullable, and write() after close()', async () => {
    const file = path.join(tmp(), 'nulls.parquet');
    const writer = createParquetFileWriter({ path: file, schema: PAGE_VIEW });
    const error = await failureOf(writer, { ...pageViews(1, 2)[0], user_agent: null });
    assert.match(error.message, /record 0 \(0-based\), field user_agent: null in a field that is not nullable/);
    await writer.abort();

    const closed = createParquetFileWriter({ path: file, schema: PAGE_VIEW });
    await closed.close();
    assert.throws(() => closed.write(pageViews(1, 2)[0]), /write\(\) after the writer was closed/);
    await closed.abort();
  });
});
