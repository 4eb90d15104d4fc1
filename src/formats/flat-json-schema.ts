// The record schemas the load's JSON fast path handles: a record of primitive fields (nullable or not), no nesting.
import type { AvroSchema, AvroSchemaObject } from './avro-schema-types';

/** avro-schema.ts's MetadataColumn (not imported: avro-schema reaches this file through record-file-writer). */
type MetadataColumn = 'partition' | 'offset' | 'timestamp' | 'key';

export type FlatKind = 'int' | 'long' | 'float' | 'double' | 'boolean' | 'string' | 'enum';

export interface FlatField {
  name: string;
  /** The name's UTF-8 bytes, compared with the keys of a JSON value without decoding them. */
  nameBytes: Buffer;
  kind: FlatKind;
  nullable: boolean;
  /** Avro's union branch index of null and of the value (both 0 when not nullable). */
  nullBranch: number;
  valueBranch: number;
  /** An enum's symbols as UTF-8 bytes, in index order. */
  symbols: Buffer[];
}

/** A value schema whose JSON values can be checked and written without building a JS object per record. */
export interface FlatJsonSchema {
  fields: FlatField[];
  /** The job's metadata columns, appended after the value's fields in this order. */
  metadata: readonly MetadataColumn[];
  /** The metadata columns' names as UTF-8: a value holding one of them as an unknown key is left to the per-record path. */
  metadataNames: Buffer[];
  /** The index of the job's time field, or -1 when event time is the Kafka timestamp. */
  timeField: number;
  timeUnit: 'millis' | 'micros' | 'iso';
}

const PRIMITIVE_KINDS: Record<string, FlatKind> = { int: 'int', long: 'long', float: 'float', double: 'double', boolean: 'boolean', string: 'string' };
/** Logical types avsc (without logical-type classes) reads as their underlying primitive, and Parquet maps to a column. */
const PASSTHROUGH_LOGICAL = new Set(['timestamp-millis', 'timestamp-micros', 'local-timestamp-millis', 'local-timestamp-micros', 'date', 'uuid']);

function kindOf(schema: AvroSchema): FlatKind | null {
  if (typeof schema === 'string') return PRIMITIVE_KINDS[schema] ?? null;
  if (Array.isArray(schema)) return null;
  const object = schema as AvroSchemaObject;
  if (object.type === 'enum' && Array.isArray(object.symbols)) return 'enum';
  if (typeof object.type !== 'string') return null;
  const kind = PRIMITIVE_KINDS[object.type] ?? null;
  if (kind === null || object.logicalType === undefined) return kind;
  // decimal, duration and unknown logical types stay on the per-record path.
  return typeof object.logicalType === 'string' && PASSTHROUGH_LOGICAL.has(object.logicalType) ? kind : null;
}

function flatField(name: string, type: AvroSchema): FlatField | null {
  const members = Array.isArray(type) ? type : [type];
  const isNull = (m: AvroSchema) => m === 'null' || (typeof m === 'object' && !Array.isArray(m) && m.type === 'null');
  const valueMembers = members.filter((m) => !isNull(m));
  if (valueMembers.length !== 1 || (Array.isArray(type) && members.length !== 2)) return null;
  const kind = kindOf(valueMembers[0]);
  if (kind === null) return null;
  const nullable = Array.isArray(type) && members.length === 2;
  const valueBranch = nullable ? members.indexOf(valueMembers[0]) : 0;
  const symbols = kind === 'enum' ? ((valueMembers[0] as AvroSchemaObject).symbols ?? []).map((s) => Buffer.from(s)) : [];
  return { name, nameBytes: Buffer.from(name), kind, nullable, nullBranch: nullable ? 1 - valueBranch : 0, valueBranch, symbols };
}

/**
 * The flat form of a value schema, or null when a field has a type the fast path does not handle (records, arrays,
 * maps, bytes, fixed, unions of several types, decimals): those jobs keep the per-record path for every record.
 */
export function flatJsonSchemaOf(schema: AvroSchema, metadata: readonly MetadataColumn[], timeField: string | null, timeUnit: 'millis' | 'micros' | 'iso'): FlatJsonSchema | null {
  if (typeof schema !== 'object' || Array.isArray(schema) || schema.type !== 'record' || !Array.isArray(schema.fields) || schema.fields.length === 0) return null;
  const fields: FlatField[] = [];
  for (const field of schema.fields) {
    const flat = flatField(field.name, field.type);
    if (flat === null) return null;
    fields.push(flat);
  }
  const time = timeField === null ? -1 : fields.findIndex((f) => f.name === timeField);
  if (timeField !== null && time < 0) return null;
  const metadataNames = metadata.map((column) => Buffer.from(`_kafka_${column}`));
  return { fields, metadata, metadataNames, timeField: time, timeUnit };
}
