// One DuckDB view per catalog table: over Avro files decoded into a temporary table, or on worker threads into
// Parquet files (avro-decode-pool.ts) (DuckDB's Avro extension is downloaded on first use, which an offline
// machine cannot), over the Parquet files (parquet-view.ts), or empty with the table's columns when nothing is
// committed yet.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Column, duckdbTypeSql, parquetColumnsOf, quoteIdentifier } from '../formats/avro-to-parquet';
import { columnAppender, stagingTypeSql } from '../formats/duckdb-values';
import { outputExpression } from '../formats/parquet-file-writer';
import { createAvroType } from '../formats/avro-schema';
import type { AvroSchemaObject } from '../formats/record-file-writer';
import { openAvroContainer } from './avro-container-reader';
import { ColumnDecodeFault, planColumnReads } from './avro-column-decoder';
import { appendChunks, decodeFileToChunks } from './avro-chunk-staging';
import { AvroDecoding, AvroTableSource, convertEachOnWorkers } from './avro-decode-pool';
import { AvroParquetCache, cachedParquetFiles } from './avro-parquet-cache';
import type { LocalDataFile } from './local-files';
import type { PartitionValues } from './partition-pruning';
import { CatalogTable, columnsOf, DataFile } from './table-catalog';
import { viewPartitionColumns } from './partition-columns';
import { HIVE_DEFAULT_PARTITION } from '../table/partition-template';

/** Rows the appender holds before handing them to the table, as the Parquet writer does. */
const APPENDER_FLUSH_ROWS = 4096;

export class AvroLoadError extends Error {
  constructor(readonly table: string, readonly file: string, detail: string) {
    super(`table ${table}, ${file}: ${detail}`);
    this.name = 'AvroLoadError';
  }
}

/** A view with the table's columns (as its files hold them) and no rows. */
export async function createEmptyView(connection: DuckDBConnection, table: CatalogTable): Promise<void> {
  const columns = columnsOf(table).map((c) => `CAST(NULL AS ${duckdbTypeSql(c.type)}) AS ${quoteIdentifier(c.name)}`);
  const partitions = viewPartitionColumns(table, []).filter((p) => !p.dataColumn).map((p) => `CAST(NULL AS VARCHAR) AS ${quoteIdentifier(p.name)}`);
  await connection.run(`CREATE VIEW ${quoteIdentifier(table.name)} AS SELECT ${[...columns, ...partitions].join(', ')} WHERE false`);
}

/**
 * The partition columns an Avro view adds from the files' directories (`output.partitioning`'s names); one named like
 * a data column is that column (the record holds the value the directory names).
 */
export function viewPartitionNames(table: CatalogTable, files: readonly DataFile[]): string[] {
  return viewPartitionColumns(table, files).filter((p) => !p.dataColumn).map((p) => p.name);
}

/** A file's partition values, as predicates on them compare (Hive's default partition by its name). */
export function partitionValuesOf(file: DataFile): PartitionValues {
  return Object.fromEntries(file.partitionValues.map(([name, value]) => [name, value ?? HIVE_DEFAULT_PARTITION]));
}

let stagingTables = 0;

/**
 * The view over Avro files: with a `pool.cache`, over each file's cached conversion to Parquet (avro-parquet-cache.ts),
 * the missing ones converted first; else with a `pool`, decoded on `decoding.workers` worker threads into Parquet
 * files under `scratchDir()` (avro-decode-pool.ts) when they hold at least `decoding.minBytes`; else here on this
 * connection. Each decodes only `table.columns` (the cache also those a file's older entry held).
 */
export async function createAvroView(
  connection: DuckDBConnection, table: AvroTableSource, files: LocalDataFile[], pool?: { decoding: AvroDecoding; scratchDir: () => string; cache?: AvroParquetCache },
): Promise<void> {
  table = withPartitions(table, files);
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  if (pool?.cache) {
    const { cache, decoding } = pool;
    const { parquetFiles } = await cachedParquetFiles(cache, table, files, async (misses, targets, columns) => {
      const source: AvroTableSource = { ...table, columns };
      const missBytes = misses.reduce((sum, f) => sum + f.bytes, 0);
      if (decoding.workers >= 2 && misses.length >= 2 && missBytes >= decoding.minBytes) return convertEachOnWorkers(source, misses, targets, decoding.workers);
      for (const [i, file] of misses.entries()) await stageToParquet(connection, source, [file], targets[i]);
    });
    await connection.run(`CREATE VIEW ${quoteIdentifier(table.name)} AS SELECT * FROM read_parquet([${parquetFiles.map(quoteLiteral).join(', ')}])`);
    return;
  }
  if (pool && pool.decoding.workers >= 2 && files.length >= 2 && bytes >= pool.decoding.minBytes) {
    // A Parquet file per Avro file: staging one file at a time keeps each worker's DuckDB small.
    const parquetFiles = files.map((_, i) => path.join(pool.scratchDir(), `${table.name}-${i}.parquet`));
    await convertEachOnWorkers(table, files, parquetFiles, pool.decoding.workers);
    const list = parquetFiles.map(quoteLiteral).join(', ');
    await connection.run(`CREATE VIEW ${quoteIdentifier(table.name)} AS SELECT * FROM read_parquet([${list}])`);
    return;
  }
  const staging = await stageAvroFiles(connection, table, files);
  await connection.run(`CREATE VIEW ${quoteIdentifier(table.name)} AS ${staging.select}`);
}

const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Stages `files` on `connection` and writes their view's rows to `target` as Parquet; the staging tables are dropped after. */
export async function stageToParquet(connection: DuckDBConnection, table: AvroTableSource, files: LocalDataFile[], target: string): Promise<number> {
  const staging = await stageAvroFiles(connection, table, files);
  try {
    await connection.run(`COPY (${staging.select}) TO ${quoteLiteral(target)} (FORMAT parquet, COMPRESSION snappy)`);
  } finally {
    for (const name of staging.tables) await connection.run(`DROP TABLE IF EXISTS temp.main.${name}`);
  }
  return staging.rows;
}

/** Each staged row's file, by its index in a small table of the files' partition values (cheaper than strings per row). */
const FILE_COLUMN = '"__sluice_file__"';

/** The view's rows over the staging tables: the table's columns with timestamps and dates converted, then the partition columns. */
function viewSelect(table: AvroTableSource, rows: string, partitions: string): string {
  const read = new Set(parquetColumnsOf(readSchemaOf(table)).map((c) => c.name));
  const columns = parquetColumnsOf(table.outputSchema).map((c) => (read.has(c.name) ? outputExpression(c) : `CAST(NULL AS ${duckdbTypeSql(c.type)}) AS ${quoteIdentifier(c.name)}`));
  return `SELECT ${[...columns, ...(table.partitions ?? []).map((p) => `p.${quoteIdentifier(p)}`)].join(', ')} FROM temp.main.${rows} JOIN temp.main.${partitions} p USING (${FILE_COLUMN})`;
}

/**
 * The schema the files are decoded with: the output schema with only `table.columns`, so that avsc's resolver skips
 * the other fields without making their values; the whole schema if that one is not valid on its own (a named type
 * defined in a field left out).
 */
function readSchemaOf(table: AvroTableSource): AvroSchemaObject {
  const { outputSchema, columns } = table;
  if (columns === undefined || !Array.isArray(outputSchema.fields)) return outputSchema;
  // A record needs a field: with none named (count(*)), the first is read.
  const wanted = new Set(columns.length > 0 ? columns : outputSchema.fields.slice(0, 1).map((f) => f.name));
  const projected: AvroSchemaObject = { ...outputSchema, fields: outputSchema.fields.filter((f) => wanted.has(f.name)) };
  try {
    createAvroType(projected, table.name);
    return projected;
  } catch {
    return outputSchema;
  }
}

/**
 * Decodes the Avro files with avsc into a new temporary table through DuckDB's appender, in the files' order. Each
 * file is read with its own writer schema resolved to the table's latest one, so older generations' rows get the
 * defaults (or NULL) of fields added since, and promoted types.
 */
/** Without `partitions` given, every partition column the files' directories name. */
function withPartitions(table: AvroTableSource, files: readonly LocalDataFile[]): AvroTableSource {
  return table.partitions ? table : { ...table, partitions: files[0]?.partitionValues.map(([name]) => name) ?? [] };
}

export async function stageAvroFiles(connection: DuckDBConnection, table: AvroTableSource, files: readonly LocalDataFile[]): Promise<{ select: string; rows: number; tables: string[] }> {
  table = withPartitions(table, files);
  const readSchema = readSchemaOf(table);
  const columns = parquetColumnsOf(readSchema);
  const staging = `sluice_avro_${++stagingTables}`;
  const stagingColumns = columns.map((c) => `${quoteIdentifier(c.name)} ${stagingTypeSql(c.type)}`);
  await connection.run(`CREATE TEMP TABLE ${staging} (${[...stagingColumns, `${FILE_COLUMN} INTEGER`].join(', ')})`);
  await connection.run(`CREATE TEMP TABLE ${staging}_files (${[`${FILE_COLUMN} INTEGER`, ...(table.partitions ?? []).map((p) => `${quoteIdentifier(p)} VARCHAR`)].join(', ')})`);
  const partitions = await connection.createAppender(`${staging}_files`, 'main', 'temp');
  const appender = await connection.createAppender(staging, 'main', 'temp');
  let rows = 0;
  try {
    for (const [index, file] of files.entries()) {
      partitions.appendInteger(index);
      const values = new Map(file.partitionValues);
      for (const column of table.partitions ?? []) {
        const value = values.get(column) ?? null;
        if (value === null) partitions.appendNull();
        else partitions.appendVarchar(value);
      }
      partitions.endRow();
      rows = stageFile(appender, table, readSchema, columns, file, index, rows);
    }
  } finally {
    appender.closeSync();
    partitions.closeSync();
  }
  return { select: viewSelect(table, staging, `${staging}_files`), rows, tables: [staging, `${staging}_files`] };
}

type Appender = Awaited<ReturnType<DuckDBConnection['createAppender']>>;

/**
 * A file written with the table's own schema through the column decoder (avro-chunk-staging.ts); any other, or one
 * whose records the decoder does not take as planned, through avsc (which names a bad record exactly).
 */
function stageFile(appender: Appender, table: AvroTableSource, readSchema: AvroSchemaObject, columns: Column[], file: LocalDataFile, fileIndex: number, rowsBefore: number): number {
  const bytes = fs.readFileSync(file.localPath);
  const container = openAvroContainer(file.localPath, bytes, table.outputSchema);
  const steps = container.sameSchema ? planColumnReads(container.writerSchema, columns) : null;
  if (steps) {
    try {
      const chunks = decodeFileToChunks(container, steps, columns, fileIndex);
      appender.flushSync();
      appendChunks(appender, chunks);
      return rowsBefore + chunks.reduce((sum, c) => sum + c.rowCount, 0);
    } catch (error) {
      if (!(error instanceof ColumnDecodeFault)) throw error;
    }
  }
  return appendFile(appender, { name: table.name, outputSchema: readSchema }, columns, file, bytes, fileIndex, rowsBefore);
}

function appendFile(appender: Appender, table: AvroTableSource, columns: Column[], file: LocalDataFile, bytes: Buffer, fileIndex: number, rowsBefore: number): number {
  const container = openAvroContainer(file.localPath, bytes, table.outputSchema);
  const appenders = columns.map(columnAppender);
  const names = columns.map((c) => c.name);
  let rows = rowsBefore;
  let recordInFile = 0;
  for (const record of container.records()) {
    try {
      for (let i = 0; i < appenders.length; i++) appenders[i](appender, record[names[i]]);
    } catch (error) {
      throw new AvroLoadError(table.name, file.localPath, `record ${recordInFile}: ${(error as Error).message}`);
    }
    appender.appendInteger(fileIndex);
    appender.endRow();
    recordInFile++;
    if (++rows % APPENDER_FLUSH_ROWS === 0) appender.flushSync();
  }
  return rows;
}
