// `output.parquet` of a job file: the codec, timestamp encoding and row-group size of its Parquet files.
import { Fields, isObject, Json, JobDefinitionError, rejectUnknownKeysIn } from './job-fields';

export const PARQUET_CODECS = ['snappy', 'zstd', 'gzip', 'none'] as const;
export type ParquetCodec = (typeof PARQUET_CODECS)[number];

export const PARQUET_TIMESTAMP_TYPES = ['int64-micros', 'int64-millis', 'int96'] as const;
export type ParquetTimestampType = (typeof PARQUET_TIMESTAMP_TYPES)[number];

/** `rowGroupSize` null leaves DuckDB's own row-group size. */
export interface ParquetSettings {
  codec: ParquetCodec;
  timestampType: ParquetTimestampType;
  rowGroupSize: number | null;
}

export const PARQUET_KEYS = ['codec', 'timestampType', 'rowGroupSize'] as const;

/**
 * Snappy is the default: Hive before 4.0 and Hadoop 2 stacks without native zstd read it, where ZSTD files are
 * accepted by the DDL and then fail to read.
 */
export const DEFAULT_PARQUET_SETTINGS: ParquetSettings = { codec: 'snappy', timestampType: 'int64-micros', rowGroupSize: null };

const SECTION = 'output.parquet';

/** DuckDB cuts row groups only between its 2048-row vectors, so a smaller size would not be honoured. */
const MIN_ROW_GROUP_SIZE = 2048;

/** The job's `output.parquet`, checked; `output` is the job's `output` object and `known` its key table. */
export function readParquetSettings(file: string, output: Json, known: Readonly<Record<string, readonly string[]>>): ParquetSettings {
  const given = output.parquet;
  if (given === undefined || given === null) return DEFAULT_PARQUET_SETTINGS;
  if (!isObject(given)) throw new JobDefinitionError(file, SECTION, 'must be an object (keys: codec, timestampType, rowGroupSize)');
  rejectUnknownKeysIn(file, SECTION, given, known);
  const fields = new Fields(file, given, SECTION, known);
  const rowGroupSize = given.rowGroupSize === undefined || given.rowGroupSize === null ? null : fields.integer('rowGroupSize', 0, MIN_ROW_GROUP_SIZE, 100_000_000);
  return {
    codec: fields.oneOf('codec', PARQUET_CODECS, DEFAULT_PARQUET_SETTINGS.codec),
    timestampType: fields.oneOf('timestampType', PARQUET_TIMESTAMP_TYPES, DEFAULT_PARQUET_SETTINGS.timestampType),
    rowGroupSize,
  };
}
