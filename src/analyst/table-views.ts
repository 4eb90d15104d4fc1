// One DuckDB view per catalog table: over Avro files decoded into a temporary table (DuckDB's Avro extension is
// downloaded on first use, which an offline machine cannot), over the Parquet files (parquet-view.ts), or empty
// with the table's columns when nothing is committed yet.
import * as fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Column, duckdbTypeSql, quoteIdentifier } from '../formats/avro-to-parquet';
import { columnAppender, stagingTypeSql } from '../formats/duckdb-values';
import { outputExpression } from '../formats/parquet-file-writer';
import { openAvroContainer } from './avro-container-reader';
import type { LocalDataFile } from './local-files';
import { CatalogTable, columnsOf } from './table-catalog';
import { viewPartitionColumns } from './partition-columns';

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

let stagingTables = 0;

/**
 * Decodes the Avro files with avsc into a temporary table through DuckDB's appender; the view converts timestamps
 * and dates. Each file is read with its own writer schema resolved to the table's latest one, so older
 * generations' rows get the defaults (or NULL) of fields added since, and promoted types.
 */
export async function createAvroView(connection: DuckDBConnection, table: CatalogTable, files: LocalDataFile[]): Promise<number> {
  const columns = columnsOf(table);
  const staging = `sluice_avro_${++stagingTables}`;
  const stagingColumns = columns.map((c) => `${quoteIdentifier(c.name)} ${stagingTypeSql(c.type)}`);
  // A partition column named like a data column is that column (the record holds the value the directory names).
  const partitions = viewPartitionColumns(table, files).filter((p) => !p.dataColumn).map((p) => p.name);
  const partitionColumns = partitions.map((name) => quoteIdentifier(name));
  await connection.run(`CREATE TEMP TABLE ${staging} (${[...stagingColumns, ...partitionColumns.map((c) => `${c} VARCHAR`)].join(', ')})`);
  const appender = await connection.createAppender(staging, 'main', 'temp');
  let rows = 0;
  try {
    for (const file of files) rows = appendFile(appender, table, columns, file, partitions, rows);
  } finally {
    appender.closeSync();
  }
  const select = [...columns.map((c) => outputExpression(c)), ...partitionColumns].join(', ');
  await connection.run(`CREATE VIEW ${quoteIdentifier(table.name)} AS SELECT ${select} FROM temp.main.${staging}`);
  return rows;
}

type Appender = Awaited<ReturnType<DuckDBConnection['createAppender']>>;

function appendFile(appender: Appender, table: CatalogTable, columns: Column[], file: LocalDataFile, partitions: string[], rowsBefore: number): number {
  const values = new Map(file.partitionValues);
  const partitionValues = partitions.map((name) => values.get(name) ?? null);
  const container = openAvroContainer(file.localPath, fs.readFileSync(file.localPath), table.outputSchema);
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
    for (const value of partitionValues) {
      if (value === null) appender.appendNull();
      else appender.appendVarchar(value);
    }
    appender.endRow();
    recordInFile++;
    if (++rows % APPENDER_FLUSH_ROWS === 0) appender.flushSync();
  }
  return rows;
}
