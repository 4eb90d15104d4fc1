// The DuckDB view over a table's Parquet files when they span schema generations: the latest generation's
// columns, each file's own where it has them, and where it does not, the field's default (Avro's rule for a
// reader field the writer lacks) or NULL.
import type { DuckDBConnection } from '@duckdb/node-api';
import type * as avsc from 'avsc';
import { createAvroType } from '../formats/avro-schema';
import { Column, duckdbTypeSql, quoteIdentifier } from '../formats/avro-to-parquet';
import { columnAppender, stagingTypeSql } from '../formats/duckdb-values';
import { outputExpression } from '../formats/parquet-file-writer';
import type { LocalDataFile } from './local-files';
import { CatalogTable, columnsOf } from './table-catalog';
import { viewPartitionColumns } from './partition-columns';

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** How a file stores a top-level column, where it matters for reading it as the latest type: UTF-8 text, raw bytes, or anything else. */
type Stored = 'text' | 'bytes' | 'other';

/** Each file's top-level columns, from the Parquet footers (a schema tree flattened depth first). */
async function topLevelColumns(connection: DuckDBConnection, files: LocalDataFile[]): Promise<Map<string, Map<string, Stored>>> {
  const list = files.map((f) => quoteLiteral(f.localPath)).join(', ');
  const reader = await connection.runAndReadAll(`SELECT file_name, name, COALESCE(num_children, 0), type, converted_type FROM parquet_schema([${list}])`);
  const byFile = new Map<string, Map<string, Stored>>();
  // Per file: the root, then each top-level column followed by its subtree.
  let file = '';
  let owed = 0; // schema elements still to come inside the current top-level column's subtree
  let rootLeft = 0;
  for (const [name, column, children, physical, converted] of reader.getRows() as [string, string, bigint | number, string | null, string | null][]) {
    const count = Number(children);
    if (name !== file || (rootLeft === 0 && owed === 0)) {
      file = name;
      rootLeft = count;
      owed = 0;
      byFile.set(file, byFile.get(file) ?? new Map());
      continue;
    }
    if (owed > 0) {
      owed += count - 1;
      continue;
    }
    const stored: Stored = physical !== 'BYTE_ARRAY' || count > 0 ? 'other' : converted === 'UTF8' ? 'text' : converted === null ? 'bytes' : 'other';
    byFile.get(file)!.set(column, stored);
    rootLeft--;
    owed = count;
  }
  return byFile;
}

let defaultTables = 0;

/** A one-row temporary table of the latest schema's field defaults (through the same appenders as Avro rows), as a subquery. */
async function defaultsRow(connection: DuckDBConnection, table: CatalogTable, columns: Column[]): Promise<string> {
  const type = createAvroType(table.outputSchema, table.name) as avsc.types.RecordType;
  const fields = new Map(type.fields.map((f) => [f.name, f]));
  const declared = new Map((table.outputSchema.fields ?? []).map((f) => [f.name, Object.hasOwn(f, 'default')]));
  const name = `sluice_defaults_${++defaultTables}`;
  await connection.run(`CREATE TEMP TABLE ${name} (${columns.map((c) => `${quoteIdentifier(c.name)} ${stagingTypeSql(c.type)}`).join(', ')})`);
  const appender = await connection.createAppender(name, 'main', 'temp');
  try {
    for (const column of columns) {
      const value: unknown = declared.get(column.name) ? fields.get(column.name)!.defaultValue() : null;
      columnAppender({ ...column, nullable: true })(appender, value);
    }
    appender.endRow();
  } finally {
    appender.closeSync();
  }
  return `(SELECT ${columns.map((c) => outputExpression(c)).join(', ')} FROM temp.main.${name})`;
}

/** A file's column as the latest type: string ↔ bytes as Avro promotes them (UTF-8), anything else by CAST. */
function columnValue(column: Column, stored: Stored): string {
  const name = `f.${quoteIdentifier(column.name)}`;
  if (column.type.kind === 'VARCHAR' && stored === 'bytes') return `decode(${name})`;
  if (column.type.kind === 'BLOB' && stored === 'text') return `encode(${name})`;
  return `CAST(${name} AS ${duckdbTypeSql(column.type)})`;
}

/**
 * The Parquet files, listed one by one (never a glob: only the committed files listed are read), with the partition
 * columns (dt and hr by default) from their directories as strings, as Hive has them. Files are grouped by the columns they hold (in practice one
 * group per schema generation); each group is read with `union_by_name` and its columns converted to the latest
 * types (Avro's promotions: int → long → float → double by CAST, string ↔ bytes as UTF-8).
 */
export async function createParquetView(connection: DuckDBConnection, table: CatalogTable, files: LocalDataFile[]): Promise<void> {
  const columns = columnsOf(table);
  const present = await topLevelColumns(connection, files);
  const groups = new Map<string, { has: Map<string, Stored>; files: LocalDataFile[] }>();
  for (const file of files) {
    const has = present.get(file.localPath) ?? new Map<string, Stored>();
    const key = columns.filter((c) => has.has(c.name)).map((c) => `${c.name}:${has.get(c.name)}`).join('\u0000');
    const group = groups.get(key) ?? { has, files: [] };
    group.files.push(file);
    groups.set(key, group);
  }
  const partitionColumns = viewPartitionColumns(table, files);
  const hiveTypes = partitionColumns.map((p) => `${quoteLiteral(p.name)}: ${p.dataColumn ? duckdbTypeSql(p.dataColumn.type) : 'VARCHAR'}`).join(', ');
  const partitionValues = partitionColumns.filter((p) => !p.dataColumn).map((p) => `f.${quoteIdentifier(p.name)}`);
  const lacking = columns.some((c) => [...groups.values()].some((g) => !g.has.has(c.name)));
  const defaults = lacking ? await defaultsRow(connection, table, columns) : '';
  const selects = [...groups.values()].map(({ has, files: members }) => {
    const list = members.map((f) => quoteLiteral(f.localPath)).join(', ');
    const values = columns.map((c) => {
      const name = quoteIdentifier(c.name);
      return `${has.has(c.name) ? columnValue(c, has.get(c.name)!) : `d.${name}`} AS ${name}`;
    });
    const from = `read_parquet([${list}], hive_partitioning = true, hive_types = {${hiveTypes}}, union_by_name = true) f`;
    return `SELECT ${[...values, ...partitionValues].join(', ')} FROM ${from}${columns.every((c) => has.has(c.name)) ? '' : ` CROSS JOIN ${defaults} d`}`;
  });
  await connection.run(`CREATE VIEW ${quoteIdentifier(table.name)} AS ${selects.join(' UNION ALL ')}`);
}
