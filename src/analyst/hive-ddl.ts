// Hive DDL for a job's tables: CREATE EXTERNAL TABLE over each format's tree with the first schema generation, the
// ALTERs of every later generation, then one ADD PARTITION per committed partition directory of the job's
// `output.partitioning` (named by committed checkpoints only: never unfinished runs or backfills).
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Sink } from '../ports/sink';
import type { JobDefinition } from '../job/job-definition';
import type { AvroSchemaObject } from '../formats/record-file-writer';
import type { ParquetCodec } from '../job/parquet-settings';
import { committedPartitions as committedPartitionsOf, CommittedPartition } from '../table/data-files';
import { HIVE_DEFAULT_PARTITION, partitionColumns } from '../table/partition-template';
import { jobTable } from '../table/table-state';
import { newestSchemaJob, topicJobsInSink } from '../table/topic-tables';
import { columnSql, hiveIdentifier, hiveString } from './hive-types';
import { CatalogTable, readerSchemasOfJobs, schemaHistoryOf, tablesOfJob } from './table-catalog';
import { columnsFor, schemaChangeStatements } from './hive-evolution';

export { hiveString } from './hive-types';

/** The NameNode's RPC port, which hdfs:// URLs use; WebHDFS URLs carry the HTTP port instead. */
export const DEFAULT_NAMENODE_RPC_PORT = 8020;

export class HiveDdlError extends Error {
  constructor(readonly where: string, detail: string) {
    super(`${where}: ${detail}`);
    this.name = 'HiveDdlError';
  }
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

/** The partition directories holding committed files of this table's format, sorted (from its checkpoints). */
export async function committedPartitions(sink: Sink, table: CatalogTable): Promise<CommittedPartition[]> {
  return committedPartitionsOf(jobTable(sink, table.job), table.job.output.formats, table.format, table.job.output.partitioning);
}

/** The partitions of a table several topics share: each topic's checkpoints (its own state namespace) together. */
async function committedPartitionsOfTopics(sink: Sink, table: CatalogTable, topics: readonly JobDefinition[]): Promise<CommittedPartition[]> {
  const found = new Map<string, CommittedPartition>();
  for (const job of topics) for (const partition of await committedPartitions(sink, { ...table, job })) found.set(partition.directory, partition);
  return [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, partition]) => partition);
}

/** Hive refuses a partition column named like a table column: a field segment's own field is left to the directory. */
function tableColumns(table: CatalogTable): ReturnType<typeof columnsFor> {
  const partitions = new Set(partitionColumns(table.job.output.partitioning).map((c) => c.toLowerCase()));
  const columns = columnsFor(table);
  const clash = columns.find((c) => partitions.has(c.name.toLowerCase()));
  if (clash && table.format === 'avro') {
    throw new HiveDdlError(table.job.file, `output.partitioning: the partition column ${clash.name} is also a field, and Hive's AvroSerDe takes every field of avro.schema.literal as a column; name the segment otherwise (as ${clash.name}_part={${clash.name}})`);
  }
  return columns.filter((c) => !partitions.has(c.name.toLowerCase()));
}


/**
 * What the files hold, as Hive's table property names it (parquet-mr's codec names). Readers take the codec from
 * each file's footer; the property makes Hive's own INSERTs into the table write the same codec.
 */
const HIVE_PARQUET_COMPRESSION: Record<ParquetCodec, string> = { snappy: 'SNAPPY', zstd: 'ZSTD', gzip: 'GZIP', none: 'UNCOMPRESSED' };

function createTable(table: CatalogTable, location: string): string {
  const columns = tableColumns(table).map((c) => `  ${columnSql(c)}`);
  const lines = [`CREATE EXTERNAL TABLE IF NOT EXISTS ${hiveIdentifier(table.name)} (`, columns.join(',\n'), ')'];
  if (typeof table.outputSchema.doc === 'string') lines.push(`COMMENT ${hiveString(table.outputSchema.doc)}`);
  lines.push(`PARTITIONED BY (${partitionColumns(table.job.output.partitioning).map((c) => `${hiveIdentifier(c)} STRING`).join(', ')})`);
  lines.push(`STORED AS ${table.format === 'avro' ? 'AVRO' : 'PARQUET'}`);
  lines.push(`LOCATION ${hiveString(location)}`);
  if (table.format === 'avro') lines.push(`TBLPROPERTIES (${hiveString('avro.schema.literal')}=${hiveString(JSON.stringify(table.outputSchema))})`);
  else lines.push(`TBLPROPERTIES (${hiveString('parquet.compression')}=${hiveString(HIVE_PARQUET_COMPRESSION[table.job.output.parquet.codec])})`);
  return `${lines.join('\n')};`;
}

export interface HiveDdlOptions {
  /** Replaces the sink root in every LOCATION, e.g. hdfs://namenode:9000/warehouse. */
  location?: string;
  /** For a metastore whose tables are at this schema generation already: no CREATE, only the later generations' ALTERs. */
  sinceGeneration?: number;
}

/**
 * The statements for a job: per table (`<table>` over Parquet, `<table>_avro` over Avro when the job writes both;
 * `<table>` over its one format otherwise) a CREATE with the table's first schema generation (the job's schema
 * before its first load), each later generation's ALTERs, and its committed partitions. Run on a fresh metastore,
 * the ALTERs come before the partitions, so every partition takes the latest columns.
 */
export async function hiveDdl(given: JobDefinition, sink: Sink, options: HiveDdlOptions = {}): Promise<string[]> {
  // A many-topic job: one table per topic ({topic}) or one table its topics share.
  const byTable = new Map<string, JobDefinition[]>();
  for (const each of await topicJobsInSink(given, sink)) byTable.set(each.output.table, [...(byTable.get(each.output.table) ?? []), each]);
  const statements: string[] = [];
  for (const topics of byTable.values()) statements.push(...(await tableDdl(await newestSchemaJob(sink, topics), topics, sink, options)));
  return statements;
}

async function tableDdl(job: JobDefinition, topics: readonly JobDefinition[], sink: Sink, options: HiveDdlOptions): Promise<string[]> {
  const statements: string[] = [];
  const since = options.sinceGeneration ?? 0;
  const readers = (await readerSchemasOfJobs([job])).get(job);
  for (const jobTable of tablesOfJob(job, readers)) {
    const history = await schemaHistoryOf(sink, jobTable);
    const schemas: { generation: number; schema: AvroSchemaObject }[] = history.length > 0 ? history : [{ generation: 1, schema: jobTable.outputSchema }];
    const latest = schemas[schemas.length - 1].generation;
    if (since > latest) throw new HiveDdlError(job.file, `--since-generation ${since}: table ${job.output.table} has ${latest} schema generation${latest === 1 ? '' : 's'}`);
    const location = tableLocation(jobTable, options.location);
    if (since === 0) statements.push(createTable({ ...jobTable, outputSchema: schemas[0].schema }, location));
    for (let i = 1; i < schemas.length; i++) {
      if (schemas[i].generation <= since) continue;
      const before = { ...jobTable, outputSchema: schemas[i - 1].schema };
      const after = { ...jobTable, outputSchema: schemas[i].schema };
      statements.push(...schemaChangeStatements(before, after, schemas[i].generation));
    }
    for (const { directory, values } of await committedPartitionsOfTopics(sink, jobTable, topics)) {
      // Values as Hive reads them back from the escaped directory; the default partition is Hive's own name.
      const spec = values.map(([column, value]) => `${column}=${hiveString(value ?? HIVE_DEFAULT_PARTITION)}`).join(', ');
      statements.push(`ALTER TABLE ${hiveIdentifier(jobTable.name)} ADD IF NOT EXISTS PARTITION (${spec}) LOCATION ${hiveString(`${location}/${directory}`)};`);
    }
  }
  return statements;
}
