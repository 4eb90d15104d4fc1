import { isMainThread } from 'node:worker_threads';
import { createAvroFileWriter } from '../formats/avro-file-writer';
import type { AvroSchema, RecordFileWriter } from '../formats/record-file-writer';
import type { JobDefinition, OutputFormat } from '../job/job-definition';

type ParquetModule = typeof import('../formats/parquet-file-writer');
type NdjsonParquetModule = typeof import('../formats/ndjson-parquet-writer');
const PARQUET_MEMORY_PER_WORKER = '96MB';
let parquet: ParquetModule | undefined;
let ndjsonParquet: NdjsonParquetModule | undefined;

/** Loads DuckDB's native module and the Parquet writers (once); a worker started ahead of its task does it early. */
export function loadParquetWriters(): void {
  if (parquet) return;
  parquet = require('../formats/parquet-file-writer') as ParquetModule;
  // Each worker thread has its own DuckDB; one thread apiece keeps the workers from fighting over the cores.
  if (!isMainThread) parquet.configureParquetEngine({ threads: 1, memoryLimit: PARQUET_MEMORY_PER_WORKER });
  ndjsonParquet = require('../formats/ndjson-parquet-writer') as NdjsonParquetModule;
}

/**
 * A writer for one output file; DuckDB's native module is loaded only by jobs that write Parquet. `finalPath` (the
 * file's path in its table) makes the bytes a function of the name and records: a reload writes the same file.
 */
export function createFileWriter(format: OutputFormat, path: string, schema: AvroSchema, job: JobDefinition, finalPath: string = path, stageAsNdjson = false): RecordFileWriter {
  if (format === 'avro') return createAvroFileWriter({ path, schema, codec: job.output.avroCodec, syncSeed: finalPath });
  loadParquetWriters();
  const { codec, timestampType, rowGroupSize } = job.output.parquet;
  // INT96 timestamps are rewritten after DuckDB's COPY by the appender writer (parquet-int96.ts); NDJSON staging does not.
  return ndjsonParquet!.createNdjsonOrAppenderWriter({
    path, schema, stageAsNdjson: stageAsNdjson && timestampType !== 'int96', compression: codec, timestampUnit: timestampType === 'int64-millis' ? 'millis' : 'micros',
    int96Timestamps: timestampType === 'int96', ...(rowGroupSize === null ? {} : { rowGroupRows: rowGroupSize }),
  });
}
