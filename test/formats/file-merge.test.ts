import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createAvroFileWriter } from '../../src/formats/avro-file-writer';
import { createParquetFileWriter } from '../../src/formats/parquet-file-writer';
import { FileMergeError, mergeAvroFiles, mergeParquetFiles } from '../../src/formats/file-merge';
import type { AvroCodec, AvroSchema } from '../../src/formats/record-file-writer';
import { useTempDir } from '../helpers/temp-dir';
import { run } from '../helpers/processes';
import { REPO } from '../helpers/page-views';

const SCHEMA: AvroSchema = {
  type: 'record', name: 'Row', fields: [
    { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'n', type: 'int' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};
const row = (n: number) => ({ ts: 1_700_000_000_123 + n, n, note: n % 2 ? `ünï ${n}` : null });

describe('file merge: rows of many files, in a given order, into one', function () {
  this.timeout(30_000);
  const tmp = useTempDir();

  for (const codec of ['deflate', 'snappy', 'null'] as AvroCodec[]) {
    it(`Avro (${codec}): takes row slices in the order given, read back by python3-avro`, async () => {
      const files = [0, 1].map((f) => path.join(tmp(), `in-${f}.avro`));
      for (const [f, file] of files.entries()) {
        const writer = createAvroFileWriter({ path: file, schema: SCHEMA, codec, syncInterval: 64 });
        for (let i = 0; i < 10; i++) writer.write(row(f * 100 + i));
        await writer.close();
      }
      const out = path.join(tmp(), 'out.avro');
      const written = await mergeAvroFiles([{ file: files[1], fromRow: 3, toRow: 7 }, { file: files[0], fromRow: 0, toRow: 10 }], out, SCHEMA, codec);
      assert.equal(written.records, 14);
      const read = await run('/usr/bin/python3', [path.join(REPO, 'test/formats/read-avro.py'), out]);
      assert.equal(read.code, 0, read.stderr);
      const [, ...records] = read.stdout.trim().split('\n').map((line) => JSON.parse(line) as { n: number; ts: number; note: string | null });
      assert.deepEqual(records.map((r) => r.n), [103, 104, 105, 106, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.deepEqual(records[0], row(103));
    });
  }

  it('Avro: refuses a source written with another schema', async () => {
    const file = path.join(tmp(), 'other.avro');
    const other: AvroSchema = { type: 'record', name: 'Row', fields: [{ name: 'n', type: 'int' }] };
    const writer = createAvroFileWriter({ path: file, schema: other, codec: 'null' });
    writer.write({ n: 1 });
    await writer.close();
    await assert.rejects(mergeAvroFiles([{ file, fromRow: 0, toRow: 1 }], path.join(tmp(), 'out.avro'), SCHEMA, 'null'), (e: Error) => e instanceof FileMergeError && /another schema/.test(e.message));
  });

  for (const unit of ['millis', 'micros'] as const) {
    it(`Parquet (timestamps in ${unit}): row slices in order, columns declared as the sources declare them`, async () => {
      const files = [0, 1].map((f) => path.join(tmp(), `in-${f}.parquet`));
      for (const [f, file] of files.entries()) {
        const writer = createParquetFileWriter({ path: file, schema: SCHEMA, compression: 'snappy', timestampUnit: unit });
        for (let i = 0; i < 10; i++) writer.write(row(f * 100 + i));
        await writer.close();
      }
      const out = path.join(tmp(), 'out.parquet');
      const written = await mergeParquetFiles([{ file: files[1], fromRow: 3, toRow: 7 }, { file: files[0], fromRow: 0, toRow: 10 }], out, { schema: SCHEMA, compression: 'snappy', timestampUnit: unit });
      assert.equal(written.records, 14);
      const duck = await (await DuckDBInstance.create(':memory:')).connect();
      try {
        const declared = async (file: string) => (await duck.runAndReadAll(`SELECT name, type, converted_type, logical_type FROM parquet_schema('${file}')`)).getRows().map(String);
        assert.deepEqual(await declared(out), await declared(files[0]));
        const rows = await duck.runAndReadAll(`SELECT n, epoch_ms(ts), note FROM read_parquet('${out}', file_row_number = true) ORDER BY file_row_number`);
        assert.deepEqual(rows.getRows().map(([n]) => Number(n)), [103, 104, 105, 106, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert.deepEqual(rows.getRows()[0].map(String), ['103', String(row(103).ts), 'ünï 103']);
      } finally {
        duck.closeSync();
      }
    });
  }
});
