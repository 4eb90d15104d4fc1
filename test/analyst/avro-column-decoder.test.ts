import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { createAvroFileWriter } from '../../src/formats/avro-file-writer';
import type { AvroSchemaObject } from '../../src/formats/record-file-writer';
import type { LocalDataFile } from '../../src/analyst/local-files';
import { createAvroView } from '../../src/analyst/table-views';
import { planColumnReads } from '../../src/analyst/avro-column-decoder';
import { parquetColumnsOf } from '../../src/formats/avro-to-parquet';
import { run } from '../helpers/processes';
import { useTempDir } from '../helpers/temp-dir';

const WRITER = path.resolve(__dirname, '../../../test/helpers/write-avro-edge-values.py');

/** Every flat type the column decoder reads, unions both ways round, and nested fields it must skip or leave to avsc. */
const EDGE: AvroSchemaObject = {
  type: 'record', name: 'Edge', namespace: 'test.edge', fields: [
    { name: 'i', type: 'int' },
    { name: 'nested', type: { type: 'record', name: 'Inner', fields: [{ name: 'a', type: 'int' }, { name: 'tags', type: { type: 'array', items: 'string' } }, { name: 'm', type: { type: 'map', values: 'long' } }] } },
    { name: 'l', type: 'long' },
    { name: 'f', type: 'float' },
    { name: 'd', type: 'double' },
    { name: 'b', type: 'boolean' },
    { name: 'e', type: { type: 'enum', name: 'Colour', symbols: ['RED', 'GREEN'] } },
    { name: 's', type: 'string' },
    { name: 'raw', type: 'bytes' },
    { name: 'fx', type: { type: 'fixed', name: 'Three', size: 3 } },
    { name: 'again', type: ['null', 'test.edge.Inner'], default: null },
    { name: 'ns', type: ['null', 'string'], default: null },
    { name: 'sn', type: ['string', 'null'], default: 'x' },
    { name: 'nl', type: ['null', 'long'], default: null },
    { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'tu', type: { type: 'long', logicalType: 'timestamp-micros' } },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
  ],
};
/** The same with a field added: files written with EDGE then resolve through avsc, the reference. */
const EVOLVED: AvroSchemaObject = { ...EDGE, fields: [...EDGE.fields!, { name: 'added', type: 'int', default: 5 }] };
/** The widest longs sluice reads (avsc-hardening.ts): past them a query fails, whichever decoder. */
const MAX_EXACT_LONG = 9_007_199_254_740_990;
const FLAT = ['i', 'l', 'f', 'd', 'b', 's', 'raw', 'ns', 'sn', 'nl', 'ts', 'tu', 'day'];

const STRINGS = ['', 'a', '123456789012', '1234567890123', 'héllo wörld ✓', '日本語のテキスト', '🙂'.repeat(40), 'x'.repeat(5000)];
function record(n: number): Record<string, unknown> {
  const odd = n % 2 === 1;
  return {
    i: [0, 1, -1, 2 ** 31 - 1, -(2 ** 31)][n % 5], nested: { a: n, tags: odd ? ['p', 'q'.repeat(n)] : [], m: odd ? { k: n, j: -n } : {} },
    l: [0, -1, MAX_EXACT_LONG, -MAX_EXACT_LONG, 1_700_000_000_000_000][n % 5], f: [0.5, -0, Infinity, NaN, 3.4e38][n % 5], d: [Math.PI, -0, -Infinity, NaN, 5e-324][n % 5],
    b: odd, e: odd ? 'GREEN' : 'RED', s: STRINGS[n % STRINGS.length], raw: { $bytes: Buffer.from(STRINGS[(n + 3) % STRINGS.length]).toString('hex') }, fx: { $bytes: 'ff00aa' },
    again: odd ? { a: -n, tags: ['r'], m: { z: 1 } } : null, ns: odd ? STRINGS[n % STRINGS.length] : null, sn: odd ? null : `s${n}`, nl: n % 3 === 0 ? null : -n * 1_000_000_007,
    ts: 1_767_225_600_000 + n, tu: 1_767_225_600_000_000 - n, day: n % 4 === 0 ? -719_162 : 20_454 + n,
  };
}

async function writeWithPython(file: string, schema: AvroSchemaObject, records: Record<string, unknown>[], codec: string, blockRecords: number): Promise<void> {
  const spec = JSON.stringify({ path: file, schema, codec, blockRecords, records }, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `@@${v}@@` : v)).replace(/"@@(-?\w+)@@"/g, '$1');
  const result = await run('/usr/bin/python3', [WRITER], spec);
  assert.equal(result.code, 0, result.stderr);
}

const localFile = (localPath: string, hr: string | null): LocalDataFile => ({
  sinkPath: localPath, localPath, directory: `hr=${hr ?? '__HIVE_DEFAULT_PARTITION__'}`, partitionValues: [['hr', hr]], bytes: fs.statSync(localPath).size,
});

async function withConnection<T>(use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    return await use(connection);
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

/** The view's rows over `files` read as `schema`, `columns` only (all when undefined), as comparable values. */
async function viewRows(schema: AvroSchemaObject, files: LocalDataFile[], columns?: string[]): Promise<unknown[][]> {
  return withConnection(async (connection) => {
    await createAvroView(connection, { name: 'edge', outputSchema: schema, columns }, files);
    const names = [...(columns ?? EDGE.fields!.map((f) => f.name)), 'hr'].map((c) => `"${c}"`).join(', ');
    const reader = await connection.runAndReadAll(`SELECT ${names} FROM edge`);
    return reader.getRows().map((row) => row.map((v) => (v !== null && typeof v === 'object' ? String(v) : v)));
  });
}

async function viewError(schema: AvroSchemaObject, files: LocalDataFile[], columns?: string[]): Promise<Error> {
  return viewRows(schema, files, columns).then(() => assert.fail('the view was made'), (error: Error) => error);
}

describe('the Avro view\'s column decoder, against avsc on files Apache Avro (Python) wrote', function () {
  // Twelve views over four files Python wrote: 9 s alone, past mocha's 20 s in the parallel suite on a slow machine.
  this.timeout(60_000);
  const tmp = useTempDir();

  it('plans flat columns of the writer\'s own types only, and skips the rest', () => {
    const columns = (names: string[]) => parquetColumnsOf({ ...EDGE, fields: EDGE.fields!.filter((f) => names.includes(f.name)) });
    assert.equal(planColumnReads(EDGE, columns(FLAT))?.filter((s) => 'read' in s).length, FLAT.length);
    for (const nested of [['nested'], ['e'], ['fx'], ['nested', 'again']]) assert.equal(planColumnReads(EDGE, columns([...FLAT, ...nested])), null, String(nested));
    assert.equal(planColumnReads({ ...EDGE, fields: EDGE.fields!.map((f) => (f.name === 'l' ? { ...f, type: 'int' } : f)) }, columns(['l'])), null);
  });

  it('reads every value as avsc does: multi-block, null-codec, empty and several-chunk files, any selection, any partition value', async () => {
    const records = Array.from({ length: 23 }, (_, n) => record(n));
    const files = [
      [path.join(tmp(), 'blocks.avro'), records, 'deflate', 3],
      [path.join(tmp(), 'chunks.avro'), Array.from({ length: 4500 }, (_, n) => record(n)), 'deflate', 1700],
      [path.join(tmp(), 'plain.avro'), records.slice(0, 7), 'null', 1000],
      [path.join(tmp(), 'empty.avro'), [], 'deflate', 1000],
    ] as const;
    for (const [file, rows, codec, block] of files) await writeWithPython(file, EDGE, [...rows], codec, block);
    const partitionValues = ['0', 'a partition value of more than 12 bytes ✓', null, '3'];
    const local = files.map(([file], i) => localFile(file, partitionValues[i]));
    for (const columns of [FLAT, ['s'], ['ns', 'day'], ['raw', 'tu', 'sn'], [], undefined]) {
      const decoded = await viewRows(EDGE, local, columns);
      assert.equal(decoded.length, 4530, String(columns));
      assert.deepStrictEqual([...new Set(decoded.map((row) => row[row.length - 1]))], partitionValues.slice(0, 3), 'in the files\' order');
      assert.deepStrictEqual(decoded, await viewRows(EVOLVED, local, columns), String(columns));
    }
    const [first] = await viewRows(EDGE, local.slice(0, 1), ['s', 'ns', 'sn', 'nl', 'ts', 'day', 'f', 'd']);
    assert.deepStrictEqual(first, ['', null, 's0', null, '2026-01-01 00:00:00+00', '0001-01-01', 0.5, Math.PI, '0']);
  });

  it('a record that is not valid fails the view with the error avsc gives (bad union branch, bad UTF-8, truncated, a long past 2^53)', async () => {
    const schema: AvroSchemaObject = { type: 'record', name: 'Bad', fields: [{ name: 'n', type: ['null', 'long'] }, { name: 's', type: 'string' }] };
    const evolved: AvroSchemaObject = { ...schema, fields: [...schema.fields!, { name: 'added', type: 'int', default: 5 }] };
    const file = path.join(tmp(), 'bad.avro');
    const writer = createAvroFileWriter({ path: file, schema, codec: 'null' });
    for (let n = 0; n < 5; n++) writer.write({ n: n === 0 ? null : n, s: `héllo${n}` });
    await writer.close();
    const good = fs.readFileSync(file);
    const damage = (edit: (bytes: Buffer) => Buffer) => {
      fs.writeFileSync(file, edit(Buffer.from(good)));
      return [localFile(file, '00')];
    };
    const utf8 = good.indexOf(Buffer.from('héllo3'));
    const cases: [string, (bytes: Buffer) => Buffer][] = [
      ['union branch', (b) => ((b[good.indexOf(Buffer.from('héllo2')) - 3] = 0x08), b)],
      ['UTF-8', (b) => ((b[utf8 + 1] = 0xff), b)],
      ['truncated', (b) => b.subarray(0, utf8 + 3)],
    ];
    for (const [what, edit] of cases) {
      const fast = await viewError(schema, damage(edit), ['n', 's']);
      const reference = await viewError(evolved, damage(edit), ['n', 's']);
      assert.equal(fast.message, reference.message, what);
      assert.equal(fast.name, reference.name, what);
      assert.match(fast.message, /bad\.avro/, what);
    }
    // Strings over 12 bytes are checked together (their heap); neither may start or end inside a character.
    const long = path.join(tmp(), 'long.avro');
    const longWriter = createAvroFileWriter({ path: long, schema, codec: 'null' });
    for (const s of [`${'x'.repeat(20)}Q`, `Q${'y'.repeat(20)}`, `ü${'z'.repeat(20)}`]) longWriter.write({ n: 1, s });
    await longWriter.close();
    const clean = fs.readFileSync(long);
    const split = (b: Buffer) => ((b[clean.indexOf('xQ') + 1] = 0xc3), (b[clean.indexOf('Qy')] = 0xa9), b);
    const inside = (b: Buffer) => ((b[clean.indexOf('ü') + 1] = 0x41), b);
    for (const [what, edit, record] of [['split between strings', split, 0], ['inside one', inside, 2]] as const) {
      fs.writeFileSync(long, edit(Buffer.from(clean)));
      const fast = await viewError(schema, [localFile(long, '00')], ['n', 's']);
      assert.equal(fast.message, (await viewError(evolved, [localFile(long, '00')], ['n', 's'])).message, what);
      assert.match(fast.message, new RegExp(`long\\.avro: block 0, record ${record}:`), what);
    }
    // A block claiming one record more than it holds, ending on a float: truncated, named as avsc names it.
    const floats: AvroSchemaObject = { type: 'record', name: 'F', fields: [{ name: 'f', type: 'float' }, { name: 'd', type: 'double' }] };
    const short = path.join(tmp(), 'short.avro');
    const floatWriter = createAvroFileWriter({ path: short, schema: floats, codec: 'null' });
    for (let n = 0; n < 3; n++) floatWriter.write({ f: n, d: n / 3 });
    await floatWriter.close();
    const shortBytes = fs.readFileSync(short);
    const countAt = shortBytes.indexOf(Buffer.from([0x06, 3 * 12 * 2]));
    assert.ok(countAt > 0, 'the block header: 3 records of 12 bytes');
    shortBytes[countAt] = 0x08;
    fs.writeFileSync(short, shortBytes);
    const floatEvolved: AvroSchemaObject = { ...floats, fields: [...floats.fields!, { name: 'added', type: 'int', default: 5 }] };
    const truncated = await viewError(floats, [localFile(short, '00')], ['f', 'd']);
    assert.equal(truncated.message, (await viewError(floatEvolved, [localFile(short, '00')], ['f', 'd'])).message);
    assert.match(truncated.message, /short\.avro: block 0, record 3: truncated/);
    const big = path.join(tmp(), 'big.avro');
    await writeWithPython(big, EDGE, [record(0), { ...record(1), l: 2 ** 62 }], 'deflate', 1000);
    const fast = await viewError(EDGE, [localFile(big, '00')], ['i', 'l']);
    assert.equal(fast.message, (await viewError(EVOLVED, [localFile(big, '00')], ['i', 'l'])).message);
    assert.match(fast.message, /big\.avro: block 0, record 1: potential precision loss/);
  });
});
