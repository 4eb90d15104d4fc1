import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Decoder as ZstdDecoder } from '@toondepauw/node-zstd';
import { DuckDBInstance } from '@duckdb/node-api';
import { createParquetFileWriter, ParquetCompression } from '../../src/formats/parquet-file-writer';
import { int96OfMicros } from '../../src/formats/parquet-int96';
import { useTempDir } from '../helpers/temp-dir';

type Hyparquet = typeof import('hyparquet');
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Hyparquet>;
const unzstd = new ZstdDecoder();

const SCHEMA = {
  type: 'record', name: 'event', fields: [
    { name: 'id', type: 'long' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'seen', type: ['null', { type: 'long', logicalType: 'timestamp-micros' }] },
    { name: 'tag', type: 'string' },
    { name: 'inner', type: { type: 'record', name: 'inner', fields: [{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } }] } },
  ],
};
const ROWS = 5000;
// From before 1970 (negative days) to 2038+, with sub-millisecond micros on `seen`.
const atOf = (i: number) => -3 * 86_400_000 + i * 987_654_321;
const seenOf = (i: number) => (i % 4 === 0 ? null : BigInt(atOf(i)) * 1000n + BigInt(i % 1000));

describe('INT96 timestamps: DuckDB writes the file, its top-level timestamp chunks are re-encoded', function () {
  this.timeout(30_000);
  const tmp = useTempDir();

  it('the INT96 bytes: nanoseconds of the day, then the Julian day, little-endian', () => {
    const bytes = int96OfMicros(-1n); // 1969-12-31T23:59:59.999999Z
    const view = new DataView(bytes.buffer);
    assert.equal(view.getBigUint64(0, true), 86_399_999_999_000n);
    assert.equal(view.getInt32(8, true), 2440587);
    assert.equal(new DataView(int96OfMicros(0n).buffer).getInt32(8, true), 2440588);
  });

  for (const codec of ['snappy', 'zstd', 'gzip', 'none'] as ParquetCompression[]) {
    it(`${codec}: several row groups and nulls, read back by DuckDB and hyparquet as the written instants`, async () => {
      const file = path.join(tmp(), `events-${codec}.parquet`);
      const writer = createParquetFileWriter({ path: file, schema: SCHEMA, compression: codec, rowGroupRows: 2048, int96Timestamps: true });
      for (let i = 0; i < ROWS; i++) writer.write({ id: i, at: atOf(i), seen: seenOf(i), tag: `t${i % 7}`, inner: { at: atOf(i) } });
      const written = await writer.close();
      assert.equal(written.records, ROWS);
      assert.deepEqual(fs.readdirSync(path.dirname(file)), [path.basename(file)], 'no INT64 file left behind');

      const db = await DuckDBInstance.create(':memory:');
      const connection = await db.connect();
      const quoted = `'${file}'`;
      const types = (await connection.runAndReadAll(`SELECT name, type FROM parquet_schema(${quoted}) WHERE type IS NOT NULL`)).getRows().map((r) => r.join(' '));
      assert.deepEqual(types, ['id INT64', 'at INT96', 'seen INT96', 'tag BYTE_ARRAY', 'at INT64'], 'nested timestamps stay INT64');
      const groups = (await connection.runAndReadAll(`SELECT count(DISTINCT row_group_id) FROM parquet_metadata(${quoted})`)).getRows()[0][0];
      assert.equal(groups, 3n);
      const rows = (await connection.runAndReadAll(
        `SELECT id, epoch_ms("at"), epoch_us(seen), tag, epoch_ms("inner"."at") FROM read_parquet(${quoted}) ORDER BY id`)).getRows();
      connection.closeSync();
      assert.equal(rows.length, ROWS);
      rows.forEach((row, i) => assert.deepEqual(row, [BigInt(i), BigInt(atOf(i)), seenOf(i), `t${i % 7}`, BigInt(atOf(i))], `DuckDB row ${i}`));

      const hyparquet = await importEsm('hyparquet');
      const bytes = fs.readFileSync(file);
      const read = await hyparquet.parquetReadObjects({
        file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), columns: ['id', 'at', 'seen'],
        compressors: {
          GZIP: (input: Uint8Array) => new Uint8Array(zlib.gunzipSync(input)),
          ZSTD: (input: Uint8Array) => new Uint8Array(unzstd.decodeSync(Buffer.from(input))),
        },
        parsers: { timestampFromNanoseconds: (ns: bigint) => ns },
      }) as { id: bigint; at: bigint; seen: bigint | null }[];
      assert.equal(read.length, ROWS);
      read.forEach((row, i) => assert.deepEqual(row, { id: BigInt(i), at: BigInt(atOf(i)) * 1_000_000n, seen: seenOf(i) === null ? null : seenOf(i)! * 1000n }, `hyparquet row ${i}`));
    });
  }
});
