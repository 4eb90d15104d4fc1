// Hive column types for a table's files: Avro tables as Hive's AvroSerDe reads the schema, Parquet
// tables from the column types sluice's Parquet writer actually produces (avro-to-parquet.ts).
import { Column, ColumnType, MAX_DECIMAL_PRECISION, parquetColumnsOf } from '../formats/avro-to-parquet';
import type { AvroSchema, AvroSchemaObject } from '../formats/record-file-writer';

export interface HiveColumn {
  name: string;
  type: string;
  /** The Avro field's doc, if any. */
  comment: string | null;
}

/** An Avro type Hive has no column type for; `fieldPath` is where in the schema it is. */
export class HiveTypeError extends Error {
  constructor(readonly fieldPath: string, readonly avroType: string, reason: string) {
    super(`field ${fieldPath}: Avro type ${avroType} has no Hive type: ${reason}`);
    this.name = 'HiveTypeError';
  }
}

const HIVE_ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", ';': '\\;', '\n': '\\n', '\r': '\\r' };

/** A Hive string literal, with the backslash escapes Hive's parser undoes (`;` too: older Hive CLIs split statements on it). */
export function hiveString(text: string): string {
  return `'${text.replace(/[\\';\n\r]/g, (c) => HIVE_ESCAPES[c])}'`;
}

/** A column as CREATE TABLE and ADD COLUMNS list it: name, type, comment. */
export function columnSql(column: HiveColumn): string {
  return `${hiveIdentifier(column.name)} ${column.type}${column.comment === null ? '' : ` COMMENT ${hiveString(column.comment)}`}`;
}

/** A Hive identifier in backticks (metadata columns start with `_`, which Hive does not allow bare). */
export function hiveIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

const PRIMITIVES: Record<string, string> = {
  boolean: 'BOOLEAN', int: 'INT', long: 'BIGINT', float: 'FLOAT', double: 'DOUBLE', bytes: 'BINARY', string: 'STRING',
};

/** Named types (record, enum, fixed) by full name; a record maps to null while its own fields are mapped. */
type NamedTypes = Map<string, string | null>;

/** The Hive columns of an Avro table: one per top-level field of the record schema, in order. */
export function avroTableColumns(schema: AvroSchemaObject): HiveColumn[] {
  if (schema.type !== 'record' || !Array.isArray(schema.fields)) throw new HiveTypeError('(root)', describe(schema), 'the top-level schema must be a record');
  const rootName = fullNameOf(schema, '(root)', '');
  const named: NamedTypes = new Map([[rootName, null]]);
  return schema.fields.map((field) => ({
    name: field.name,
    type: avroToHive(field.type, field.name, spaceOf(rootName), named),
    comment: typeof field.doc === 'string' ? field.doc : null,
  }));
}

/** The Hive columns of a Parquet table: the writer's own column mapping, so unions other than [null, T] fail as they do there. */
export function parquetTableColumns(schema: AvroSchemaObject): HiveColumn[] {
  const docs = new Map((schema.fields ?? []).map((f) => [f.name, typeof f.doc === 'string' ? f.doc : null]));
  return parquetColumnsOf(schema).map((column: Column) => ({ name: column.name, type: parquetToHive(column.type), comment: docs.get(column.name) ?? null }));
}

/** Hive's type for a column sluice's Parquet writer writes (DuckDB's type before it becomes a Parquet type). */
export function parquetToHive(type: ColumnType): string {
  switch (type.kind) {
    case 'INTEGER': return 'INT';
    case 'BIGINT': return 'BIGINT';
    case 'FLOAT': return 'FLOAT';
    case 'DOUBLE': return 'DOUBLE';
    case 'BOOLEAN': return 'BOOLEAN';
    case 'VARCHAR': return 'STRING';
    case 'BLOB': return 'BINARY';
    case 'DATE': return 'DATE';
    // Parquet INT64 TIMESTAMP (MICROS or MILLIS, adjusted to UTC or not): Hive 4.0 and later read them as TIMESTAMP
    // (HIVE-21215); older Hive fails on them at read time (LongWritable is not a TimestampWritable) and needs INT96.
    case 'TIMESTAMPTZ':
    case 'TIMESTAMP': return 'TIMESTAMP';
    case 'DECIMAL': return `DECIMAL(${type.precision},${type.scale})`;
    case 'STRUCT': return `STRUCT<${type.fields.map((f) => `${hiveIdentifier(f.name)}:${parquetToHive(f.type)}`).join(',')}>`;
    case 'LIST': return `ARRAY<${parquetToHive(type.element)}>`;
    case 'MAP': return `MAP<STRING,${parquetToHive(type.value)}>`;
  }
}

/** Hive's type for an Avro schema, as the AvroSerDe maps it; a [null, T] union is T (Hive columns are all nullable). */
export function avroToHive(schema: AvroSchema, path: string, namespace: string, named: NamedTypes = new Map()): string {
  if (Array.isArray(schema)) {
    const members = schema.filter((m) => m !== 'null' && !(typeof m === 'object' && !Array.isArray(m) && m.type === 'null'));
    if (members.length === 0) throw new HiveTypeError(path, describe(schema), 'a union of only null');
    if (members.some(Array.isArray)) throw new HiveTypeError(path, describe(schema), 'a union directly inside a union');
    const types = members.map((m) => avroToHive(m, path, namespace, named));
    return types.length === 1 ? types[0] : `UNIONTYPE<${types.join(',')}>`;
  }
  if (typeof schema === 'string') {
    if (Object.hasOwn(PRIMITIVES, schema)) return PRIMITIVES[schema];
    if (schema === 'null') throw new HiveTypeError(path, 'null', 'a field that is always null');
    return resolveName(schema, path, namespace, named);
  }
  const { type } = schema;
  if (typeof type !== 'string') return avroToHive(type, path, namespace, named);
  switch (type) {
    case 'record':
    case 'error': {
      const fullName = define(schema, path, namespace, named, null);
      const inner = spaceOf(fullName);
      if (!Array.isArray(schema.fields) || schema.fields.length === 0) throw new HiveTypeError(path, fullName, 'a record needs at least one field');
      const fields = schema.fields.map((f) => `${hiveIdentifier(f.name)}:${avroToHive(f.type, `${path}.${f.name}`, inner, named)}`);
      const struct = `STRUCT<${fields.join(',')}>`;
      named.set(fullName, struct);
      return struct;
    }
    case 'enum':
      define(schema, path, namespace, named, 'STRING');
      return 'STRING';
    case 'fixed': {
      const hive = decimalOf(schema, path) ?? 'BINARY';
      define(schema, path, namespace, named, hive);
      return hive;
    }
    case 'array':
      if (schema.items === undefined) throw new HiveTypeError(path, describe(schema), 'an array without "items"');
      return `ARRAY<${avroToHive(schema.items, `${path}[]`, namespace, named)}>`;
    case 'map':
      if (schema.values === undefined) throw new HiveTypeError(path, describe(schema), 'a map without "values"');
      return `MAP<STRING,${avroToHive(schema.values, `${path}{}`, namespace, named)}>`;
    default: {
      const primitive = avroToHive(type, path, namespace, named);
      return withLogicalType(primitive, schema, path) ?? primitive;
    }
  }
}

/** Logical types; as the Avro spec says, one that does not fit its underlying type is ignored. */
function withLogicalType(primitive: string, schema: AvroSchemaObject, path: string): string | undefined {
  const logical = schema.logicalType;
  if (primitive === 'BIGINT' && typeof logical === 'string' && /^(local-)?timestamp-(millis|micros)$/.test(logical)) return 'TIMESTAMP';
  if (primitive === 'INT' && logical === 'date') return 'DATE';
  if (primitive === 'BINARY') return decimalOf(schema, path);
  return undefined; // uuid on string stays STRING; time-millis/-micros stay INT/BIGINT (Hive has no TIME)
}

function decimalOf(schema: AvroSchemaObject, path: string): string | undefined {
  if (schema.logicalType !== 'decimal') return undefined;
  const { precision, scale = 0 } = schema;
  if (!Number.isInteger(precision) || !Number.isInteger(scale) || precision! < 1 || scale < 0 || scale > precision!) return undefined;
  if (precision! > MAX_DECIMAL_PRECISION) throw new HiveTypeError(path, describe(schema), `decimal precision ${precision} is above Hive's ${MAX_DECIMAL_PRECISION}`);
  return `DECIMAL(${precision},${scale})`;
}

function define(schema: AvroSchemaObject, path: string, namespace: string, named: NamedTypes, hive: string | null): string {
  const fullName = fullNameOf(schema, path, namespace);
  if (named.has(fullName)) throw new HiveTypeError(path, fullName, 'the type name is defined twice');
  named.set(fullName, hive);
  return fullName;
}

function resolveName(name: string, path: string, namespace: string, named: NamedTypes): string {
  const candidates = name.includes('.') ? [name] : [namespace ? `${namespace}.${name}` : name, name];
  for (const candidate of candidates) {
    if (!named.has(candidate)) continue;
    const hive = named.get(candidate);
    if (hive === null) throw new HiveTypeError(path, candidate, 'a recursive record has no finite Hive type');
    return hive!;
  }
  throw new HiveTypeError(path, name, 'no primitive or earlier-defined named type has this name');
}

function fullNameOf(schema: AvroSchemaObject, path: string, namespace: string): string {
  const { name } = schema;
  if (typeof name !== 'string' || name === '') throw new HiveTypeError(path, describe(schema), `a ${String(schema.type)} needs a name`);
  if (name.includes('.')) return name;
  const space = typeof schema.namespace === 'string' ? schema.namespace : namespace;
  return space ? `${space}.${name}` : name;
}

function spaceOf(fullName: string): string {
  return fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : '';
}

function describe(schema: AvroSchema): string {
  const text = JSON.stringify(schema);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
