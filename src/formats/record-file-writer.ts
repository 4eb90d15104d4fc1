import type { ScannedJsonRow } from './flat-json-row';

/** Avro's JSON schema form, as read from an .avsc file. */
export type AvroSchema = string | AvroSchemaObject | AvroSchema[];

export interface AvroSchemaObject {
  type: string | AvroSchema;
  name?: string;
  namespace?: string;
  fields?: AvroField[];
  items?: AvroSchema;
  values?: AvroSchema;
  symbols?: string[];
  size?: number;
  logicalType?: string;
  precision?: number;
  scale?: number;
  doc?: string;
  [key: string]: unknown;
}

export interface AvroField {
  name: string;
  type: AvroSchema;
  default?: unknown;
  doc?: string;
}

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
  close(): Promise<WrittenFile>;
  abort(): Promise<void>;
}

export type AvroCodec = 'null' | 'deflate' | 'snappy';
