// avsc 5.7 repairs, applied through its typeHook when sluice builds Avro types (see createAvroType).
import * as avro from 'avsc';
import { firstInvalidUtf8Byte, InvalidUtf8Error } from './utf8';
import { MAX_EXACT_LONG } from './exact-long';

export type AvscSchema = Parameters<typeof avro.Type.forSchema>[0];
type AvroType = avro.Type;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

// Two repairs to avsc 5.7, made through its typeHook so everything else stays avsc's own code.
//
// Longs: avsc computes the zigzag form in float64, exact only down to -2^52 (and up to 2^53 - 2);
// below -2^52 it writes, and reads back, the wrong number without any error. ExactLongType takes
// an exact BigInt path for those values.
//
// Arrays and maps: avsc trusts a block's item count, so a few corrupt bytes claiming 2^31 items
// exhaust the heap. The guarded types treat a count the remaining bytes cannot hold as truncation,
// and a block that does not move forward (negative string lengths) as invalid.
//
// Strings: avsc decodes bytes that are not UTF-8 into U+FFFD, so the original bytes would be lost without a word.
// StrictStringType (and map keys) refuse them, naming the byte.
export { MAX_EXACT_LONG };
const MIN_FLOAT_SAFE_LONG = -(2 ** 52);
const MAX_ZERO_BYTE_ITEMS = 1_000_000;

interface AvscTap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
}

interface TypeInternals {
  _read(tap: AvscTap): unknown;
  _write(tap: AvscTap, value: unknown): void;
}

const internals = (type: AvroType) => type as unknown as TypeInternals;
const avscLong = avro.types.LongType.prototype as unknown as TypeInternals;

class ExactLongType extends avro.types.LongType {
  _write(tap: AvscTap, value: unknown): void {
    if (typeof value === 'number' && value < MIN_FLOAT_SAFE_LONG && value >= -MAX_EXACT_LONG && Number.isInteger(value)) {
      let zigzag = -BigInt(value) * 2n - 1n;
      for (; zigzag >= 0x80n; zigzag >>= 7n) tap.buf[tap.pos++] = Number(zigzag & 0x7fn) | 0x80;
      tap.buf[tap.pos++] = Number(zigzag);
    } else {
      avscLong._write.call(this, tap, value);
    }
  }

  _read(tap: AvscTap): unknown {
    const start = tap.pos;
    let value: unknown;
    try {
      value = avscLong._read.call(this, tap);
    } catch {
      value = NaN;
    }
    // Fewer than 8 bytes hold less than 2^49, which avsc's float path decodes exactly.
    if (tap.pos - start < 8 || tap.pos > tap.buf.length) return value;
    let zigzag = 0n;
    for (let i = tap.pos - 1; i >= start; i--) zigzag = (zigzag << 7n) | BigInt(tap.buf[i] & 0x7f);
    const exact = (zigzag >> 1n) ^ -(zigzag & 1n);
    if (exact > BigInt(MAX_EXACT_LONG) || exact < -BigInt(MAX_EXACT_LONG)) throw new Error('potential precision loss');
    return Number(exact);
  }
}

/** tap.readString, but bytes that are not UTF-8 are an error rather than U+FFFD. */
function readStrictString(tap: AvscTap): string | undefined {
  const start = tap.pos;
  const length = tap.readLong();
  if (length < 0) {
    tap.pos = start;
    return tap.readString(); // avsc's own handling of a negative length (readBlocks catches what it leads to)
  }
  const from = tap.pos;
  tap.pos += length;
  if (tap.pos > tap.buf.length) return undefined; // truncated: decode() reports it
  const bad = firstInvalidUtf8Byte(tap.buf, from, tap.pos);
  if (bad >= 0) throw new InvalidUtf8Error('a string', bad);
  return tap.buf.toString('utf8', from, tap.pos);
}

class StrictStringType extends avro.types.StringType {
  _read(tap: AvscTap): unknown {
    return readStrictString(tap);
  }
}

class GuardedArrayType extends avro.types.ArrayType {
  _read(tap: AvscTap): unknown[] {
    const items: unknown[] = [];
    readBlocks(tap, this.itemsType, () => items.push(internals(this.itemsType)._read(tap)));
    return items;
  }
}

class GuardedMapType extends avro.types.MapType {
  _read(tap: AvscTap): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    readBlocks(tap, this.valuesType as AvroType, () => {
      const key = readStrictString(tap) as string;
      values[key] = internals(this.valuesType as AvroType)._read(tap);
    }, 1);
    return values;
  }
}

const MIN_ENCODED_BYTES = new WeakMap<AvroType, number>();

function readBlocks(tap: AvscTap, itemType: AvroType, readItem: () => void, keyBytes = 0): void {
  let minItemBytes = MIN_ENCODED_BYTES.get(itemType);
  if (minItemBytes === undefined) MIN_ENCODED_BYTES.set(itemType, (minItemBytes = minEncodedBytes(itemType)));
  const itemBytes = keyBytes + minItemBytes;
  for (;;) {
    const blockStart = tap.pos;
    let count = tap.readLong();
    if (count === 0 || tap.pos > tap.buf.length) return;
    if (count < 0) {
      count = -count;
      tap.skipLong();
    }
    const room = tap.buf.length - tap.pos;
    if (count > (itemBytes > 0 ? room / itemBytes : MAX_ZERO_BYTE_ITEMS)) {
      tap.pos = tap.buf.length + 1; // what decode() reports as truncated
      return;
    }
    for (let i = 0; i < count; i++) readItem();
    if (tap.pos <= blockStart) throw new Error('an array or map block ends before it starts');
  }
}

function minEncodedBytes(type: AvroType, seen = new Set<AvroType>()): number {
  switch (type.typeName) {
    case 'null':
      return 0;
    case 'float':
      return 4;
    case 'double':
      return 8;
    case 'fixed':
      return (type as avro.types.FixedType).size;
    case 'record':
    case 'error': {
      if (seen.has(type)) return 0;
      seen.add(type);
      return (type as avro.types.RecordType).fields.reduce((sum, field) => sum + minEncodedBytes(field.type, seen), 0);
    }
    default:
      return 1;
  }
}

const EXACT_LONG = new ExactLongType();
const STRICT_STRING = new StrictStringType();

export function hardenedTypeHook(schema: unknown, opts: unknown): AvroType | undefined {
  if (schema === 'long') return EXACT_LONG;
  if (schema === 'string') return STRICT_STRING;
  if (!isPlainObject(schema)) return undefined;
  if (schema.type === 'long') return EXACT_LONG;
  if (schema.type === 'string' && schema.logicalType === undefined) return STRICT_STRING;
  if (schema.type === 'array') return new GuardedArrayType(schema as AvscSchema, opts);
  if (schema.type === 'map') return new GuardedMapType(schema as AvscSchema, opts);
  return undefined;
}
