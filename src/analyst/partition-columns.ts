// The partition columns a table's views add to its data columns: the template's names (`output.partitioning`).
import type { Column } from '../formats/avro-to-parquet';
import { partitionColumns } from '../table/partition-template';
import type { DataFile } from '../table/data-files';
import { CatalogTable, columnsOf } from './table-catalog';

export interface ViewPartitionColumn {
  name: string;
  /**
   * The data column of the same name (`country={country}`): the view shows it once, with the field's type, and its
   * value is the directory's (DuckDB's hive partitioning puts it over the file's column, as Hive does).
   */
  dataColumn: Column | null;
}

/** From the files' directories; from the job's template when there are none. */
export function viewPartitionColumns(table: CatalogTable, files: readonly DataFile[]): ViewPartitionColumn[] {
  const names = files.length > 0 ? files[0].partitionValues.map(([name]) => name) : partitionColumns(table.job.output.partitioning);
  const data = columnsOf(table);
  return names.map((name) => ({ name, dataColumn: data.find((c) => c.name.toLowerCase() === name.toLowerCase()) ?? null }));
}
