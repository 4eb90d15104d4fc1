import { compiledDecoderFor } from './compiled-decode';
import { defaultValue } from './defaults';
import { assertSupportedVersion, formatFieldPath, ProtocolDecodeError } from './errors';
import { Reader } from './reader';
import {
  ElementKind,
  FieldSchema,
  inVersions,
  isFlexibleVersion,
  isNullableIn,
  isTaggedIn,
  MAX_STRING_BYTES,
  MessageSchema,
  usesCompactEncoding,
} from './schema';

interface DecodeState {
  readonly version: number;
  readonly flexible: boolean;
  reader: Reader;
  /** The field being read; left as is when a read throws, so the error can name it. */
  readonly path: (string | number)[];
}

/**
 * Reads one message body of `version`. Every field of the result is filled: fields absent in this
 * version, or tagged and not sent, get their defaults. Bytes and records share memory with the reader's buffer.
 */
export function decodeMessage<T>(schema: MessageSchema<T>, version: number, reader: Reader): T {
  assertSupportedVersion(schema, version);
  const start = reader.offset;
  try {
    return compiledDecoderOf(schema, version)(reader) as T;
  } catch {
    // Read again by the interpreter, whose error says where and why.
    reader.rewindTo(start);
  }
  return decodeByInterpreter(schema, version, reader);
}

/** The message version's compiled decoder (compiled-decode.ts): it throws on anything the interpreter would refuse. */
export function compiledDecoderOf(schema: MessageSchema<unknown>, version: number): (reader: Reader) => unknown {
  return compiledDecoderFor(schema, version, minElementSizeIn);
}

/** decodeMessage without the compiled decoder: the reference it is tested against, and what names errors. */
export function decodeByInterpreter<T>(schema: MessageSchema<T>, version: number, reader: Reader): T {
  assertSupportedVersion(schema, version);
  const state: DecodeState = { version, flexible: isFlexibleVersion(schema, version), reader, path: [] };
  try {
    return readStruct(state, schema.fields) as T;
  } catch (error) {
    if (!(error instanceof ProtocolDecodeError)) throw error;
    const location = { messageName: schema.name, version, fieldPath: formatFieldPath(state.path) };
    throw new ProtocolDecodeError(error.reason, error.offset, location);
  }
}

function fail(reason: string, offset: number): never {
  throw new ProtocolDecodeError(reason, offset);
}

function readStruct(state: DecodeState, fields: readonly FieldSchema[]): Record<string, unknown> {
  const struct: Record<string, unknown> = {};
  for (const field of fields) {
    if (!inVersions(field.versions, state.version) || isTaggedIn(field, state.version)) {
      struct[field.name] = defaultValue(field);
      continue;
    }
    state.path.push(field.name);
    struct[field.name] = readField(state, field);
    state.path.pop();
  }
  if (state.flexible) readTaggedFields(state, fields, struct);
  return struct;
}

function readTaggedFields(state: DecodeState, fields: readonly FieldSchema[], struct: Record<string, unknown>): void {
  state.path.push('taggedFields');
  const reader = state.reader;
  const countAt = reader.offset;
  const count = reader.readUVarint();
  // Each tagged field takes at least two bytes (tag and size).
  if (count * 2 > reader.remaining) {
    fail(`claims ${count} tagged fields at byte ${countAt}, but only ${reader.remaining} bytes remain`, countAt);
  }
  for (let i = 0; i < count; i++) {
    const tag = reader.readUVarint();
    const size = reader.readUVarint();
    const field = fields.find((f) => f.tag === tag && isTaggedIn(f, state.version) && inVersions(f.versions, state.version));
    if (!field) {
      reader.skip(size);
      continue;
    }
    const valueReader = reader.take(size);
    state.path[state.path.length - 1] = field.name;
    state.reader = valueReader;
    struct[field.name] = readField(state, field);
    state.reader = reader;
    if (valueReader.remaining !== 0) {
      fail(`is a tagged field of ${size} bytes whose value ends ${valueReader.remaining} bytes early`, valueReader.offset);
    }
    state.path[state.path.length - 1] = 'taggedFields';
  }
  state.path.pop();
}

function readField(state: DecodeState, field: FieldSchema): unknown {
  const compact = usesCompactEncoding(field, state.version, state.flexible);
  if (field.kind === 'array') return readArray(state, field, compact);
  if (field.kind === 'struct') {
    if (isNullableIn(field, state.version) && !readStructPresence(state.reader, isTaggedIn(field, state.version))) return null;
    return readStruct(state, field.fields ?? []);
  }
  return readElement(state, field, field.kind, compact);
}

/** Kafka marks a nullable struct's presence with int8 -1/1 inline, but with uvarint 0/1 in the tagged section. */
function readStructPresence(reader: Reader, tagged: boolean): boolean {
  return tagged ? reader.readUVarint() > 0 : reader.readInt8() >= 0;
}

function readElement(state: DecodeState, field: FieldSchema, kind: ElementKind, compact: boolean): unknown {
  const reader = state.reader;
  switch (kind) {
    case 'bool':
      return reader.readBool();
    case 'int8':
      return reader.readInt8();
    case 'int16':
      return reader.readInt16();
    case 'uint16':
      return reader.readUInt16();
    case 'int32':
      return reader.readInt32();
    case 'uint32':
      return reader.readUInt32();
    case 'int64':
      return reader.readInt64();
    case 'float64':
      return reader.readFloat64();
    case 'uuid':
      return reader.readBytes(16);
    case 'string': {
      const at = reader.offset;
      const length = readLength(state, field, compact, false);
      if (length !== null && length > MAX_STRING_BYTES) fail(`has length ${length} at byte ${at}, more than Kafka's string limit of ${MAX_STRING_BYTES}`, at);
      return length === null ? null : reader.readUtf8(length);
    }
    case 'bytes':
    case 'records': {
      const length = readLength(state, field, compact, true);
      return length === null ? null : reader.readBytes(length);
    }
    case 'struct':
      return readStruct(state, field.fields ?? []);
  }
}

/** Reads a string, bytes or array length prefix; null means the wire said null (and the field allows it). */
function readLength(state: DecodeState, field: FieldSchema, compact: boolean, wide: boolean): number | null {
  const reader = state.reader;
  const at = reader.offset;
  let length: number;
  if (compact) length = reader.readUVarint() - 1;
  else length = wide ? reader.readInt32() : reader.readInt16();
  if (length === -1) {
    if (!isNullableIn(field, state.version)) fail(`is null (length -1 at byte ${at}) but not nullable in v${state.version}`, at);
    return null;
  }
  if (length < -1) fail(`has negative length ${length} at byte ${at}`, at);
  return length;
}

function readArray(state: DecodeState, field: FieldSchema, compact: boolean): unknown[] | null {
  const reader = state.reader;
  const countAt = reader.offset;
  const count = readLength(state, field, compact, true);
  if (count === null) return null;
  const elementKind = field.elementKind ?? 'struct';
  const minBytes = count * minElementSize(state, field, elementKind, compact);
  if (minBytes > reader.remaining) {
    fail(`has ${count} elements (count at byte ${countAt}) needing at least ${minBytes} bytes, but ${reader.remaining} remain`, countAt);
  }
  const elements: unknown[] = [];
  for (let i = 0; i < count; i++) {
    state.path.push(i);
    elements.push(readElement(state, field, elementKind, compact));
    state.path.pop();
  }
  return elements;
}

const FIXED_SIZES: Partial<Record<ElementKind, number>> = {
  bool: 1, int8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, float64: 8, uuid: 16,
};

/** What the size of an element depends on: the message version, and whether it is flexible. */
type SizeContext = Pick<DecodeState, 'version' | 'flexible'>;

function minElementSizeIn(version: number, flexible: boolean, field: FieldSchema, kind: ElementKind, compact: boolean): number {
  return minElementSize({ version, flexible }, field, kind, compact);
}

/** The fewest bytes one element can take, so a huge count fails before anything is allocated. */
function minElementSize(state: SizeContext, field: FieldSchema, kind: ElementKind, compact: boolean): number {
  if (kind !== 'struct') return FIXED_SIZES[kind] ?? (compact ? 1 : kind === 'string' ? 2 : 4);
  return Math.max(1, minStructSize(state, field.fields ?? []));
}

const minStructSizes = new WeakMap<readonly FieldSchema[], Map<number, number>>();

function minStructSize(state: SizeContext, fields: readonly FieldSchema[]): number {
  let byVersion = minStructSizes.get(fields);
  if (!byVersion) minStructSizes.set(fields, (byVersion = new Map()));
  const key = state.version * 2 + (state.flexible ? 1 : 0);
  let size = byVersion.get(key);
  if (size === undefined) {
    size = computeMinStructSize(state, fields);
    byVersion.set(key, size);
  }
  return size;
}

function computeMinStructSize(state: SizeContext, fields: readonly FieldSchema[]): number {
  let size = state.flexible ? 1 : 0;
  for (const field of fields) {
    if (!inVersions(field.versions, state.version) || isTaggedIn(field, state.version)) continue;
    const compact = usesCompactEncoding(field, state.version, state.flexible);
    if (field.kind === 'array') size += compact ? 1 : 4;
    else if (field.kind === 'struct') size += isNullableIn(field, state.version) ? 1 : minStructSize(state, field.fields ?? []);
    else size += minElementSize(state, field, field.kind, compact);
  }
  return size;
}
