import { compiledEncoderFor } from './compiled-encode';
import { defaultValue, isDefaultValue } from './defaults';
import { assertSupportedVersion, formatFieldPath, ProtocolEncodeError } from './errors';
import {
  ElementKind,
  FieldSchema,
  inVersions,
  INTEGER_RANGES,
  IntegerKind,
  MAX_STRING_BYTES,
  isFlexibleVersion,
  isNullableIn,
  isTaggedIn,
  MessageSchema,
  usesCompactEncoding,
} from './schema';
import { Writer } from './writer';

interface EncodeState {
  readonly version: number;
  readonly flexible: boolean;
  /** The field being written; left as is when a write throws, so the error can name it. */
  readonly path: (string | number)[];
}

/**
 * Writes `value` as a message body of `version`. Undefined fields are written as their defaults;
 * fields absent in this version are left out. On error the writer holds a partial message.
 */
export function encodeMessage<T>(schema: MessageSchema<T>, version: number, value: T, writer: Writer = new Writer()): Writer {
  assertSupportedVersion(schema, version);
  const mark = writer.mark();
  try {
    compiledEncoderFor(schema, version)(writer, value);
    return writer;
  } catch {
    // Written again by the interpreter, whose error names the field and the reason.
    writer.reset(mark);
  }
  return encodeByInterpreter(schema, version, value, writer);
}

/** encodeMessage without the compiled encoder: the reference it is tested against, and what names errors. */
export function encodeByInterpreter<T>(schema: MessageSchema<T>, version: number, value: T, writer: Writer = new Writer()): Writer {
  assertSupportedVersion(schema, version);
  const state: EncodeState = { version, flexible: isFlexibleVersion(schema, version), path: [] };
  try {
    writeStruct(state, writer, schema.fields, value);
  } catch (error) {
    const reason = error instanceof ProtocolEncodeError ? error.reason : error instanceof Error ? error.message : String(error);
    throw new ProtocolEncodeError(reason, { messageName: schema.name, version, fieldPath: formatFieldPath(state.path) });
  }
  return writer;
}

function fail(reason: string): never {
  throw new ProtocolEncodeError(reason);
}

function writeStruct(state: EncodeState, writer: Writer, fields: readonly FieldSchema[], value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`must be an object, got ${describe(value)}`);
  const struct = value as Record<string, unknown>;
  const tagged: FieldSchema[] = [];
  for (const field of fields) {
    if (!inVersions(field.versions, state.version)) continue;
    if (isTaggedIn(field, state.version)) {
      if (!isDefaultValue(field, struct[field.name])) tagged.push(field);
      continue;
    }
    state.path.push(field.name);
    writeField(state, writer, field, valueOrDefault(field, struct[field.name]));
    state.path.pop();
  }
  if (state.flexible) writeTaggedFields(state, writer, tagged, struct);
}

function writeTaggedFields(state: EncodeState, writer: Writer, tagged: FieldSchema[], struct: Record<string, unknown>): void {
  tagged.sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0));
  writer.writeUVarint(tagged.length);
  for (const field of tagged) {
    state.path.push(field.name);
    const valueWriter = new Writer(64);
    writeField(state, valueWriter, field, struct[field.name]);
    writer.writeUVarint(field.tag ?? 0);
    writer.writeUVarint(valueWriter.length);
    writer.writeWriter(valueWriter);
    state.path.pop();
  }
}

function valueOrDefault(field: FieldSchema, value: unknown): unknown {
  return value === undefined ? defaultValue(field) : value;
}

function writeField(state: EncodeState, writer: Writer, field: FieldSchema, value: unknown): void {
  const compact = usesCompactEncoding(field, state.version, state.flexible);
  if (value === null && !isNullableIn(field, state.version)) fail(`is null but not nullable in v${state.version}`);
  if (field.kind === 'array') {
    writeArray(state, writer, field, value, compact);
  } else if (field.kind === 'struct') {
    if (isNullableIn(field, state.version)) writeStructPresence(writer, value !== null, isTaggedIn(field, state.version));
    if (value !== null) writeStruct(state, writer, field.fields ?? [], value);
  } else {
    writeElement(state, writer, field, field.kind, value, compact);
  }
}

/** Kafka marks a nullable struct's presence with int8 -1/1 inline, but with uvarint 0/1 in the tagged section. */
function writeStructPresence(writer: Writer, present: boolean, tagged: boolean): void {
  if (tagged) writer.writeUVarint(present ? 1 : 0);
  else writer.writeInt8(present ? 1 : -1);
}

function writeArray(state: EncodeState, writer: Writer, field: FieldSchema, value: unknown, compact: boolean): void {
  if (value === null) {
    writeLength(writer, null, compact, true);
    return;
  }
  if (!Array.isArray(value)) fail(`must be an array, got ${describe(value)}`);
  writeLength(writer, value.length, compact, true);
  const elementKind = field.elementKind ?? 'struct';
  for (let i = 0; i < value.length; i++) {
    state.path.push(i);
    const element: unknown = value[i];
    if (element === null || element === undefined) fail(`is ${element}; array elements cannot be null`);
    writeElement(state, writer, field, elementKind, element, compact);
    state.path.pop();
  }
}

function writeElement(state: EncodeState, writer: Writer, field: FieldSchema, kind: ElementKind, value: unknown, compact: boolean): void {
  switch (kind) {
    case 'bool':
      if (typeof value !== 'boolean') fail(`must be a boolean, got ${describe(value)}`);
      writer.writeBool(value);
      return;
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'int64':
      writeInteger(writer, kind, value);
      return;
    case 'float64':
      if (typeof value !== 'number') fail(`must be a number, got ${describe(value)}`);
      writer.writeFloat64(value);
      return;
    case 'uuid':
      if (!(value instanceof Uint8Array) || value.length !== 16) fail(`must be 16 bytes, got ${describe(value)}`);
      writer.writeBytes(value);
      return;
    case 'string':
      writeString(writer, value, compact);
      return;
    case 'bytes':
    case 'records':
      if (value !== null && !(value instanceof Uint8Array)) fail(`must be a Buffer, got ${describe(value)}`);
      writeLength(writer, value === null ? null : value.length, compact, true);
      if (value !== null) writer.writeBytes(value);
      return;
    case 'struct':
      writeStruct(state, writer, field.fields ?? [], value);
      return;
  }
}

function writeInteger(writer: Writer, kind: IntegerKind, value: unknown): void {
  const [min, max] = INTEGER_RANGES[kind];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`must be an ${kind} (an integer in ${min}..${max}), got ${describe(value)}`);
  }
  if (kind === 'int8') writer.writeInt8(value);
  else if (kind === 'int16') writer.writeInt16(value);
  else if (kind === 'uint16') writer.writeUInt16(value);
  else if (kind === 'int32') writer.writeInt32(value);
  else if (kind === 'uint32') writer.writeUInt32(value);
  else writer.writeInt64(value);
}

function writeString(writer: Writer, value: unknown, compact: boolean): void {
  if (value === null) {
    writeLength(writer, null, compact, false);
    return;
  }
  if (typeof value !== 'string') fail(`must be a string, got ${describe(value)}`);
  const byteLength = Buffer.byteLength(value, 'utf8');
  if (byteLength > MAX_STRING_BYTES) fail(`is ${byteLength} bytes of UTF-8, more than Kafka's limit of ${MAX_STRING_BYTES}`);
  writeLength(writer, byteLength, compact, false);
  writer.writeUtf8(value, byteLength);
}

/** Writes a length or count prefix; null is written as -1 (compact: 0). */
function writeLength(writer: Writer, length: number | null, compact: boolean, wide: boolean): void {
  const value = length === null ? -1 : length;
  if (compact) writer.writeUVarint(value + 1);
  else if (wide) writer.writeInt32(value);
  else writer.writeInt16(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
