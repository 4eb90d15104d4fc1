// One DuckDB view per catalog table: over a table's Avro files as avro-staging.ts stages them, or their cached
// conversions to Parquet (avro-parquet-cache.ts), over the Parquet files (parquet-view.ts), or empty with the
// table's columns when nothing is committed yet.
import type { DuckDBConnection } from '@duckdb/node-api';
import { duckdbTypeSql, quoteIdentifier } from '../formats/avro-to-parquet';
import type { AvroDecodePool, AvroDecoding, AvroTableSource } from './avro-decode-pool';
import { AvroParquetCache, evict, lookUpCached, writeCached } from './avro-parquet-cache';
import { quoteLiteral, StagedAvro, stageAvroFiles, withPartitions } from './avro-staging';
import type { LocalDataFile } from './local-files';
import type { PartitionValues } from './partition-pruning';
import { CatalogTable, columnsOf, DataFile } from './table-catalog';
import { viewPartitionColumns } from './partition-columns';
import { HIVE_DEFAULT_PARTITION } from '../table/partition-template';

export { AvroLoadError, STREAM_FALLBACK } from './avro-staging';

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


export interface AvroViewOptions {
  /** How large selections are decoded, and the pool of worker threads that does it (made on first use, closed by the caller). */
  decoding?: AvroDecoding;
  pool?: () => AvroDecodePool;
  /** Each file's conversion to Parquet, kept for later queries (avro-parquet-cache.ts). */
  cache?: AvroParquetCache;
  /** Lets the query start on the first files while workers decode the next (see stageAvroFiles). */
  stream?: boolean;
}

/** What a view leaves to do once the query has its rows: write the cache's missing conversions; gives notices. */
export type AfterQuery = () => Promise<string[]>;

/**
 * The view over Avro files: with a `cache`, over each file's cached conversion to Parquet and the missing ones
 * decoded (converted after the query, by the AfterQuery returned); else over the files decoded. Selections of at
 * least `decoding.minBytes` are decoded on the pool's worker threads. Each decodes only `table.columns` (the
 * cache also those a file's older entry held).
 */
export async function createAvroView(connection: DuckDBConnection, table: AvroTableSource, files: LocalDataFile[], options: AvroViewOptions = {}): Promise<AfterQuery | undefined> {
  table = withPartitions(table, files);
  const poolFor = (selected: readonly LocalDataFile[]): AvroDecodePool | undefined => {
    const { decoding, pool } = options;
    if (!decoding || !pool || decoding.workers < 2) return undefined;
    return selected.reduce((sum, f) => sum + f.bytes, 0) >= decoding.minBytes ? pool() : undefined;
  };
  const { cache } = options;
  if (!cache) {
    const staging = await stageAvroFiles(connection, table, files, poolFor(files), options.stream);
    await connection.run(`CREATE VIEW ${quoteIdentifier(table.name)} AS ${staging.select}`);
    return undefined;
  }
  const { cached, misses } = lookUpCached(cache, table, files);
  const hits = cached.filter((file): file is string => file !== undefined);
  const parts = hits.length > 0 ? [`SELECT * FROM read_parquet([${hits.map(quoteLiteral).join(', ')}])`] : [];
  const stagings: StagedAvro[] = [];
  for (const group of misses) {
    const staging = await stageAvroFiles(connection, { ...table, columns: group.all ? undefined : group.columns }, group.files, poolFor(group.files), options.stream);
    stagings.push(staging);
    parts.push(staging.select);
  }
  // Cached files' rows come first when only some are cached (no order is promised without ORDER BY).
  await connection.run(`CREATE VIEW ${quoteIdentifier(table.name)} AS ${parts.join(' UNION ALL BY NAME ')}`);
  if (misses.length === 0) return undefined;
  return async () => {
    const kept = new Set(hits);
    const notices: string[] = [];
    try {
      for (const [k, group] of misses.entries()) {
        const staging = stagings[k];
        try {
          // A file the query did not reach may fail only now: the others are cached all the same.
          const failed = await staging.settle();
          for (const [position, fault] of failed) notices.push(`${group.files[position].localPath} was not cached: ${fault}`);
          const positions = group.files.map((_, position) => position).filter((position) => !failed.has(position));
          const good = { ...group, files: positions.map((p) => group.files[p]), versions: positions.map((p) => group.versions[p]) };
          const entries = await writeCached(cache, good, async (targets) => {
            for (const [i, target] of targets.entries()) {
              await connection.run(`COPY (${staging.fileSelect(positions[i])}) TO ${quoteLiteral(target)} (FORMAT parquet, COMPRESSION snappy)`);
            }
          });
          entries.forEach((e) => kept.add(e));
        } catch (error) {
          notices.push(`the Avro cache was not written: ${(error as Error).message}`);
        } finally {
          staging.release();
          for (const name of staging.tables) await connection.run(`DROP TABLE IF EXISTS temp.main.${name}`);
        }
      }
    } finally {
      evict(cache, kept);
    }
    return notices;
  };
}
