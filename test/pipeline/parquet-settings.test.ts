import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import type { FileMetaData } from 'hyparquet';
import { KafkaClient } from '../../src/client/kafka-client';
import { loadJobDefinition } from '../../src/job/job-definition';
import { RunningBroker, startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { run } from '../helpers/processes';
import { HOUR, START, listFiles, pageViewValues, produceValues, writeJob } from '../helpers/page-views';
import { useTempDir } from '../helpers/temp-dir';

type Hyparquet = typeof import('hyparquet');
// hyparquet is ESM-only; a Function-made import() is not rewritten to require() by tsc.
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Hyparquet>;
const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);

const RECORDS = 600;
const SPACING_MS = 5000; // 600 records over 50 minutes of hour 00
const tsOf = (i: number) => START + i * SPACING_MS;

interface FileRead { metadata: FileMetaData; rows: { offset: bigint; partition: number; ts: bigint }[]; duckdb: { compressions: string[]; tsType: string; tsConverted: string; rows: string[] } }

async function readFile(file: string, db: DuckDBInstance): Promise<FileRead> {
  const hyparquet = await importEsm('hyparquet');
  const bytes = fs.readFileSync(file);
  const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  const metadata = hyparquet.parquetMetadata(arrayBuffer);
  const rows = await hyparquet.parquetReadObjects({
    file: arrayBuffer, metadata, columns: ['_kafka_offset', '_kafka_partition', 'ts'],
    compressors: { GZIP: (input: Uint8Array) => new Uint8Array(zlib.gunzipSync(input)) },
    parsers: { timestampFromMilliseconds: (ms: bigint) => ms, timestampFromMicroseconds: (us: bigint) => us / 1000n, timestampFromNanoseconds: (ns: bigint) => ns / 1_000_000n },
  }) as { _kafka_offset: bigint; _kafka_partition: number; ts: bigint }[];
  const connection = await db.connect();
  try {
    const quoted = `'${file.replace(/'/g, "''")}'`;
    const chunks = (await connection.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata(${quoted})`)).getRowObjectsJson();
    const ts = (await connection.runAndReadAll(`SELECT type, converted_type FROM parquet_schema(${quoted}) WHERE name = 'ts'`)).getRowObjectsJson()[0];
    const read = (await connection.runAndReadAll(`SELECT _kafka_partition || ':' || _kafka_offset || ':' || epoch_ms(ts) AS row FROM read_parquet(${quoted})`)).getRowObjectsJson();
    return {
      metadata,
      rows: rows.map((r) => ({ offset: BigInt(r._kafka_offset), partition: r._kafka_partition, ts: BigInt(r.ts) })),
      duckdb: { compressions: chunks.map((c) => String(c.compression)), tsType: String(ts.type), tsConverted: String(ts.converted_type), rows: read.map((r) => String(r.row)) },
    };
  } finally {
    connection.closeSync();
  }
}

describe('output.parquet settings and files.maxAge, loaded by the CLI and read back by DuckDB and hyparquet', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  let broker: RunningBroker;
  let client: KafkaClient;
  let db: DuckDBInstance;

  before(async () => {
    broker = await startBroker({ numPartitions: 2 });
    client = await KafkaClient.connect(broker.bootstrap);
    await client.createTopic('page_views', 2);
    const values = pageViewValues(0, RECORDS, tsOf);
    await produceValues(client, 'page_views', 2, values);
    db = await DuckDBInstance.create(':memory:');
  });
  after(async () => {
    client?.close();
    await broker?.stop();
  });

  /** `workerThreads` 0 loads on the main thread (faster for this little data); the first case keeps the default to cover the workers. */
  async function loadAndRead(table: string, parquet: Record<string, unknown>, files: Record<string, unknown>, workerThreads?: number) {
    const dir = path.join(tmp(), table);
    const jobFile = writeJob(dir, {
      ...(workerThreads === undefined ? {} : { workerThreads }), output: { formats: ['parquet'], parquet, sink: path.join(dir, 'warehouse'), table }, files, metadataColumns: ['partition', 'offset'],
    }, broker.bootstrap);
    const load = await sluice(['load', '--job', jobFile]);
    assert.equal(load.code, 0, load.stderr);
    const verify = await sluice(['verify', '--job', jobFile]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const root = path.join(dir, 'warehouse', table);
    const names = listFiles(root).filter((f) => f.endsWith('.parquet'));
    const reads = await Promise.all(names.map((f) => readFile(path.join(root, f), db)));
    const all = reads.flatMap((r) => r.duckdb.rows).sort();
    return { jobFile, names, reads, all };
  }

  it('snappy by default, int64-millis, rowGroupSize 4096 and maxAge "10m": several files per hour, each spanning ≤ 10 minutes, every value back', async () => {
    const { jobFile, names, reads, all } = await loadAndRead('pv_snappy', { timestampType: 'int64-millis', rowGroupSize: 4096 }, { maxAge: '10m' });
    const query = await sluice(['query', '--jobs', path.dirname(jobFile), '--format', 'json', 'SELECT count(*) AS n, min(epoch_ms(ts)) AS first, max(epoch_ms(ts)) AS last FROM pv_snappy']);
    assert.equal(query.code, 0, query.stderr);
    assert.deepEqual(JSON.parse(query.stdout), { n: RECORDS, first: tsOf(0), last: tsOf(RECORDS - 1) }, 'sluice query reads the millisecond files');
    // Which records each partition got depends on the key hash; the set of values back must be exactly what was produced.
    const offsets = reads.flatMap((r) => r.rows);
    assert.equal(offsets.length, RECORDS);
    assert.deepEqual(new Set(offsets.map((r) => Number(r.ts))), new Set(Array.from({ length: RECORDS }, (_, i) => tsOf(i))));
    assert.equal(all.length, RECORDS);
    assert.deepEqual(reads.flatMap((r) => r.rows.map((x) => `${x.partition}:${x.offset}:${x.ts}`)).sort(), all, 'hyparquet and DuckDB read the same rows');
    // 50 minutes per partition in files of at most 10 minutes: at least 5 files per partition, all in hour 00.
    assert.ok(names.every((n) => n.startsWith('dt=2026-11-21/hr=00/')), names.join());
    assert.ok(names.length >= 10, `${names.length} files`);
    for (const read of reads) {
      const times = read.rows.map((r) => Number(r.ts));
      assert.ok(Math.max(...times) - Math.min(...times) <= 10 * 60_000, 'a file spans at most maxAge');
      assert.deepEqual(read.duckdb.compressions, ['SNAPPY']);
      assert.ok(read.metadata.row_groups.every((g) => g.columns.every((c) => c.meta_data?.codec === 'SNAPPY')));
      assert.equal(read.duckdb.tsType, 'INT64');
      assert.equal(read.duckdb.tsConverted, 'TIMESTAMP_MILLIS');
      const ts = read.metadata.schema.find((e) => e.name === 'ts')!;
      assert.equal(ts.type, 'INT64');
      assert.equal(ts.converted_type, 'TIMESTAMP_MILLIS');
    }
  });

  it('gzip and none with int64-micros, without maxAge one file per hour and partition; hive-ddl names the codec', async () => {
    for (const [codec, footer] of [['gzip', 'GZIP'], ['none', 'UNCOMPRESSED']] as const) {
      const { jobFile, names, reads, all } = await loadAndRead(`pv_${codec}`, { codec }, {}, 0);
      assert.equal(names.length, 2, names.join());
      assert.equal(all.length, RECORDS);
      assert.deepEqual(reads.flatMap((r) => r.rows.map((x) => `${x.partition}:${x.offset}:${x.ts}`)).sort(), all);
      for (const read of reads) {
        assert.deepEqual(read.duckdb.compressions, [footer]);
        assert.ok(read.metadata.row_groups.every((g) => g.columns.every((c) => c.meta_data?.codec === footer)));
        assert.equal(read.duckdb.tsConverted, 'TIMESTAMP_MICROS');
      }
      const ddl = await sluice(['hive-ddl', '--job', jobFile]);
      assert.equal(ddl.code, 0, ddl.stderr);
      assert.match(ddl.stdout, new RegExp(`STORED AS PARQUET\\n.*\\nTBLPROPERTIES \\('parquet\\.compression'='${footer}'\\);`));
    }
  });

  it('int96 (snappy by default): INT96 timestamps that DuckDB, hyparquet and sluice query read as the produced instants; hive-ddl says TIMESTAMP', async () => {
    const { jobFile, names, reads, all } = await loadAndRead('pv_int96', { timestampType: 'int96', rowGroupSize: 4096 }, {}); // on worker threads: hyparquet(-writer) are imported there too
    assert.equal(names.length, 2, names.join());
    assert.equal(all.length, RECORDS);
    assert.deepEqual(new Set(all.map((row) => Number(row.split(':')[2]))), new Set(Array.from({ length: RECORDS }, (_, i) => tsOf(i))), 'DuckDB reads the instants');
    assert.deepEqual(reads.flatMap((r) => r.rows.map((x) => `${x.partition}:${x.offset}:${x.ts}`)).sort(), all, 'hyparquet reads the same rows');
    for (const read of reads) {
      assert.deepEqual(read.duckdb.compressions, ['SNAPPY']);
      assert.equal(read.duckdb.tsType, 'INT96');
      const ts = read.metadata.schema.find((e) => e.name === 'ts')!;
      assert.equal(ts.type, 'INT96');
      assert.equal(ts.converted_type, undefined);
      assert.equal(ts.logical_type, undefined);
      const offset = read.metadata.schema.find((e) => e.name === '_kafka_offset')!;
      assert.equal(offset.type, 'INT64', 'other columns keep their types');
      assert.ok(read.metadata.row_groups.every((g) => g.columns.every((c) => c.meta_data?.codec === 'SNAPPY')));
    }
    const query = await sluice(['query', '--jobs', path.dirname(jobFile), '--format', 'json', 'SELECT count(*) AS n, min(epoch_ms(ts)) AS first, max(epoch_ms(ts)) AS last FROM pv_int96']);
    assert.equal(query.code, 0, query.stderr);
    assert.deepEqual(JSON.parse(query.stdout), { n: RECORDS, first: tsOf(0), last: tsOf(RECORDS - 1) });
    const ddl = await sluice(['hive-ddl', '--job', jobFile]);
    assert.equal(ddl.code, 0, ddl.stderr);
    assert.match(ddl.stdout, /`ts` TIMESTAMP\b/);
  });

  it('errors name the key path', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ output: { formats: ['parquet'], parquet: { codec: 'lz4' }, sink: '/tmp/x', table: 't' } }, /output\.parquet\.codec: must be one of "snappy", "zstd", "gzip", "none", not "lz4"/],
      [{ output: { formats: ['parquet'], parquet: { timestampType: 'int128' }, sink: '/tmp/x', table: 't' } }, /output\.parquet\.timestampType: must be one of "int64-micros", "int64-millis", "int96", not "int128"/],
      [{ output: { formats: ['parquet'], parquet: { codek: 'gzip' }, sink: '/tmp/x', table: 't' } }, /output\.parquet\.codek: unknown key; did you mean output\.parquet\.codec\?/],
      [{ output: { formats: ['parquet'], parquet: { rowGroupSize: 100 }, sink: '/tmp/x', table: 't' } }, /output\.parquet\.rowGroupSize: must be a whole number from 2048/],
      [{ files: { maxAge: '15 minutes' } }, /files\.maxAge: must be a number of seconds or a string such as "90s"/],
      [{ files: { maxAge: 0.5 } }, /files\.maxAge: must be from 1 s to 86400 s, not 0.5/],
    ];
    for (const [overrides, expected] of cases) assert.throws(() => loadJobDefinition(writeJob(tmp(), overrides)), expected);
    const job = loadJobDefinition(writeJob(tmp(), { files: { maxAge: 90 } }));
    assert.equal(job.files.maxAgeMs, 90_000);
    assert.equal(loadJobDefinition(writeJob(tmp(), { files: { maxAge: '2h' } })).files.maxAgeMs, 2 * HOUR);
    assert.deepEqual(job.output.parquet, { codec: 'snappy', timestampType: 'int64-micros', rowGroupSize: null });
  });
});
