// Jobs → the tables analysts see: one per output format tree, named after the job's output.table.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Sink } from '../ports/sink';
import { joinSinkPath } from '../ports/sink';
import { withMetadataColumns } from '../formats/avro-schema';
import { Column, parquetColumnsOf } from '../formats/avro-to-parquet';
import type { AvroSchemaObject } from '../formats/record-file-writer';
import { LATEST_SCHEMA } from '../job/job-registry';
import { localReaderSchemas, ReaderSchemas, resolveReaderSchemas } from '../job/reader-schemas';
import { registryReaders } from '../job/registry-access';
import { JobDefinition, loadJobDefinition, OutputFormat } from '../job/job-definition';
import { formatRoot } from '../table/layout';
import { DataFile, listDataFiles as listTreeFiles } from '../table/data-files';
import { jobTable, SchemaGeneration } from '../table/table-state';
import { newestSchemaJob, tableSwapsWithState, topicJobsInSink } from '../table/topic-tables';
import { openSchemaRegistry, openSink } from '../connector-factory';
import { readableFiles } from '../table/file-swap';
import { partitionValuesOf } from '../table/partition-directories';

/** One queryable table: one format's tree of one job's output. */
export interface CatalogTable {
  /** `<table>`, or `<table>_avro` for the Avro tree of a job that also writes Parquet. */
  name: string;
  job: JobDefinition;
  format: OutputFormat;
  /** The directory holding the partition directories (`dt=…/hr=…/`) inside the sink, e.g. `page_views/parquet`. */
  dataRoot: string;
  /** The record schema the files are written with: the job's schema plus its metadata columns. */
  outputSchema: AvroSchemaObject;
}

export class CatalogError extends Error {
  constructor(readonly where: string, detail: string) {
    super(`${where}: ${detail}`);
    this.name = 'CatalogError';
  }
}

/** Every job file (`*.json`) in a directory, in name order. */
export function loadJobsDirectory(dir: string): JobDefinition[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    throw new CatalogError(dir, `cannot list the jobs directory: ${(error as Error).message}`);
  }
  if (names.length === 0) throw new CatalogError(dir, 'holds no job files (*.json)');
  return names.map((name) => loadJobDefinition(path.join(dir, name)));
}

/** A job's .avsc files; a schema the job takes from the registry ("latest") must come in `schemas` (see `readerSchemasOfJobs`). */
function localSchemas(job: JobDefinition): ReaderSchemas {
  const latest = job.value.schema === LATEST_SCHEMA ? 'value.schema' : job.key.framed && job.key.schema === LATEST_SCHEMA ? 'key.schema' : null;
  if (latest) throw new CatalogError(job.file, `${latest} is "latest": the table's schema is read from the Schema Registry first (readerSchemasOfJobs)`);
  return localReaderSchemas(job);
}

/**
 * The jobs as tables: a many-topic job becomes its per-topic jobs found in its sink (`{topic}`: one per table), and
 * a table its topics share is read through one of them (its files are in the table's hour directories whatever the topic).
 */
export async function readerJobsOf(jobs: readonly JobDefinition[]): Promise<JobDefinition[]> {
  const result: JobDefinition[] = [];
  for (const job of jobs) {
    const sink = openSink(job.output.sink);
    const byTable = new Map<string, JobDefinition[]>();
    for (const each of await topicJobsInSink(job, sink)) byTable.set(each.output.table, [...(byTable.get(each.output.table) ?? []), each]);
    for (const topics of byTable.values()) result.push(await newestSchemaJob(sink, topics));
  }
  return result;
}

/** Every job's reader schemas: its .avsc files, or the latest version of its subjects in its registry. */
export async function readerSchemasOfJobs(jobs: readonly JobDefinition[]): Promise<Map<JobDefinition, ReaderSchemas>> {
  const registryFor = registryReaders(openSchemaRegistry);
  const schemas = new Map<JobDefinition, ReaderSchemas>();
  for (const job of jobs) schemas.set(job, await resolveReaderSchemas(job, registryFor));
  return schemas;
}

/**
 * The tables of one job. With both formats, `<table>` reads the Parquet tree (the faster format to query,
 * and the one Hive users expect under the plain name) and `<table>_avro` the Avro tree.
 */
export function tablesOfJob(job: JobDefinition, schemas: ReaderSchemas = localSchemas(job)): CatalogTable[] {
  const outputSchema = withMetadataColumns(schemas.value.schema, job.metadataColumns, schemas.key?.schema ?? null);
  const clash = outputSchema.fields?.find((f) => /^(dt|hr)$/i.test(f.name));
  if (clash) throw new CatalogError(job.file, `the schema's field ${clash.name} has the name of a partition column (dt, hr)`);
  const { formats, table } = job.output;
  const ordered: OutputFormat[] = formats.includes('parquet') ? ['parquet', ...formats.filter((f) => f !== 'parquet')] : [...formats];
  return ordered.map((format, i) => ({
    name: i === 0 ? table : `${table}_${format}`,
    job,
    format,
    dataRoot: joinSinkPath(table, formatRoot(formats, format)).replace(/\/+$/, ''),
    outputSchema,
  }));
}

/** The tables of every job; two jobs giving the same table name is an error naming both files. */
export function buildCatalog(jobs: readonly JobDefinition[], schemas?: ReadonlyMap<JobDefinition, ReaderSchemas>): CatalogTable[] {
  const byName = new Map<string, CatalogTable>();
  for (const table of jobs.flatMap((job) => tablesOfJob(job, schemas?.get(job)))) {
    const clash = byName.get(table.name.toLowerCase());
    if (clash) throw new CatalogError(table.job.file, `table ${table.name} is also defined by ${clash.job.file}`);
    byName.set(table.name.toLowerCase(), table);
  }
  return [...byName.values()];
}

/** The columns of a table's data files, as the Parquet writer maps the output schema (Avro tables are staged the same way). */
export function columnsOf(table: CatalogTable): Column[] {
  return parquetColumnsOf(table.outputSchema);
}

export type { DataFile };

/**
 * The committed data files of a table (one format tree), sorted: what the directories hold, less what a
 * compaction under way (or finished) says is not part of the table at the moment of the listing, plus a file a
 * reload is swapping in under its name, read where its copy is while it is missing from its directory.
 */
export async function listDataFiles(sink: Sink, table: CatalogTable): Promise<DataFile[]> {
  const { partitioning } = table.job.output;
  const files = await listTreeFiles(sink, table.dataRoot, table.format, partitioning);
  // A table many topics share: the swaps of every topic's namespace (topic-tables.ts), not only the reading job's.
  const swaps = await tableSwapsWithState(sink, table.job);
  if (swaps.length === 0) return files;
  const root = jobTable(sink, table.job).path('');
  const relative = (file: DataFile) => file.sinkPath.slice(root.length + 1);
  const { visible, standIns } = await readableFiles(new Set(files.map(relative)), swaps);
  const result = files.filter((file) => visible.has(relative(file)) && !standIns.has(relative(file)));
  const treePrefix = formatRoot(table.job.output.formats, table.format);
  for (const [path, sinkPath] of standIns) {
    if (!visible.has(path) || !path.startsWith(treePrefix) || !path.endsWith(`.${table.format}`)) continue;
    const directory = path.slice(treePrefix.length, path.lastIndexOf('/'));
    const parsed = partitionValuesOf(partitioning, directory);
    const status = parsed && (await sink.status(sinkPath));
    if (parsed && status) result.push({ sinkPath, directory, partitionValues: parsed.values, bytes: status.length });
  }
  return result.sort((a, b) => (a.sinkPath < b.sinkPath ? -1 : a.sinkPath > b.sinkPath ? 1 : 0));
}

/** The job's table's schema generations (`_sluice/schemas/`), oldest first; empty before its first load. */
export function schemaHistoryOf(sink: Sink, table: CatalogTable): Promise<SchemaGeneration[]> {
  return jobTable(sink, table.job).schemaHistory();
}

/** The table with the output schema of its latest generation; as the job defines it when it has no history yet. */
export async function atLatestGeneration(sink: Sink, table: CatalogTable): Promise<CatalogTable> {
  const history = await schemaHistoryOf(sink, table);
  const latest = history[history.length - 1];
  return latest ? { ...table, outputSchema: latest.schema } : table;
}
