// Hive DDL for a job's tables: CREATE EXTERNAL TABLE over each format's tree, then one ADD PARTITION per
// committed hour (hours named by committed checkpoints only: never unfinished runs or backfills).
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Sink } from '../ports/sink';
import type { JobDefinition } from '../job/job-definition';
import type { ParquetCodec } from '../job/parquet-settings';
import { committedHours as committedHoursOf, HourPartitionValue } from '../table/data-files';
import { TableState } from '../table/table-state';
import { avroTableColumns, HiveColumn, hiveIdentifier, parquetTableColumns } from './hive-types';
import { CatalogTable, tablesOfJob } from './table-catalog';

/** The NameNode's RPC port, which hdfs:// URLs use; WebHDFS URLs carry the HTTP port instead. */
export const DEFAULT_NAMENODE_RPC_PORT = 8020;

export class HiveDdlError extends Error {
  constructor(readonly where: string, detail: string) {
    super(`${where}: ${detail}`);
    this.name = 'HiveDdlError';
  }
}

const HIVE_ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", ';': '\\;', '\n': '\\n', '\r': '\\r' };

/** A Hive string literal, with the backslash escapes Hive's parser undoes (`;` too: older Hive CLIs split statements on it). */
export function hiveString(text: string): string {
  return `'${text.replace(/[\\';\n\r]/g, (c) => HIVE_ESCAPES[c])}'`;
}

/**
 * The URL Hive should read a sink's root from: `file:///…` for a local directory; `hdfs://host:8020/path` for
 * `webhdfs://host:port/path`, `swebhdfs://…` or `http(s)://host:port/webhdfs/v1/path`; `hdfs://` as given.
 */
export function sinkRootUrl(sinkLocation: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(sinkLocation)?.[1]?.toLowerCase();
  if (scheme === undefined) return pathToFileURL(path.resolve(sinkLocation)).href;
  if (scheme === 'file') return pathToFileURL(fileURLToPath(sinkLocation)).href;
  let url: URL;
  try {
    url = new URL(sinkLocation);
  } catch {
    throw new HiveDdlError(sinkLocation, 'is not a valid URL');
  }
  if (scheme === 'hdfs') return `hdfs://${url.host}${url.pathname}`.replace(/\/+$/, '');
  let hdfsPath = url.pathname;
  if (scheme === 'http' || scheme === 'https') {
    if (!/^\/webhdfs\/v1(\/|$)/.test(hdfsPath)) throw new HiveDdlError(sinkLocation, 'an http(s) sink must be a WebHDFS URL (…/webhdfs/v1/path); give --location for anything else');
    hdfsPath = hdfsPath.slice('/webhdfs/v1'.length);
  } else if (scheme !== 'webhdfs' && scheme !== 'swebhdfs') {
    throw new HiveDdlError(sinkLocation, `cannot tell which Hive location a ${scheme}:// sink has; give --location`);
  }
  return `hdfs://${url.hostname}:${DEFAULT_NAMENODE_RPC_PORT}${hdfsPath}`.replace(/\/+$/, '');
}

/** Where a table's hour directories start, under the sink root (or `locationOverride`, which replaces it). */
export function tableLocation(table: CatalogTable, locationOverride?: string): string {
  const root = (locationOverride ?? sinkRootUrl(table.job.output.sink)).replace(/\/+$/, '');
  return `${root}/${table.dataRoot}`;
}

/** The hours holding committed files of this table's format, sorted (from its checkpoints). */
export async function committedHours(sink: Sink, table: CatalogTable): Promise<HourPartitionValue[]> {
  return committedHoursOf(new TableState(sink, table.job.output.table), table.job.output.formats, table.format);
}

function columnsFor(table: CatalogTable): HiveColumn[] {
  return table.format === 'avro' ? avroTableColumns(table.outputSchema) : parquetTableColumns(table.outputSchema);
}

/**
 * What the files hold, as Hive's table property names it (parquet-mr's codec names). Readers take the codec from
 * each file's footer; the property makes Hive's own INSERTs into the table write the same codec.
 */
const HIVE_PARQUET_COMPRESSION: Record<ParquetCodec, string> = { snappy: 'SNAPPY', zstd: 'ZSTD', gzip: 'GZIP', none: 'UNCOMPRESSED' };

function createTable(table: CatalogTable, location: string): string {
  const columns = columnsFor(table).map((c) => `  ${hiveIdentifier(c.name)} ${c.type}${c.comment === null ? '' : ` COMMENT ${hiveString(c.comment)}`}`);
  const lines = [`CREATE EXTERNAL TABLE IF NOT EXISTS ${hiveIdentifier(table.name)} (`, columns.join(',\n'), ')'];
  if (typeof table.outputSchema.doc === 'string') lines.push(`COMMENT ${hiveString(table.outputSchema.doc)}`);
  lines.push(`PARTITIONED BY (${hiveIdentifier('dt')} STRING, ${hiveIdentifier('hr')} STRING)`);
  lines.push(`STORED AS ${table.format === 'avro' ? 'AVRO' : 'PARQUET'}`);
  lines.push(`LOCATION ${hiveString(location)}`);
  if (table.format === 'avro') lines.push(`TBLPROPERTIES (${hiveString('avro.schema.literal')}=${hiveString(JSON.stringify(table.outputSchema))})`);
  else lines.push(`TBLPROPERTIES (${hiveString('parquet.compression')}=${hiveString(HIVE_PARQUET_COMPRESSION[table.job.output.parquet.codec])})`);
  return `${lines.join('\n')};`;
}

export interface HiveDdlOptions {
  /** Replaces the sink root in every LOCATION, e.g. hdfs://namenode:9000/warehouse. */
  location?: string;
}

/**
 * The statements for a job: per table (`<table>` over Parquet, `<table>_avro` over Avro when the job
 * writes both; `<table>` over its one format otherwise) a CREATE and its committed partitions.
 */
export async function hiveDdl(job: JobDefinition, sink: Sink, options: HiveDdlOptions = {}): Promise<string[]> {
  const statements: string[] = [];
  for (const table of tablesOfJob(job)) {
    const location = tableLocation(table, options.location);
    statements.push(createTable(table, location));
    for (const { dt, hr } of await committedHours(sink, table)) {
      const partitionLocation = `${location}/dt=${dt}/hr=${hr}`;
      statements.push(`ALTER TABLE ${hiveIdentifier(table.name)} ADD IF NOT EXISTS PARTITION (dt=${hiveString(dt)}, hr=${hiveString(hr)}) LOCATION ${hiveString(partitionLocation)};`);
    }
  }
  return statements;
}
