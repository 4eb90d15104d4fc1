import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createAvroFileWriter } from '../../src/formats/avro-file-writer';
import { createParquetFileWriter } from '../../src/formats/parquet-file-writer';
import type { AvroRecord, AvroSchemaObject, RecordFileWriter } from '../../src/formats/record-file-writer';
import type { JobDefinition } from '../../src/job/job-definition';
import type { LocalDataFile } from '../../src/analyst/local-files';
import { createParquetView } from '../../src/analyst/parquet-view';
import { createAvroView } from '../../src/analyst/table-views';
import type { CatalogTable } from '../../src/analyst/table-catalog';
import { readIncompatibilities } from '../../src/formats/avro-compatibility';
import { useTempDir } from '../helpers/temp-dir';

const OLD: AvroSchemaObject = {
  type: 'record', name: 'Event', fields: [
    { name: 'id', type: 'string' },
    { name: 'n', type: 'int' },
    { name: 'x', type: 'float' },
    { name: 'text', type: 'string' },
    { name: 'raw', type: 'bytes' },
  ],
};
/** Every promotion a Parquet column can see, and added fields with defaults of several types. */
const NEW: AvroSchemaObject = {
  type: 'record', name: 'Event', fields: [
    { name: 'id', type: 'string' },
    { name: 'n', type: 'long' },
    { name: 'x', type: 'double' },
    { name: 'text', type: 'bytes' },
    { name: 'raw', type: 'string' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'plan', type: 'string', default: 'free' },
    { name: 'score', type: 'int', default: 7 },
    { name: 'flag', type: 'boolean', default: true },
    { name: 'since', type: { type: 'long', logicalType: 'timestamp-millis' }, default: 1_795_219_200_000 },
    { name: 'tags', type: { type: 'array', items: 'string' }, default: ['a', 'b'] },
  ],
};

const tricky = 'back\\slash ü \\xAA';

async function write(writer: RecordFileWriter, records: AvroRecord[]): Promise<void> {
  for (const record of records) writer.write(record);
  await writer.close();
}

describe('query views over files of two schema generations', () => {
  const tmp = useTempDir();

  it('the new schema can read the old (the check the loader makes)', () => {
    assert.deepEqual(readIncompatibilities(NEW, OLD), []);
  });

  for (const format of ['parquet', 'avro'] as const) {
    it(`${format}: old rows get the defaults or NULL, promoted values keep their meaning, new rows their own`, async () => {
      const file = (hr: string) => {
        const dir = path.join(tmp(), `dt=2026-11-21`, `hr=${hr}`);
        fs.mkdirSync(dir, { recursive: true });
        return path.join(dir, `part.${format}`);
      };
      const create = format === 'parquet' ? (p: string, schema: AvroSchemaObject) => createParquetFileWriter({ path: p, schema }) : (p: string, schema: AvroSchemaObject) => createAvroFileWriter({ path: p, schema, codec: 'null' });
      const oldFile = file('00');
      const newFile = file('01');
      await write(create(oldFile, OLD), [{ id: 'old', n: 41, x: 1.5, text: tricky, raw: Buffer.from(tricky, 'utf8') }]);
      await write(create(newFile, NEW), [{
        id: 'new', n: 5_000_000_000, x: 2.25, text: Buffer.from('t'), raw: 'r', note: 'hi', plan: 'pro', score: 1, flag: false, since: 1_795_222_800_000, tags: ['z'],
      }]);
      const table = { name: 'events', job: {} as JobDefinition, format, dataRoot: '', outputSchema: NEW } satisfies CatalogTable;
      const files: LocalDataFile[] = [[oldFile, '00'], [newFile, '01']].map(([localPath, hr]) => ({
        sinkPath: localPath, localPath, directory: `dt=2026-11-21/hr=${hr}`, partitionValues: [['dt', '2026-11-21'], ['hr', hr]] as [string, string][], bytes: fs.statSync(localPath).size,
      }));
      const db = await DuckDBInstance.create(':memory:');
      const connection = await db.connect();
      try {
        await connection.run(`SET TimeZone = 'UTC'`);
        if (format === 'parquet') await createParquetView(connection, table, files);
        else await createAvroView(connection, table, files);
        const reader = await connection.runAndReadAll(
          `SELECT id, n, typeof(n), x, decode(text), raw, note, plan, score, flag, strftime(since, '%Y-%m-%dT%H'), tags, hr FROM events ORDER BY id DESC`,
        );
        const rows = reader.getRows().map((row) => row.map((v) => (v !== null && typeof v === 'object' ? String(v) : v)));
        assert.deepEqual(rows, [
          ['old', 41n, 'BIGINT', 1.5, tricky, tricky, null, 'free', 7, true, '2026-11-21T00', "['a', 'b']", '00'],
          ['new', 5_000_000_000n, 'BIGINT', 2.25, 't', 'r', 'hi', 'pro', 1, false, '2026-11-21T01', "['z']", '01'],
        ]);
      } finally {
        connection.closeSync();
        db.closeSync();
      }
    });
  }
});
