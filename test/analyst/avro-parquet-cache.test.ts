import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createAvroFileWriter } from '../../src/formats/avro-file-writer';
import type { AvroRecord, AvroSchemaObject } from '../../src/formats/record-file-writer';
import type { LocalDataFile } from '../../src/analyst/local-files';
import { createAvroView } from '../../src/analyst/table-views';
import { AvroParquetCache, lookUpCached } from '../../src/analyst/avro-parquet-cache';
import { AvroDecodePool } from '../../src/analyst/avro-decode-pool';
import { useTempDir } from '../helpers/temp-dir';

const SCHEMA: AvroSchemaObject = {
  type: 'record', name: 'Click', fields: [
    { name: 'id', type: 'string' }, { name: 'n', type: ['null', 'long'] }, { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
};

async function writeFile(file: string, records: AvroRecord[]): Promise<LocalDataFile> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const writer = createAvroFileWriter({ path: file, schema: SCHEMA, codec: 'deflate' });
  for (const record of records) writer.write(record);
  await writer.close();
  const hr = path.basename(path.dirname(file)).slice(3);
  return { sinkPath: file, localPath: file, directory: `hr=${hr}`, partitionValues: [['hr', hr]], bytes: fs.statSync(file).size };
}

const clicks = (hr: number, count: number): AvroRecord[] => Array.from({ length: count }, (_, i) => ({ id: `c${hr}-${i}`, n: i % 3 === 0 ? null : i * hr, at: 1_767_225_600_000 + hr * 3_600_000 + i }));

/** The view's rows (and column types) over `files`, through the cache when one is given (its misses written after the query). */
async function rows(files: LocalDataFile[], cache?: AvroParquetCache, columns?: string[], beforeWrites?: () => void): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    const afterQuery = await createAvroView(connection, { name: 'clicks', outputSchema: SCHEMA, columns }, files, { decoding: { workers: 1, minBytes: Infinity }, cache });
    const reader = await connection.runAndReadAll(`SELECT id, n, "at", typeof(n), typeof("at"), hr FROM clicks ORDER BY id`);
    beforeWrites?.();
    await afterQuery?.();
    return reader.getRows().map((row) => row.map((v) => (v !== null && typeof v === 'object' ? String(v) : v)));
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

const entries = (cache: AvroParquetCache) => fs.readdirSync(cache.dir).filter((n) => n.endsWith('.parquet')).sort();

describe('the Avro view\'s Parquet cache', () => {
  const tmp = useTempDir();

  it('gives the rows and types of decoding, converts a file once per column set it lacks, and again when it changes', async () => {
    const cache = { dir: path.join(tmp(), 'cache'), maxBytes: 2 ** 30 };
    const files = [await writeFile(path.join(tmp(), 'hr=00', 'a.avro'), clicks(0, 50)), await writeFile(path.join(tmp(), 'hr=01', 'b.avro'), clicks(1, 40))];
    const decoded = await rows(files, undefined, ['id', 'n', 'at']);
    assert.equal(decoded.length, 90);
    const byId = await rows(files, undefined, ['id']);
    let beforeWrites: string[] | undefined;
    assert.deepStrictEqual(await rows(files, cache, ['id'], () => (beforeWrites = entries(cache))), byId, 'cold, one column');
    assert.deepEqual(beforeWrites, [], 'the rows are read from the decoded files, before their conversions are written');
    const idOnly = entries(cache);
    assert.equal(idOnly.length, 2);
    assert.deepStrictEqual(await rows(files, cache, ['n', 'at']), decoded, 'a column the entries lack: converted again with it');
    const first = entries(cache);
    assert.equal(first.length, 2, 'the entries with fewer columns are replaced');
    assert.notDeepEqual(first, idOnly);
    assert.deepStrictEqual(await rows(files, cache, ['at']), decoded, 'warm');
    assert.deepStrictEqual(await rows(files, cache, ['id', 'n']), decoded, 'warm');
    assert.deepEqual(entries(cache), first);
    const lookedUp = lookUpCached(cache, { name: 'clicks', outputSchema: SCHEMA, partitions: ['hr'], columns: ['n'] }, files);
    assert.deepEqual(lookedUp.misses, [], 'nothing to convert');
    assert.deepEqual([...lookedUp.cached].sort(), first.map((name) => path.join(cache.dir, name)));

    // A rewritten file (a compaction's output under the same name) is converted again, the other read cached; its old entry goes.
    files[1] = await writeFile(files[1].localPath, clicks(1, 7));
    const changed = await rows(files, cache);
    assert.equal(changed.length, 57);
    assert.deepStrictEqual(changed, await rows(files, undefined));
    assert.equal(entries(cache).length, 2);
    assert.equal(entries(cache)[0] === first[0] || entries(cache)[1] === first[1], true);
    assert.notDeepEqual(entries(cache), first);
  });

  it('stays under its bound by deleting the least recently used entries, never those the query reads', async () => {
    const cache = { dir: path.join(tmp(), 'cache'), maxBytes: 1 };
    const old = await writeFile(path.join(tmp(), 'hr=00', 'old.avro'), clicks(0, 20));
    await rows([old], cache);
    assert.equal(entries(cache).length, 1);
    const files = [await writeFile(path.join(tmp(), 'hr=01', 'a.avro'), clicks(1, 20)), await writeFile(path.join(tmp(), 'hr=02', 'b.avro'), clicks(2, 20))];
    assert.equal((await rows(files, cache)).length, 40);
    const kept = entries(cache);
    assert.equal(kept.length, 2, 'the old file\'s entry is evicted, this query\'s two kept');
    assert.deepStrictEqual(await rows([old], cache), await rows([old]));
  });

  it('streamed: a damaged file the query never reached is named and left out of the cache; the others are cached', async () => {
    const cache = { dir: path.join(tmp(), 'cache'), maxBytes: 2 ** 30 };
    const files: LocalDataFile[] = [];
    for (let hr = 0; hr < 4; hr++) files.push(await writeFile(path.join(tmp(), `hr=0${hr}`, 'c.avro'), clicks(hr, 20_000)));
    const damaged = fs.readFileSync(files[3].localPath);
    damaged[damaged.length - 200] ^= 0xff;
    fs.writeFileSync(files[3].localPath, damaged);
    const pool = new AvroDecodePool(2);
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      const afterQuery = await createAvroView(connection, { name: 'clicks', outputSchema: SCHEMA, columns: ['id'] }, files, { decoding: { workers: 2, minBytes: 0 }, pool: () => pool, stream: true, cache });
      const reader = await connection.runAndReadAll('SELECT id FROM clicks LIMIT 1');
      assert.deepEqual(reader.getRows(), [['c0-0']]);
      const notices = await afterQuery!();
      assert.equal(notices.length, 1, notices.join('\n'));
      assert.match(notices[0], /hr=03\/c\.avro was not cached: .*hr=03\/c\.avro: block \d+/);
      assert.equal(entries(cache).length, 3);
    } finally {
      pool.close();
      connection.closeSync();
      db.closeSync();
    }
  });

  it('a file that is not Avro fails the view naming it, and leaves nothing in the cache', async () => {
    const cache = { dir: path.join(tmp(), 'cache'), maxBytes: 2 ** 30 };
    const bad = await writeFile(path.join(tmp(), 'hr=00', 'bad.avro'), clicks(0, 5));
    fs.writeFileSync(bad.localPath, 'not avro at all');
    await assert.rejects(rows([bad], cache), /bad\.avro: not an Avro object container file/);
    assert.deepEqual(entries(cache), []);
  });
});
