import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { createAvroFileWriter } from '../../src/formats/avro-file-writer';
import { createParquetFileWriter } from '../../src/formats/parquet-file-writer';
import type { AvroSchema, AvroSchemaObject } from '../../src/formats/record-file-writer';
import { openAvroContainer } from '../../src/analyst/avro-container-reader';
import { buildCatalog, loadJobsDirectory } from '../../src/analyst/table-catalog';
import { QueryOptions, runQuery } from '../../src/analyst/query-engine';
import { columnsReadBy, partitionFilterOf } from '../../src/analyst/partition-pruning';
import { filesDecodedOnWorkers } from '../../src/analyst/avro-decode-pool';

const HOURS = ['2026-11-20/22', '2026-11-20/23', '2026-11-21/00', '2026-11-21/01', '2026-11-21/05', '2026-11-22/00'];
const PER_FILE = 150;

/** Many Avro types, nested and nullable, so that the worker's Parquet round trip is checked for each. */
const SCHEMA: AvroSchema = {
  type: 'record', name: 'event', namespace: 'test', fields: [
    { name: 'id', type: 'long' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'local_at', type: ['null', { type: 'long', logicalType: 'local-timestamp-micros' }] },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'name', type: ['null', 'string'] },
    { name: 'score', type: 'double' },
    { name: 'ratio', type: 'float' },
    { name: 'ok', type: 'boolean' },
    { name: 'raw', type: 'bytes' },
    { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
    { name: 'kind', type: { type: 'enum', name: 'kind', symbols: ['A', 'B', 'C'] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'attrs', type: { type: 'map', values: ['null', 'int'] } },
    { name: 'where', type: { type: 'record', name: 'where', fields: [{ name: 'country', type: 'string' }, { name: 'at', type: { type: 'long', logicalType: 'timestamp-micros' } }] } },
  ],
};

function event(n: number, hourStart: number): Record<string, unknown> {
  const cents = Buffer.alloc(4);
  cents.writeInt32BE((n * 37) % 100_000 - 50_000);
  return {
    id: n, at: hourStart + n * 1000, local_at: n % 3 === 0 ? null : (hourStart + n) * 1000, day: 20_000 + (n % 50), name: n % 4 === 0 ? null : `név ${n} 'q'`,
    score: n / 7, ratio: Math.fround(n / 3), ok: n % 2 === 0, raw: Buffer.from([n & 255, 0, 255]), price: cents, kind: ['A', 'B', 'C'][n % 3],
    tags: Array.from({ length: n % 3 }, (_, i) => `t${i}`), attrs: n % 5 === 0 ? {} : { a: n, b: null }, where: { country: ['DE', 'JP'][n % 2], at: (hourStart + n) * 1000 },
  };
}

describe('sluice query over Avro: hour pruning and decoding on worker threads', function () {
  this.timeout(60_000);
  let root: string;
  let jobs: string;
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  /** The same rows as an Avro table (two files per hour) and a Parquet table, written straight through the writers. */
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-test-'));
    jobs = path.join(root, 'jobs');
    fs.mkdirSync(jobs);
    const schemaFile = path.join(root, 'event.avsc');
    fs.writeFileSync(schemaFile, JSON.stringify(SCHEMA));
    for (const format of ['avro', 'parquet']) {
      fs.writeFileSync(path.join(jobs, `ev_${format}.json`), JSON.stringify({
        name: `ev_${format}`, source: { bootstrap: '127.0.0.1:9', topic: 'events' }, value: { format: 'avro', schema: schemaFile },
        output: { formats: [format], avroCodec: 'deflate', sink: path.join(root, 'warehouse'), table: `ev_${format}` }, time: { field: 'at' },
      }));
    }
    let n = 0;
    for (const hour of HOURS) {
      const [dt, hr] = hour.split('/');
      const hourStart = Date.parse(`${dt}T${hr}:00:00Z`);
      for (const part of [0, 1]) {
        const records = Array.from({ length: PER_FILE }, () => event(n++, hourStart));
        for (const format of ['avro', 'parquet']) {
          const dir = path.join(root, 'warehouse', `ev_${format}`, `dt=${dt}`, `hr=${hr}`);
          fs.mkdirSync(dir, { recursive: true });
          const file = path.join(dir, `events+${part}+0000000000.${format}`);
          const writer = format === 'avro' ? createAvroFileWriter({ path: file, schema: SCHEMA, codec: 'deflate' }) : createParquetFileWriter({ path: file, schema: SCHEMA });
          for (const record of records) writer.write(record);
          await writer.close();
        }
      }
    }
  });

  const query = async (sql: string, options: QueryOptions = {}) => {
    const result = await runQuery(buildCatalog(loadJobsDirectory(jobs)), sql, options);
    return { types: result.columnTypes, rows: JSON.stringify(result.rows, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) };
  };
  const IN_PROCESS: QueryOptions = { avroDecoding: { workers: 0, minBytes: 0 }, avroCache: false };
  const ON_WORKERS: QueryOptions = { avroDecoding: { workers: 2, minBytes: 0 }, avroCache: false };
  /** Through the Parquet cache (avro-parquet-cache.ts), converting on workers when it is cold. */
  const cached = (): QueryOptions => ({ avroDecoding: { workers: 2, minBytes: 0 }, avroCache: { dir: path.join(root, 'avro-cache'), maxBytes: 2 ** 30 } });

  it('parses the predicates it can and reads every partition for the rest', () => {
    const hours = HOURS.map((h) => ({ dt: h.split('/')[0], hr: h.split('/')[1] }));
    const selected = (sql: string): string[] | null => {
      const filter = partitionFilterOf(sql, 'ev_avro', ['dt', 'hr']);
      return filter && hours.filter(filter).map((h) => `${h.dt}/${h.hr}`);
    };
    assert.deepEqual(selected("SELECT * FROM ev_avro WHERE dt = '2026-11-21' AND hr = '05'"), ['2026-11-21/05']);
    assert.deepEqual(selected("select count(*) from EV_AVRO e where e.DT = '2026-11-21' and \"hr\" in ('00', '05') group by 1"), ['2026-11-21/00', '2026-11-21/05']);
    assert.deepEqual(selected("SELECT * FROM ev_avro WHERE dt BETWEEN '2026-11-20' AND '2026-11-21' AND hr >= '01' AND id > 3 ORDER BY id;"), ['2026-11-20/22', '2026-11-20/23', '2026-11-21/01', '2026-11-21/05']);
    assert.deepEqual(selected("SELECT * FROM ev_avro AS x WHERE ('2026-11-21' < x.dt OR false) AND (hr < '01') -- comment"), ['2026-11-21/00', '2026-11-22/00']);
    assert.deepEqual(selected("SELECT * FROM ev_avro WHERE dt <> '2026-11-21' AND /* hr = '05' */ hr != '22'"), ['2026-11-20/23', '2026-11-22/00']);
    assert.deepEqual(selected("SELECT * FROM ev_avro WHERE dt = 'it''s'"), []);
    assert.deepEqual(selected("SELECT * FROM ev_avro WHERE CASE WHEN ok AND id > 0 THEN 1 END = 1 AND hr = '05'"), ['2026-11-21/05'], 'an AND inside CASE is not a top-level one');
    for (const sql of [
      'SELECT * FROM ev_avro',
      "SELECT * FROM ev_avro WHERE dt = '2026-11-21' OR hr = '05'",
      "SELECT * FROM ev_avro WHERE hr = 5",
      "SELECT * FROM ev_avro WHERE dt NOT IN ('2026-11-21')",
      "SELECT * FROM ev_avro WHERE NOT dt = '2026-11-21'",
      "SELECT * FROM ev_avro WHERE upper(dt) = '2026-11-21'",
      "SELECT * FROM ev_avro WHERE dt = '2026-11-21'::VARCHAR",
      "SELECT * FROM ev_avro WHERE dt IN (SELECT dt FROM ev_parquet)",
      "SELECT * FROM ev_avro a JOIN ev_parquet p USING (id) WHERE a.dt = '2026-11-21'",
      "SELECT * FROM ev_avro, ev_parquet WHERE dt = '2026-11-21'",
      "WITH x AS (SELECT * FROM ev_avro) SELECT * FROM x WHERE dt = '2026-11-21'",
      "SELECT * FROM ev_avro WHERE dt = '2026-11-21' UNION ALL SELECT * FROM ev_avro",
      "SELECT * FROM ev_avro WHERE dt = '2026-11-21'; SELECT * FROM ev_avro",
      "SELECT * FROM ev_parquet WHERE dt = '2026-11-21'",
      "SELECT * FROM other.ev_avro WHERE dt = '2026-11-21'",
      "SELECT * FROM ev_avro WHERE b.dt = '2026-11-21'",
      "SELECT * FROM ev_avro WHERE CASE WHEN id > 1 AND dt = '2026-11-21' AND ok THEN 0 ELSE 1 END = 1",
      "SELECT * FROM ev_avro WHERE CASE WHEN ok THEN true ELSE false END OR dt = '2026-11-21'",
    ]) assert.equal(selected(sql), null, sql);
  });

  it('hour predicates give the rows they give without pruning, and the Parquet table\'s; only the selected hours\' files are read', async () => {
    const predicates = [
      "dt = '2026-11-21' AND hr = '05'",
      "dt = '2026-11-21' AND hr IN ('00', '01')",
      "dt BETWEEN '2026-11-20' AND '2026-11-21' AND hr >= '01' AND id % 2 = 0",
      "dt = '2026-12-01'",
    ];
    for (const predicate of predicates) {
      const sql = (table: string, where: string) => `SELECT * EXCLUDE (raw, price), hex(raw), price::VARCHAR FROM ${table} WHERE ${where} ORDER BY id`;
      const pruned = await query(sql('ev_avro', predicate), IN_PROCESS);
      const unpruned = await query(sql('ev_avro', `(${predicate}) OR 1 = 0`), IN_PROCESS);
      const parquet = await query(sql('ev_parquet', predicate));
      assert.deepEqual(pruned, unpruned, predicate);
      assert.equal(pruned.rows, parquet.rows, predicate);
    }
    // Read through the Sink interface (as from WebHDFS), counting the data files it reads.
    let reads: string[] = [];
    const openSink = (location: string) => {
      const inner = new LocalSink(location);
      const readFile = (p: string) => {
        if (!p.includes('/_sluice/')) reads.push(p);
        return inner.readFile(p);
      };
      return new Proxy(inner, {
        get: (target, key) => {
          if (key === 'localPath') return () => null;
          if (key === 'readFile') return readFile;
          const value: unknown = Reflect.get(target, key);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    };
    const counted = await runQuery(buildCatalog(loadJobsDirectory(jobs)), "SELECT count(*) FROM ev_avro WHERE hr = '00' AND dt >= '2026-11-21'", { ...IN_PROCESS, openSink, cacheDir: path.join(root, 'cache') });
    assert.deepEqual(counted.rows, [[BigInt(4 * PER_FILE)]]);
    assert.deepEqual(reads.map((p) => p.replace(/^(.*\/)?ev_avro\//, '').replace(/\/events.*$/, '')).sort(), ['dt=2026-11-21/hr=00', 'dt=2026-11-21/hr=00', 'dt=2026-11-22/hr=00', 'dt=2026-11-22/hr=00']);
    reads = [];
    await runQuery(buildCatalog(loadJobsDirectory(jobs)), "SELECT count(*) FROM ev_avro WHERE hr = '00' OR dt >= '2026-11-21'", { ...IN_PROCESS, openSink, cacheDir: path.join(root, 'cache2') });
    assert.equal(reads.length, HOURS.length * 2, 'an OR reads every hour');
  });

  it('reads only the columns a query names, when it is sure; the rows are those of the Parquet table', async () => {
    fs.rmSync(path.join(root, 'avro-cache'), { recursive: true, force: true });
    const columns = (SCHEMA as { fields: { name: string }[] }).fields.map((f) => f.name);
    const read = (sql: string) => {
      const names = columnsReadBy(sql, 'ev_avro', columns);
      return names && [...names].sort();
    };
    assert.deepEqual(read("SELECT count(*), sum(score * 2) FROM ev_avro WHERE dt = '2026-11-21' AND name <> 'id'"), ['name', 'score', 'where'], 'the keyword WHERE reads the column "where" too: more than needed, never less');
    assert.deepEqual(read('select e."WHERE".country, Kind from ev_avro e order by ALL'), ['kind', 'where']);
    assert.deepEqual(read('SELECT count(*) FROM ev_avro'), []);
    for (const sql of ['SELECT * FROM ev_avro', 'SELECT e.* FROM ev_avro e', 'SELECT COLUMNS(\'i.*\') FROM ev_avro', 'SELECT ev_avro FROM ev_avro',
      'SELECT to_json(e) FROM ev_avro e', 'SELECT * EXCLUDE (raw) FROM ev_avro', 'SUMMARIZE ev_avro', 'DESCRIBE SELECT id FROM ev_avro', 'SELECT count(DISTINCT *) FROM ev_avro',
      'SELECT id FROM ev_avro JOIN ev_parquet USING (id)', 'FROM ev_avro', "FROM ev_avro WHERE dt = '2026-11-21'"]) assert.equal(read(sql), null, sql);
    assert.deepEqual(read('FROM ev_avro SELECT id'), ['id']);
    for (const sql of [
      "SELECT id, name, \"where\".country AS country, kind, tags, attrs, price::VARCHAR AS price, count(*) OVER () AS n FROM ev_avro WHERE dt = '2026-11-21' ORDER BY id",
      "SELECT count(*) AS n, sum(ratio) AS r, min(\"at\") AS first FROM ev_avro WHERE hr IN ('00', '23')",
      'SELECT hr, count(*) AS n FROM ev_avro GROUP BY ALL ORDER BY ALL',
      'DESCRIBE ev_avro',
      "FROM ev_avro WHERE dt = '2026-11-20' ORDER BY id LIMIT 3",
      "FROM ev_avro e SELECT e.id, e.\"where\" WHERE e.hr = '23' ORDER BY 1 LIMIT 3",
    ]) {
      const parquet = await query(sql.replace(/ev_avro/g, 'ev_parquet'));
      assert.deepEqual(await query(sql, IN_PROCESS), parquet, sql);
      // Workers cost ~0.3 s a query; once is enough to see that they honour the column list.
      if (sql.includes('OVER ()')) assert.deepEqual(await query(sql, ON_WORKERS), parquet, sql);
      // One cache through every query: entries hold the columns named so far and grow as later queries name others.
      assert.deepEqual(await query(sql, cached()), parquet, `${sql} (cached)`);
    }
  });

  it('decoding on worker threads gives the rows and column types of decoding on the main thread', async () => {
    // Flat columns only: the workers decode those; nested ones, enums and decimals are decoded on the main thread.
    const flat = 'SELECT id, "at", local_at, day, name, score, ratio, ok, hex(raw), dt, hr FROM ev_avro ORDER BY id';
    const before = filesDecodedOnWorkers();
    const flatOnWorkers = await query(flat, ON_WORKERS);
    assert.equal(filesDecodedOnWorkers() - before, HOURS.length * 2);
    assert.deepEqual(flatOnWorkers, await query(flat, IN_PROCESS));
    const sql = 'SELECT * FROM ev_avro ORDER BY id';
    const onWorkers = await query(sql, ON_WORKERS);
    const inProcess = await query(sql, IN_PROCESS);
    assert.deepEqual(onWorkers.types, inProcess.types);
    assert.equal(onWorkers.rows, inProcess.rows);
    assert.equal(JSON.parse(inProcess.rows).length, HOURS.length * 2 * PER_FILE);
    const hourly = "SELECT dt, hr, count(*), min(\"at\"), max(\"where\".\"at\") FROM ev_avro WHERE dt = '2026-11-21' GROUP BY ALL ORDER BY ALL";
    assert.deepEqual(await query(hourly, ON_WORKERS), await query(hourly, IN_PROCESS));
    fs.rmSync(path.join(root, 'avro-cache'), { recursive: true, force: true });
    for (const use of ['cold', 'warm']) {
      const throughCache = await query(sql, cached());
      assert.deepEqual(throughCache.types, inProcess.types, use);
      assert.equal(throughCache.rows, inProcess.rows, use);
    }
  });

  it('a damaged file fails the query naming it, on workers as on the main thread', async () => {
    const broken = path.join(root, 'warehouse/ev_avro/dt=2026-11-22/hr=00/events+9+0000000000.avro');
    fs.writeFileSync(broken, 'not avro');
    try {
      for (const options of [IN_PROCESS, ON_WORKERS, cached()]) {
        await assert.rejects(query('SELECT count(*) FROM ev_avro', options), /table ev_avro cannot be read: .*events\+9\+0000000000\.avro: not an Avro object container file/);
      }
      assert.deepEqual(JSON.parse((await query("SELECT count(*) FROM ev_avro WHERE dt = '2026-11-21'", ON_WORKERS)).rows), [[`${6 * PER_FILE}n`]], 'a pruned-away hour is not read');
    } finally {
      fs.rmSync(broken);
    }
  });

  it('a block a worker cannot decode is decoded again on the main thread, which names the fault as it does without workers', async () => {
    const file = path.join(root, 'warehouse/ev_avro/dt=2026-11-22/hr=00/events+1+0000000000.avro');
    const good = fs.readFileSync(file);
    const container = openAvroContainer(file, good, SCHEMA as AvroSchemaObject);
    const blocks = [...container.blocks()];
    const lastBlockData = blocks[blocks.length - 1].stored.byteOffset - good.byteOffset;
    const damages: [string, (bytes: Buffer) => void][] = [
      // A byte in the middle of the last block's deflate stream: the header and the blocks' framing stay valid.
      ['a flipped byte', (bytes) => { bytes[bytes.length - 40] ^= 0xff; }],
      // A deflate block type that does not exist (BTYPE 11): zlib itself refuses the block.
      ['a stream zlib refuses', (bytes) => { bytes[lastBlockData] = 0xff; }],
    ];
    try {
      for (const [what, damage] of damages) {
        const damaged = Buffer.from(good);
        damage(damaged);
        fs.writeFileSync(file, damaged);
        const sql = 'SELECT id, name FROM ev_avro ORDER BY id';
        const inProcess = await query(sql, IN_PROCESS).then(() => assert.fail('read'), (error: Error) => error.message);
        const before = filesDecodedOnWorkers();
        const onWorkers = await query(sql, ON_WORKERS).then(() => assert.fail('read'), (error: Error) => error.message);
        assert.equal(onWorkers, inProcess, what);
        assert.match(onWorkers, /table ev_avro cannot be read: .*events\+1\+0000000000\.avro/, `${what}: ${onWorkers}`);
        assert.ok(filesDecodedOnWorkers() > before, `${what}: the other files were decoded on the workers`);
      }
    } finally {
      fs.writeFileSync(file, good);
    }
  });
});
