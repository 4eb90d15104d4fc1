import type { ScannedJsonRow } from './flat-json-row';

export type { AvroField, AvroSchema, AvroSchemaObject } from './avro-schema-types';

/** A record as avsc represents it: plain objects, numbers, strings, Buffers for bytes, null for null. */
export type AvroRecord = Record<string, unknown>;

export interface WrittenFile {
  path: string;
  records: number;
  bytes: number;
}

/**
 * One output data file being written. Records are written in order; close()
 * makes the file complete on disk (flushed) and reports what it holds; abort()
 * removes whatever was written.
 */
export interface RecordFileWriter {
  write(record: AvroRecord): void;
  /** A JSON value the fast path scanned, written from its bytes (writers made for a flat JSON schema have it). */
  writeScanned?(row: ScannedJsonRow): void;
  /** A record already in the writer's own encoding (native-json-batch.ts): Avro binary, or an NDJSON line for Parquet. */
  writeEncoded?(bytes: Buffer, start: number, end: number): void;
  close(): Promise<WrittenFile>;
  abort(): Promise<void>;
}

export type AvroCodec = 'null' | 'deflate' | 'snappy';
