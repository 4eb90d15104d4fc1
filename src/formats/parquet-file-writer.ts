import * as fs from 'node:fs';
import * as os from 'node:os';
import { threadId } from 'node:worker_threads';
import * as path from 'node:path';
import { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { AvroRecord, AvroSchema, RecordFileWriter, WrittenFile } from './record-file-writer';
import { Column, parquetColumnsOf, quoteIdentifier, TimeUnit } from './avro-to-parquet';
import { ColumnAppender, columnAppender, InvalidValueError, stagingTypeSql } from './duckdb-values';
import { ParquetEngineError, ParquetWriteError } from './parquet-errors';
import { rewriteTimestampsAsInt96 } from './parquet-int96';

export { ParquetEngineError, ParquetWriteError } from './parquet-errors';

/**
 * Parquet files written through DuckDB. Each writer appends its records, one appender call per value,
 * to a temporary table in an open transaction on its own connection to one shared in-memory DuckDB,
 * and close() copies that table to the Parquet file. See docs/parquet-choice.md for why this way.
 */

export interface ParquetFileWriterOptions {
  path: string;
  schema: AvroSchema;
  /** Rows per Parquet row group. */
  rowGroupRows?: number;
  compression?: ParquetCompression;
  /** How top-level timestamp columns are stored: INT64 TIMESTAMP(MICROS) (the default) or TIMESTAMP(MILLIS). */
  timestampUnit?: TimeUnit;
  /** Top-level timestamp columns as INT96 (Impala's and old Hive's timestamps) instead; timestampUnit is then ignored. */
  int96Timestamps?: boolean;
  /**
   * Stage rows as NDJSON for DuckDB's JSON reader instead of appending values (the load's JSON fast path, which
   * hands writeScanned() the values' own bytes): see createNdjsonOrAppenderWriter in ndjson-parquet-writer.ts.
   */
  stageAsNdjson?: boolean;
}

export const PARQUET_COMPRESSIONS = ['zstd', 'snappy', 'gzip', 'none'] as const;
export type ParquetCompression = (typeof PARQUET_COMPRESSIONS)[number];

/** DuckDB's names for the codecs. */
export const DUCKDB_COMPRESSION: Record<ParquetCompression, string> = { zstd: 'zstd', snappy: 'snappy', gzip: 'gzip', none: 'uncompressed' };

export const DEFAULT_ROW_GROUP_ROWS = 122_880;

/**
 * Rows a writer's appender holds before handing them to its table. DuckDB's own default is 204,800
 * rows (~50 MB of page views) per appender, outside its memory limit; handed-over rows count against
 * the limit and spill to the temp directory beyond it. Inside the open transaction a flush is cheap;
 * committing each flush instead cost ~10% more time and more memory (docs/parquet-choice.md).
 */
const APPENDER_FLUSH_ROWS = 4096;

export interface ParquetEngineSettings {
  /**
   * DuckDB's memory_limit: staged rows beyond it spill to tempDirectory. DuckDB uses ~100-150 MB more
   * than this while writing a file; 128MB keeps a writer's peak RSS near 400 MB (docs/parquet-choice.md).
   */
  memoryLimit: string;
  tempDirectory: string;
  threads: number;
}

// Per thread: in a worker thread `process` 'exit' fires when that thread ends, and removes only its own directory.
const DEFAULT_TEMP_DIRECTORY = path.join(os.tmpdir(), `sluice-duckdb-${process.pid}-${threadId}`);
// 256MB on the main thread: it loads `concurrency` ranges at once, and each NDJSON COPY (the JSON fast path) reads in
// 32 MiB buffers, so 128MB ran out with four ranges in flight.
let settings: ParquetEngineSettings = { memoryLimit: '256MB', tempDirectory: DEFAULT_TEMP_DIRECTORY, threads: os.availableParallelism() };
let engine: Promise<DuckDBInstance> | undefined;

/** Changes the shared DuckDB's settings; only before the first writer starts it. */
export function configureParquetEngine(changes: Partial<ParquetEngineSettings>): void {
  if (engine) throw new ParquetEngineError('already started; configure it before the first Parquet writer is created');
  settings = { ...settings, ...changes };
}

export function sharedEngine(): Promise<DuckDBInstance> {
  engine ??= DuckDBInstance.create(':memory:', {
    memory_limit: settings.memoryLimit,
    temp_directory: settings.tempDirectory,
    threads: String(settings.threads),
  }).then(
    (instance) => {
      if (settings.tempDirectory === DEFAULT_TEMP_DIRECTORY) {
        process.once('exit', () => fs.rmSync(DEFAULT_TEMP_DIRECTORY, { recursive: true, force: true }));
      }
      return instance;
    },
    (e: unknown) => {
      engine = undefined; // let a later writer try again, e.g. after configureParquetEngine()
      throw new ParquetEngineError(`could not start: ${messageOf(e)}`);
    },
  );
  return engine;
}

/** COPY's options for a file of these options (checked). */
export function parquetCopyOptions(options: ParquetFileWriterOptions): string {
  const rowGroupRows = options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS;
  if (!Number.isSafeInteger(rowGroupRows) || rowGroupRows < 1) {
    throw new ParquetWriteError(options.path, `rowGroupRows must be a positive integer, not ${rowGroupRows}`);
  }
  const compression = options.compression ?? 'zstd';
  if (!PARQUET_COMPRESSIONS.includes(compression)) {
    throw new ParquetWriteError(options.path, `compression must be one of ${PARQUET_COMPRESSIONS.join(', ')}, not ${String(compression)}`);
  }
  return `(FORMAT parquet, COMPRESSION ${DUCKDB_COMPRESSION[compression]}, ROW_GROUP_SIZE ${rowGroupRows}, USE_TMP_FILE false)`;
}

export function createParquetFileWriter(options: ParquetFileWriterOptions): RecordFileWriter {
  return new ParquetFileWriter(options);
}

/** Where NDJSON-staged rows wait for their file's COPY: beside DuckDB's own spill files. */
export function ndjsonStagingPath(): string {
  fs.mkdirSync(settings.tempDirectory, { recursive: true });
  return path.join(settings.tempDirectory, `staged-${++stagingTables}.ndjson`);
}

interface Stage {
  connection: DuckDBConnection;
  appender: DuckDBAppender;
  appenderOpen: boolean;
}

let stagingTables = 0;

class ParquetFileWriter implements RecordFileWriter {
  private readonly path: string;
  private readonly columns: Column[];
  private readonly names: string[];
  private readonly appenders: ColumnAppender[];
  private readonly copySql: string;
  /** With int96Timestamps: the top-level timestamp columns, and where DuckDB's INT64 file goes before the rewrite. */
  private readonly int96: { int64Path: string; rewrite: () => Promise<void> } | undefined;
  private readonly ready: Promise<void>;
  /** Records written before the connection is ready (its first milliseconds), in order. */
  private pending: AvroRecord[] = [];
  private stage: Stage | undefined;
  private state: 'open' | 'closing' | 'closed' | 'aborted' = 'open';
  private failure: ParquetWriteError | undefined;
  private closing: Promise<WrittenFile> | undefined;
  private records = 0;

  constructor(options: ParquetFileWriterOptions) {
    this.path = options.path;
    const unit = options.int96Timestamps ? 'micros' : options.timestampUnit ?? 'micros';
    const copyOptions = parquetCopyOptions(options);
    this.columns = parquetColumnsOf(options.schema);
    const timestamps = this.columns.filter((c) => c.type.kind === 'TIMESTAMP' || c.type.kind === 'TIMESTAMPTZ').map((c) => c.name);
    const int64Path = `${this.path}.int64`;
    this.int96 = options.int96Timestamps && timestamps.length > 0 ? { int64Path, rewrite: () => rewriteTimestampsAsInt96(int64Path, this.path, timestamps) } : undefined;
    this.names = this.columns.map((c) => c.name);
    this.appenders = this.columns.map(columnAppender);
    const table = `sluice_parquet_${++stagingTables}`;
    this.copySql = `COPY (SELECT ${this.columns.map((c) => outputExpression(c, unit)).join(', ')} FROM temp.main.${table}) TO ${quoteLiteral(this.int96?.int64Path ?? this.path)} ${copyOptions}`;
    this.ready = this.open(table).catch((e: unknown) => {
      this.failure ??= new ParquetWriteError(this.path, `could not start staging in DuckDB: ${messageOf(e)}`);
    });
  }

  write(record: AvroRecord): void {
    if (this.state !== 'open') throw new ParquetWriteError(this.path, `write() after the writer was ${this.state === 'closing' ? 'closed' : this.state}`);
    if (this.failure) throw this.failure;
    if (this.stage) this.append(this.stage.appender, record);
    else this.pending.push(record);
  }

  close(): Promise<WrittenFile> {
    if (this.state !== 'open') return Promise.reject(new ParquetWriteError(this.path, `close() after the writer was ${this.state}`));
    this.state = 'closing';
    this.closing = this.finish();
    return this.closing;
  }

  async abort(): Promise<void> {
    this.state = 'aborted';
    this.pending = [];
    if (this.closing) {
      this.stage?.connection.interrupt();
      await this.closing.catch(() => undefined);
    }
    await this.ready;
    try {
      this.release();
    } catch {
      // The file removal below is what abort() promises; the connection is closed by release() regardless.
    }
    await fs.promises.rm(this.path, { force: true });
    if (this.int96) await fs.promises.rm(this.int96.int64Path, { force: true });
  }

  private async open(table: string): Promise<void> {
    const connection = await (await sharedEngine()).connect();
    try {
      await connection.run('BEGIN TRANSACTION');
      await connection.run(`CREATE TEMP TABLE ${table} (${this.columns.map(stagingColumnSql).join(', ')})`);
      this.stage = { connection, appender: await connection.createAppender(table, 'main', 'temp'), appenderOpen: true };
    } catch (e) {
      connection.closeSync();
      throw e;
    }
    const pending = this.pending;
    this.pending = [];
    for (const record of pending) this.append(this.stage.appender, record);
  }

  private append(appender: DuckDBAppender, record: AvroRecord): void {
    const { appenders, names } = this;
    let column = 0;
    try {
      for (; column < appenders.length; column++) appenders[column](appender, record[names[column]]);
      appender.endRow();
      if (++this.records % APPENDER_FLUSH_ROWS === 0) appender.flushSync();
    } catch (e) {
      // The appender now holds part of a row that cannot be taken back, so the writer is done.
      const where = e instanceof InvalidValueError ? `field ${e.fieldPath}` : column < this.columns.length ? `field ${this.columns[column].path}` : 'end of row';
      this.failure = new ParquetWriteError(this.path, `record ${this.records} (0-based), ${where}: ${e instanceof InvalidValueError ? e.detail : messageOf(e)}; abort() the writer`);
      throw this.failure;
    }
  }

  private async finish(): Promise<WrittenFile> {
    await this.ready;
    if (this.failure) throw this.failure;
    const stage = this.stage!;
    try {
      stage.appenderOpen = false;
      stage.appender.closeSync();
      await stage.connection.run(this.copySql);
    } catch (e) {
      throw (this.failure = new ParquetWriteError(this.path, `writing the file failed: ${messageOf(e)}`));
    }
    this.release();
    await this.int96?.rewrite().catch((e: unknown) => {
      throw (this.failure = new ParquetWriteError(this.path, messageOf(e)));
    });
    let bytes: number;
    try {
      await syncToDisk(this.path);
      bytes = (await fs.promises.stat(this.path)).size;
    } catch (e) {
      throw (this.failure = new ParquetWriteError(this.path, `making the file durable failed: ${messageOf(e)}`));
    }
    if (this.state === 'closing') this.state = 'closed';
    return { path: this.path, records: this.records, bytes };
  }

  /** Drops the staged rows: closing the connection rolls back its transaction, temporary table and all. */
  private release(): void {
    const stage = this.stage;
    if (!stage) return;
    this.stage = undefined;
    try {
      if (stage.appenderOpen) {
        stage.appenderOpen = false;
        stage.appender.clear();
        stage.appender.closeSync();
      }
    } finally {
      stage.connection.closeSync();
    }
  }
}

function stagingColumnSql(column: Column): string {
  return `${quoteIdentifier(column.name)} ${stagingTypeSql(column.type)}`;
}

/** Timestamps and dates are staged as their Avro numbers, which appends faster than DuckDB value objects, and converted here. */
export function outputExpression(column: Column, stored: TimeUnit = 'micros'): string {
  const name = quoteIdentifier(column.name);
  const { type } = column;
  if (type.kind === 'TIMESTAMPTZ' || type.kind === 'TIMESTAMP') {
    const micros = type.unit === 'millis' ? `${name} * 1000` : name;
    // DuckDB stores TIMESTAMP_MS as Parquet TIMESTAMP(MILLIS) (isAdjustedToUTC=false: it has no instant type in millis).
    // From make_timestamp, not from a TIMESTAMPTZ, so the session's TimeZone never shifts the value.
    if (stored === 'millis') return `CAST(make_timestamp(${micros}) AS TIMESTAMP_MS) AS ${name}`;
    // make_timestamptz(micros) reads the number as an instant, whatever the session's TimeZone.
    return `${type.kind === 'TIMESTAMPTZ' ? 'make_timestamptz' : 'make_timestamp'}(${micros}) AS ${name}`;
  }
  if (type.kind === 'DATE') return `CAST(DATE '1970-01-01' + ${name} AS DATE) AS ${name}`;
  return name;
}

export async function syncToDisk(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  const directory = await fs.promises.open(path.dirname(file), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
