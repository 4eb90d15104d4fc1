import { createAvroFileWriter } from '../formats/avro-file-writer';
import type { AvroSchema, RecordFileWriter } from '../formats/record-file-writer';
import type { JobDefinition, OutputFormat } from './job-definition';

type ParquetModule = typeof import('../formats/parquet-file-writer');
let parquet: ParquetModule | undefined;

/** A writer for one output file; DuckDB's native module is loaded only by jobs that write Parquet. */
export function createFileWriter(format: OutputFormat, path: string, schema: AvroSchema, job: JobDefinition): RecordFileWriter {
  if (format === 'avro') return createAvroFileWriter({ path, schema, codec: job.output.avroCodec });
  parquet ??= require('../formats/parquet-file-writer') as ParquetModule;
  return parquet.createParquetFileWriter({ path, schema });
}
