// Stages a table's Avro files for a DuckDB view: files in the table's own schema decoded into column buffers
// (avro-column-batches.ts, on worker threads for large selections: avro-decode-pool.ts) and scanned by a table
// function (avro-decoded-scan.ts); others read by avsc into a temporary table (DuckDB's Avro extension is
// downloaded on first use, which an offline machine cannot). table-views.ts makes the view over what this stages.
import * as fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Column, duckdbTypeSql, parquetColumnsOf, quoteIdentifier } from '../formats/avro-to-parquet';
import { columnAppender, stagingTypeSql } from '../formats/duckdb-values';
import { outputExpression } from '../formats/parquet-file-writer';
import { createAvroType } from '../formats/avro-schema';
import type { AvroSchemaObject } from '../formats/record-file-writer';
import { AvroContainer, openAvroContainer } from './avro-container-reader';
import { ColumnDecodeFault, ColumnRead, FieldStep, planColumnReads } from './avro-column-decoder';
import { decodeColumns, DecodedColumns } from './avro-column-batches';
import { DecodedFile, registerDecodedScan } from './avro-decoded-scan';
import type { AvroDecodePool, AvroTableSource, FileDecodeTask, PendingDecode } from './avro-decode-pool';
import type { LocalDataFile } from './local-files';

/** Rows the appender holds before handing them to the table, as the Parquet writer does. */
const APPENDER_FLUSH_ROWS = 4096;

export class AvroLoadError extends Error {
  constructor(readonly table: string, readonly file: string, detail: string) {
    super(`table ${table}, ${file}: ${detail}`);
    this.name = 'AvroLoadError';
  }
}

let stagingTables = 0;

export const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Each staged row's file, by its index in a small table of the files' partition values (cheaper than strings per row). */
const FILE_COLUMN_NAME = '__sluice_file__';
const FILE_COLUMN = quoteIdentifier(FILE_COLUMN_NAME);

/**
 * The view's rows over `rows` (the staged columns, then the partition columns): the table's columns with timestamps
 * and dates converted, then the partition columns.
 */
function viewSelect(table: AvroTableSource, staged: readonly Column[], rows: string): string {
  const read = new Set(staged.map((c) => c.name));
  const columns = parquetColumnsOf(table.outputSchema).map((c) => (read.has(c.name) ? outputExpression(c) : `CAST(NULL AS ${duckdbTypeSql(c.type)}) AS ${quoteIdentifier(c.name)}`));
  return `SELECT ${[...columns, ...(table.partitions ?? []).map(quoteIdentifier)].join(', ')} FROM ${rows}`;
}

/**
 * The schema the files are decoded with: the output schema with only `table.columns`, so that avsc's resolver skips
 * the other fields without making their values; the whole schema if that one is not valid on its own (a named type
 * defined in a field left out).
 */
function readSchemaOf(table: AvroTableSource): AvroSchemaObject {
  const { outputSchema, columns } = table;
  if (columns === undefined || !Array.isArray(outputSchema.fields)) return outputSchema;
  // A record needs a field: with none named (count(*)), avsc reads the first (nothing of it is staged).
  const wanted = new Set(columns.length > 0 ? columns : outputSchema.fields.slice(0, 1).map((f) => f.name));
  const projected: AvroSchemaObject = { ...outputSchema, fields: outputSchema.fields.filter((f) => wanted.has(f.name)) };
  try {
    createAvroType(projected, table.name);
    return projected;
  } catch {
    return outputSchema;
  }
}

/** Without `partitions` given, every partition column the files' directories name. */
export function withPartitions(table: AvroTableSource, files: readonly LocalDataFile[]): AvroTableSource {
  return table.partitions ? table : { ...table, partitions: files[0]?.partitionValues.map(([name]) => name) ?? [] };
}

export interface StagedAvro {
  /** The view's rows. */
  select: string;
  /** The view's rows of files[index] only. */
  fileSelect: (index: number) => string;
  tables: string[];
  /** Lets go of the decoded columns the view reads (which then has no rows). */
  release: () => void;
  /**
   * Waits for every streamed file (without blocking the thread); gives, by position in the files, those that cannot
   * be scanned and why (fileSelect of them would fail).
   */
  settle: () => Promise<Map<number, string>>;
}

/**
 * Decodes the Avro files, in their order, on the pool's workers when one is given. Files in the table's own schema
 * are scanned by DuckDB from their decoded columns (avro-decoded-scan.ts); any other is read by avsc into a temporary
 * table, with its own writer schema resolved to the table's latest one, so older generations' rows get the defaults
 * (or NULL) of fields added since, and promoted types. With `stream`, files sent to the pool are not waited for
 * here: the scan waits for each as it reaches it, so DuckDB works on the first files while the workers decode the
 * next; any failure there fails the query with STREAM_FALLBACK (the caller then stages again without streaming,
 * which names the fault).
 */
export async function stageAvroFiles(connection: DuckDBConnection, table: AvroTableSource, files: readonly LocalDataFile[], pool?: AvroDecodePool, stream = false): Promise<StagedAvro> {
  table = withPartitions(table, files);
  const readSchema = readSchemaOf(table);
  const columns = table.columns?.length === 0 ? [] : parquetColumnsOf(readSchema);
  // With no column to read, only the blocks' counts are: no work to share.
  if (columns.length === 0) pool = undefined;
  const staging = `sluice_avro_${++stagingTables}`;
  const tables: string[] = [];
  // Every file goes to the workers at once: the scan holds every file's columns until the query ends anyway.
  const planned = files.map((file) => (pool ? planOnWorker(table, columns, file) : null));
  const pending = planned.map((plan) => plan && pool!.send(plan.task, plan.bytes));
  const decodedFiles: DecodedFile[] = [];
  const streamedFiles: { entry: DecodedFile; streamed: PendingDecode; file: LocalDataFile }[] = [];
  let reads: ColumnRead[] = [];
  let avsc: { rows: Appender; partitions: Appender } | undefined;
  try {
    for (const [index, file] of files.entries()) {
      const streamed = pending[index];
      const plan = planned[index];
      if (stream && streamed && plan) {
        const entry: DecodedFile = { index, decoded: () => waitForStreamed(streamed, table, columns, file), partitionValues: partitionValuesIn(table, file) };
        decodedFiles.push(entry);
        streamedFiles.push({ entry, streamed, file });
        reads = plan.reads;
        continue;
      }
      const fromWorker = streamed && plan ? await streamed.promise : null;
      const decoded = fromWorker && plan ? { columns: fromWorker, reads: plan.reads } : decodeHere(table, columns, file);
      if ('columns' in decoded) {
        decodedFiles.push({ index, decoded: decoded.columns, partitionValues: partitionValuesIn(table, file) });
        reads = decoded.reads;
        continue;
      }
      avsc ??= await createAvscStaging(connection, staging, table, columns, tables);
      appendPartitionRow(avsc.partitions, table, file, index);
      appendFile(avsc.rows, { name: table.name, outputSchema: readSchema }, columns, file, decoded.bytes, index);
    }
  } finally {
    avsc?.rows.closeSync();
    avsc?.partitions.closeSync();
  }
  const names = { names: columns.map((c) => c.name), reads, partitions: table.partitions ?? [], file: FILE_COLUMN_NAME };
  const scan = decodedFiles.length > 0 ? registerDecodedScan(connection, names, decodedFiles) : undefined;
  const joined = `temp.main.${staging} JOIN temp.main.${staging}_files USING (${FILE_COLUMN})`;
  // UNION ALL matches columns by position: the same list on each side.
  const listed = [...names.names, ...names.partitions, FILE_COLUMN_NAME].map(quoteIdentifier).join(', ');
  const sources = [...(avsc ? [`SELECT ${listed} FROM ${joined}`] : []), ...(scan ? [`SELECT ${listed} FROM ${scan.name}()`] : [])];
  const select = viewSelect(table, columns, sources.length > 0 ? `(${sources.join(' UNION ALL ')})` : emptyRows(columns, names.partitions));
  const scanned = new Set(decodedFiles.map((f) => f.index));
  const fileSelect = (index: number) => (scan && scanned.has(index)
    ? viewSelect(table, columns, `${scan.name}(file := ${index})`)
    : `${viewSelect(table, columns, joined)} WHERE ${FILE_COLUMN} = ${index}`);
  const settle = async () => {
    const failed = new Map<number, string>();
    for (const { entry, streamed, file } of streamedFiles) {
      if (typeof entry.decoded !== 'function') continue;
      const decoded = finishStreamed(await streamed.promise, table, columns, file);
      if (decoded) entry.decoded = decoded;
      else failed.set(entry.index, avscFault(file, readSchema));
    }
    return failed;
  };
  return { select, fileSelect, tables, release: () => scan?.release(), settle };
}

/** The temporary tables of the files avsc reads: their rows, and each file's partition values by its index. */
async function createAvscStaging(connection: DuckDBConnection, staging: string, table: AvroTableSource, columns: Column[], tables: string[]): Promise<{ rows: Appender; partitions: Appender }> {
  const stagingColumns = columns.map((c) => `${quoteIdentifier(c.name)} ${stagingTypeSql(c.type)}`);
  await connection.run(`CREATE TEMP TABLE ${staging} (${[...stagingColumns, `${FILE_COLUMN} INTEGER`].join(', ')})`);
  await connection.run(`CREATE TEMP TABLE ${staging}_files (${[`${FILE_COLUMN} INTEGER`, ...(table.partitions ?? []).map((p) => `${quoteIdentifier(p)} VARCHAR`)].join(', ')})`);
  tables.push(staging, `${staging}_files`);
  return { rows: await connection.createAppender(staging, 'main', 'temp'), partitions: await connection.createAppender(`${staging}_files`, 'main', 'temp') };
}

/** No files: no rows, with the staged and partition columns' types. */
function emptyRows(columns: readonly Column[], partitions: readonly string[]): string {
  const nulls = [...columns.map((c) => `CAST(NULL AS ${stagingTypeSql(c.type)}) AS ${quoteIdentifier(c.name)}`), ...partitions.map((p) => `CAST(NULL AS VARCHAR) AS ${quoteIdentifier(p)}`)];
  return `(SELECT ${nulls.join(', ')} WHERE false)`;
}

function partitionValuesIn(table: AvroTableSource, file: LocalDataFile): (string | null)[] {
  const values = new Map(file.partitionValues);
  return (table.partitions ?? []).map((column) => values.get(column) ?? null);
}

function appendPartitionRow(partitions: Appender, table: AvroTableSource, file: LocalDataFile, index: number): void {
  partitions.appendInteger(index);
  for (const value of partitionValuesIn(table, file)) {
    if (value === null) partitions.appendNull();
    else partitions.appendVarchar(value);
  }
  partitions.endRow();
}

type Appender = Awaited<ReturnType<DuckDBConnection['createAppender']>>;

interface PoolDecoded {
  columns: DecodedColumns;
  reads: ColumnRead[];
}

const readsOf = (steps: readonly FieldStep[]): ColumnRead[] => steps.flatMap((s) => ('read' in s ? [s.read] : []));

/** The header is read here (its first 64 KiB) to plan; null sends the file to decodeHere, which reads it whole. */
const HEADER_READ_BYTES = 64 * 1024;

interface WorkerPlan {
  task: FileDecodeTask;
  bytes: number;
  reads: ColumnRead[];
}

/** What a worker needs to decode the file, from its header; null when it has no plan (decodeHere then reads it). */
function planOnWorker(table: AvroTableSource, columns: Column[], file: LocalDataFile): WorkerPlan | null {
  let container: AvroContainer;
  try {
    container = openAvroContainer(file.localPath, readPrefix(file.localPath, HEADER_READ_BYTES), table.outputSchema);
  } catch {
    return null;
  }
  const steps = container.sameSchema ? planColumnReads(container.writerSchema, columns) : null;
  if (!steps) return null;
  const task = { file: file.localPath, dataStart: container.dataStart, sync: new Uint8Array(container.sync), codec: container.codec, writerSchema: container.writerSchema, columns };
  return { task, bytes: file.bytes, reads: readsOf(steps) };
}

/** Marks a query that failed while streaming Avro: it is run again without (query-engine.ts), which names the fault. */
export const STREAM_FALLBACK = 'sluice: streamed Avro decoding gave up; reading again without streaming';

/** The streamed file's columns, waited for: those of finishStreamed, else the scan fails for a run without streaming. */
function waitForStreamed(streamed: PendingDecode, table: AvroTableSource, columns: Column[], file: LocalDataFile): DecodedColumns {
  const decoded = finishStreamed(streamed.wait(), table, columns, file);
  if (!decoded) throw new Error(STREAM_FALLBACK);
  return decoded;
}

/**
 * A streamed file's columns: the worker's, else decoded here; undefined when only avsc can read it or name its
 * fault (an error thrown inside DuckDB's scan would lose its shape).
 */
function finishStreamed(fromWorker: DecodedColumns | null, table: AvroTableSource, columns: Column[], file: LocalDataFile): DecodedColumns | undefined {
  if (fromWorker) return fromWorker;
  try {
    const here = decodeHere(table, columns, file);
    return 'columns' in here ? here.columns : undefined;
  } catch {
    return undefined;
  }
}

/** Why a file the column decoder refuses cannot be read, as avsc names it. */
function avscFault(file: LocalDataFile, readSchema: AvroSchemaObject): string {
  try {
    for (const record of openAvroContainer(file.localPath, fs.readFileSync(file.localPath), readSchema).records()) void record;
    return 'its records are not as the column decoder reads them';
  } catch (error) {
    return (error as Error).message;
  }
}

function readPrefix(file: string, bytes: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, bytes, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A file written with the table's own schema through the column decoder (avro-column-batches.ts); any other, or one
 * whose records the decoder does not take as planned, is left to avsc (which names a bad record exactly): its bytes.
 */
function decodeHere(table: AvroTableSource, columns: Column[], file: LocalDataFile): PoolDecoded | { bytes: Buffer } {
  const bytes = fs.readFileSync(file.localPath);
  const container = openAvroContainer(file.localPath, bytes, table.outputSchema);
  const steps = container.sameSchema ? planColumnReads(container.writerSchema, columns) : null;
  if (steps) {
    try {
      return { columns: decodeColumns([...container.blocks()], container.decompress, steps, columns.length), reads: readsOf(steps) };
    } catch (error) {
      if (!(error instanceof ColumnDecodeFault)) throw error;
    }
  }
  return { bytes };
}

function appendFile(appender: Appender, table: AvroTableSource, columns: Column[], file: LocalDataFile, bytes: Buffer, fileIndex: number): void {
  const container = openAvroContainer(file.localPath, bytes, table.outputSchema);
  const appenders = columns.map(columnAppender);
  const names = columns.map((c) => c.name);
  let recordInFile = 0;
  for (const record of container.records()) {
    try {
      for (let i = 0; i < appenders.length; i++) appenders[i](appender, record[names[i]]);
    } catch (error) {
      throw new AvroLoadError(table.name, file.localPath, `record ${recordInFile}: ${(error as Error).message}`);
    }
    appender.appendInteger(fileIndex);
    appender.endRow();
    if (++recordInFile % APPENDER_FLUSH_ROWS === 0) appender.flushSync();
  }
}
