// The Hive statements that take a table from one schema generation to the next.
import type { CatalogTable } from './table-catalog';
import { avroTableColumns, columnSql, HiveColumn, hiveIdentifier, hiveString, parquetTableColumns } from './hive-types';

/** A table's Hive columns: the AvroSerDe's mapping for Avro tables, the Parquet writer's for Parquet ones. */
export function columnsFor(table: CatalogTable): HiveColumn[] {
  return table.format === 'avro' ? avroTableColumns(table.outputSchema) : parquetTableColumns(table.outputSchema);
}

/**
 * For a Parquet table (Hive reads Parquet columns by name, as the metastore lists them): ADD COLUMNS for fields
 * added, CHANGE COLUMN for a column whose type changed (a widening such as INT → BIGINT), both with CASCADE so the
 * partitions already added take the change too. For an Avro table the AvroSerDe takes its columns from
 * `avro.schema.literal`, so the literal is replaced. A field dropped from the schema stays a Hive column (Hive
 * drops columns only by listing every other in REPLACE COLUMNS); newer files hold NULL there.
 */
export function schemaChangeStatements(before: CatalogTable, after: CatalogTable, generation: number): string[] {
  const name = hiveIdentifier(after.name);
  const statements = [`-- schema generation ${generation}`];
  if (after.format === 'avro') {
    statements.push(`ALTER TABLE ${name} SET TBLPROPERTIES (${hiveString('avro.schema.literal')}=${hiveString(JSON.stringify(after.outputSchema))});`);
    return statements;
  }
  const old = new Map(columnsFor(before).map((c) => [c.name, c]));
  const columns = columnsFor(after);
  const added = columns.filter((c) => !old.has(c.name));
  if (added.length > 0) statements.push(`ALTER TABLE ${name} ADD COLUMNS (${added.map(columnSql).join(', ')}) CASCADE;`);
  for (const column of columns) {
    const previous = old.get(column.name);
    if (previous && previous.type !== column.type) {
      statements.push(`ALTER TABLE ${name} CHANGE COLUMN ${hiveIdentifier(column.name)} ${columnSql(column)} CASCADE;`);
    }
  }
  return statements;
}
