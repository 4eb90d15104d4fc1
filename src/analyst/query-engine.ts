// SQL over the warehouse: every catalog table becomes a DuckDB view, then the query runs.
import * as path from 'node:path';
import { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import type { Sink } from '../ports/sink';
import { openSink as openJobSink } from '../connector-factory';
import { CopyStats, DEFAULT_CACHE_DIR, localDataFiles } from './local-files';
import { atLatestGeneration, CatalogTable, columnsOf, listDataFiles } from './table-catalog';
import { AfterQuery, createAvroView, createEmptyView, partitionValuesOf, STREAM_FALLBACK, viewPartitionNames } from './table-views';
import { partitionColumns } from '../table/partition-template';
import { AvroDecodePool, AvroDecoding, DEFAULT_AVRO_DECODING, sharedDecodePool } from './avro-decode-pool';
import { AVRO_CACHE_SUBDIR, AvroParquetCache, DEFAULT_AVRO_CACHE_MAX_BYTES } from './avro-parquet-cache';
import { columnsReadBy, partitionFilterOf } from './partition-pruning';
import { createParquetView } from './parquet-view';
import { plural } from '../common/plural';

export interface QueryOptions {
  /** Where files of remote sinks are copied before querying; reused between queries. */
  cacheDir?: string;
  /** Opens a job's sink from its output.sink; injectable for tests and for sinks openSink does not know. */
  openSink?: (location: string) => Sink;
  /** How Avro tables are decoded: worker threads and the size from which they are used. */
  avroDecoding?: AvroDecoding;
  /** Where each Avro file's conversion to Parquet is kept for later queries (default: under cacheDir); false: none. */
  avroCache?: AvroParquetCache | false;
  /**
   * Called with the result as soon as its rows are read, before the Avro files this query decoded are written to
   * the cache (which runQuery then waits for): a caller shows the rows without waiting for that.
   */
  onResult?: (result: QueryResult) => void;
}

/** What registering a table needs besides the table: where its files come from and how Avro is decoded. */
interface Registration {
  sql: string;
  sinkOf: (location: string) => Sink;
  cacheDir: string;
  notices: string[];
  avroDecoding: AvroDecoding;
  avroCache: AvroParquetCache | undefined;
  /** Made on first use, closed when the query ends. */
  avroPool: () => AvroDecodePool;
  avroStreaming: boolean;
}

export interface QueryResult {
  columns: string[];
  /** DuckDB's type of each column, e.g. `TIMESTAMP WITH TIME ZONE`. */
  columnTypes: string[];
  rows: DuckDBValue[][];
  /** What the user should know beside the rows: empty tables, files copied from remote sinks. */
  notices: string[];
}

/** The SQL failed; the message is DuckDB's, with the existing tables listed when a name was unknown. */
export class QueryError extends Error {
  constructor(readonly sql: string, detail: string) {
    super(detail);
    this.name = 'QueryError';
  }
}

/**
 * Whether the SQL text names a table. Only named tables are read (their Parquet listed, their Avro decoded,
 * their remote files copied); the others still get an empty view, so SHOW TABLES and DESCRIBE work.
 * A false match (the name inside a string) only costs reading a table that was not needed.
 */
export function sqlMentions(sql: string, table: string): boolean {
  const name = table.replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`);
  return new RegExp(`(^|[^A-Za-z0-9_])${name}($|[^A-Za-z0-9_])`, 'i').test(sql);
}

async function registerTable(connection: DuckDBConnection, catalogTable: CatalogTable, registration: Registration): Promise<AfterQuery | undefined> {
  const { sql, sinkOf, cacheDir, notices } = registration;
  if (!sqlMentions(sql, catalogTable.name)) {
    // A table the SQL does not name must not stop the query, whatever is wrong with it.
    await createEmptyView(connection, catalogTable).catch((error: Error) => {
      notices.push(`table ${catalogTable.name} is left out: ${error.message}`);
    });
    return undefined;
  }
  const sink = sinkOf(catalogTable.job.output.sink);
  // Columns from the table's latest schema generation: what it holds, even before the job's file is loaded.
  const table = await atLatestGeneration(sink, catalogTable);
  const committed = await listDataFiles(sink, table);
  if (committed.length === 0) {
    notices.push(`table ${table.name} has no committed data yet in ${sink.description} (${table.dataRoot}): it is empty`);
    await createEmptyView(connection, table);
    return undefined;
  }
  // Avro files are decoded in JS, so only the partitions the WHERE clause can select are read (DuckDB prunes Parquet itself).
  const filter = table.format === 'avro' ? partitionFilterOf(sql, table.name, partitionColumns(table.job.output.partitioning)) : null;
  const files = filter ? committed.filter((file) => filter(partitionValuesOf(file))) : committed;
  if (files.length === 0) {
    await createEmptyView(connection, table);
    return undefined;
  }
  const stats: CopyStats = { copied: 0, reused: 0, bytes: 0 };
  const local = await localDataFiles(sink, files, cacheDir, stats);
  if (stats.copied + stats.reused > 0) {
    notices.push(`table ${table.name}: copied ${plural(stats.copied, 'file')} (${stats.bytes} bytes) from ${sink.description} into ${cacheDir}, reused ${stats.reused} cached`);
  }
  if (table.format === 'parquet') {
    await createParquetView(connection, table, local);
    return undefined;
  }
  // Only the columns the query names are decoded into the view (the others are NULL there), when that is sure.
  const columns = columnsReadBy(sql, table.name, columnsOf(table).map((c) => c.name)) ?? undefined;
  return createAvroView(connection, { name: table.name, outputSchema: table.outputSchema, columns: columns && [...columns], partitions: viewPartitionNames(table, files) }, local, { decoding: registration.avroDecoding, pool: registration.avroPool, cache: registration.avroCache, stream: registration.avroStreaming });
}

function explain(message: string, catalog: CatalogTable[]): string {
  if (!/Table with name .* does not exist/.test(message)) return message;
  const names = catalog.map((t) => t.name).sort();
  return `${message}\ntables: ${names.length > 0 ? names.join(', ') : '(none: the jobs directory defines no tables)'}`;
}

/** A file listed for the query was gone when it was read: a compaction replaced it meanwhile. */
const VANISHED_FILE = /No such file or directory|No files found that match|cannot be read: .*ENOENT/i;

/**
 * Runs one SQL text (its last statement's rows are returned) over the catalog's tables. A compaction finishing
 * between the listing and the reading deletes files the query listed: the query is then listed and run again.
 */
export async function runQuery(catalog: CatalogTable[], sql: string, options: QueryOptions = {}): Promise<QueryResult> {
  let streaming = true;
  for (let attempt = 1; ; attempt++) {
    try {
      return await runQueryOnce(catalog, sql, options, streaming);
    } catch (error) {
      // Streamed decoding met something it leaves to the path that names faults: once more without it.
      if (error instanceof QueryError && streaming && error.message.includes(STREAM_FALLBACK)) {
        streaming = false;
        continue;
      }
      if (attempt >= 3 || !(error instanceof QueryError) || !VANISHED_FILE.test(error.message)) throw error;
    }
  }
}

async function runQueryOnce(catalog: CatalogTable[], sql: string, options: QueryOptions, avroStreaming: boolean): Promise<QueryResult> {
  const sinks = new Map<string, Sink>();
  const sinkOf = (location: string): Sink => {
    let sink = sinks.get(location);
    if (!sink) sinks.set(location, (sink = (options.openSink ?? openJobSink)(location)));
    return sink;
  };
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const notices: string[] = [];
  let pool: { pool: AvroDecodePool; release: () => void } | undefined;
  const registration: Registration = {
    sql, sinkOf, notices, cacheDir: options.cacheDir ?? DEFAULT_CACHE_DIR, avroDecoding: options.avroDecoding ?? DEFAULT_AVRO_DECODING,
    avroCache: options.avroCache === false ? undefined : options.avroCache ?? { dir: path.join(options.cacheDir ?? DEFAULT_CACHE_DIR, AVRO_CACHE_SUBDIR), maxBytes: DEFAULT_AVRO_CACHE_MAX_BYTES },
    avroPool: () => (pool ??= sharedDecodePool(registration.avroDecoding.workers)).pool,
    avroStreaming,
  };
  try {
    // Timestamps are instants; UTC makes hour() and friends agree with the dt/hr of UTC jobs, whatever this machine's zone.
    await connection.run(`SET TimeZone = 'UTC'`);
    const afterQuery: [string, AfterQuery][] = [];
    for (const table of catalog) {
      try {
        const after = await registerTable(connection, table, registration);
        if (after) afterQuery.push([table.name, after]);
      } catch (error) {
        throw new QueryError(sql, `table ${table.name} cannot be read: ${(error as Error).message}`);
      }
    }
    const reader = await connection.runAndReadAll(sql).catch((error: Error) => {
      throw new QueryError(sql, explain(error.message, catalog));
    });
    const result = { columns: reader.columnNames(), columnTypes: reader.columnTypes().map((t) => t.toString()), rows: reader.getRows(), notices: [...notices] };
    options.onResult?.(result);
    // The cache is only an aid: a conversion that fails leaves no entry (the next query decodes again) and a notice.
    for (const [name, after] of afterQuery) {
      const notices = await after().catch((error: Error) => [`the Avro cache was not written: ${error.message}`]);
      result.notices.push(...notices.map((notice) => `table ${name}: ${notice}`));
    }
    return result;
  } finally {
    connection.closeSync();
    instance.closeSync();
    pool?.release();
  }
}
