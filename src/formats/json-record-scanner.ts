// The load's JSON fast path: one pass over a value's bytes that finds each schema field's value and checks it,
// without building a JS object. It is conservative: it accepts only values the per-record path (JSON.parse, the
// schema check) accepts with the very same field values, and that DuckDB's JSON reader reads as the same values.
// Anything else (escaped keys, missing or repeated fields, exponents, -0, surrogate escapes, newlines between tokens,
// nested values of unknown keys deeper than MAX_SKIP_DEPTH) answers false, and the record takes the per-record
// path, which decides whether it is good and, if not, why.
import type { FlatJsonSchema } from './flat-json-schema';
import { hexValue, scanDecimal, skipWhitespace } from './json-tokens';

/** What a field's span holds. */
export const SPAN_NULL = 1;
export const SPAN_VALUE = 2;
/** A string with backslash escapes: its bytes are not its UTF-8. */
export const SPAN_ESCAPED = 4;

const MAX_SKIP_DEPTH = 32;
/** Digits of an integer that always parses exactly (and inside avsc's ±9007199254740990 for longs). */
const MAX_INTEGER_DIGITS = 15;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export class JsonRecordScanner {
  /** Per schema field, the value's bytes: a string's between its quotes, other values whole. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly flags: Uint8Array;
  /** Numbers, booleans (1/0) and enum indexes, per field. */
  readonly numbers: Float64Array;
  /** The bytes of the value last scanned, and where its object's braces are. */
  bytes: Buffer = Buffer.alloc(0);
  /** Where the value last scanned lies in `bytes`. */
  start = 0;
  end = 0;
  /** Whether a string or key of the value last scanned holds a byte ≥ 0x80 (then its UTF-8 is to be checked). */
  nonAscii = false;
  objectStart = 0;
  objectEnd = 0;
  private escapedString = false;
  /** Whether every field name is plain ASCII (Avro names are), so that a key with the same bytes needs no check of its own. */
  private readonly plainNames: boolean;

  constructor(readonly schema: FlatJsonSchema) {
    const count = schema.fields.length;
    this.starts = new Int32Array(count);
    this.ends = new Int32Array(count);
    this.flags = new Uint8Array(count);
    this.numbers = new Float64Array(count);
    this.plainNames = schema.fields.every((f) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(f.name));
  }

  /**
   * Whether `b` from `start` to `end` (by default the whole of it) is one JSON object holding every schema field
   * once, each value of its type. It may lie inside larger bytes (a fetched batch): reading may run past `end` only
   * on a value that is then refused, as every byte read on the way to true is before the object's closing brace.
   * A true answer says nothing of UTF-8 where `nonAscii` is set: the caller checks those bytes.
   */
  scan(b: Buffer, start = 0, end = b.length): boolean {
    const { fields } = this.schema;
    this.flags.fill(0);
    this.bytes = b;
    this.start = start;
    this.end = end;
    this.nonAscii = false;
    let i = skipWhitespace(b, start);
    if (b[i] !== 0x7b) return false;
    this.objectStart = i;
    i = skipWhitespace(b, i + 1);
    let seen = 0;
    let hint = 0;
    for (;;) {
      if (b[i] !== QUOTE) return false;
      const keyStart = i + 1;
      // Most values hold the fields in the schema's order: the next one's name is tried first, in the same pass.
      let k = hint < fields.length && this.plainNames ? this.nameAt(b, keyStart, hint) : -1;
      let field = hint;
      if (k < 0) {
        k = keyStart;
        let seenBits = 0;
        for (let c = b[k]; c !== QUOTE; c = b[++k]) {
          if (c === BACKSLASH || !(c >= 0x20)) return false;
          seenBits |= c;
        }
        if (seenBits & 0x80) this.nonAscii = true;
        field = this.fieldNamed(b, keyStart, k, hint);
      }
      i = skipWhitespace(b, k + 1);
      if (b[i] !== 0x3a) return false;
      i = skipWhitespace(b, i + 1);
      if (field < 0) {
        // The NDJSON line would hold the key twice, and DuckDB might not take the metadata's value as avsc does.
        if (this.isMetadataName(b, keyStart, k)) return false;
        i = this.skipValue(b, i, 0);
      } else {
        if (this.flags[field] !== 0) return false;
        i = this.scanField(b, i, field);
        seen++;
        hint = field + 1;
      }
      if (i < 0) return false;
      i = skipWhitespace(b, i);
      if (b[i] === 0x2c) {
        i = skipWhitespace(b, i + 1);
        continue;
      }
      if (b[i] !== 0x7d) return false;
      break;
    }
    this.objectEnd = i;
    let after = i + 1;
    while (after < end && (b[after] === 0x20 || b[after] === 0x09)) after++;
    return after === end && seen === fields.length;
  }

  /** A field's value as JSON.parse gives it. */
  valueAt(field: number): unknown {
    const flags = this.flags[field];
    if (flags & SPAN_NULL) return null;
    const { kind } = this.schema.fields[field];
    if (kind === 'string' || kind === 'enum') return this.stringAt(field);
    return kind === 'boolean' ? this.numbers[field] === 1 : this.numbers[field];
  }

  stringAt(field: number): string {
    const start = this.starts[field];
    const end = this.ends[field];
    return this.flags[field] & SPAN_ESCAPED ? (JSON.parse(this.bytes.toString('utf8', start - 1, end + 1)) as string) : this.bytes.toString('utf8', start, end);
  }

  /** The record's event time as the per-record path reads it, or NaN when the time field cannot give one. */
  eventTime(): number {
    const { timeField, timeUnit } = this.schema;
    if (this.flags[timeField] & SPAN_NULL) return NaN;
    if (timeUnit === 'iso') return this.schema.fields[timeField].kind === 'string' ? Date.parse(this.stringAt(timeField)) : NaN;
    const raw = this.numbers[timeField];
    return timeUnit === 'micros' ? Math.floor(raw / 1000) : raw;
  }

  /** Where the key at `start` ends (its closing quote) if it is field `f`'s name, or -1. */
  private nameAt(b: Buffer, start: number, f: number): number {
    const name = this.schema.fields[f].nameBytes;
    const length = name.length;
    let k = 0;
    while (k < length && name[k] === b[start + k]) k++;
    return k === length && b[start + k] === QUOTE ? start + k : -1;
  }

  private fieldNamed(b: Buffer, start: number, end: number, hint: number): number {
    const { fields } = this.schema;
    const length = end - start;
    for (let n = 0; n < fields.length; n++) {
      const f = (hint + n) % fields.length;
      const name = fields[f].nameBytes;
      if (name.length !== length) continue;
      let k = 0;
      while (k < length && name[k] === b[start + k]) k++;
      if (k === length) return f;
    }
    return -1;
  }

  /** Scans field `f`'s value at `i`; the index after it, or -1. */
  private scanField(b: Buffer, i: number, f: number): number {
    const field = this.schema.fields[f];
    if (b[i] === 0x6e) {
      if (!field.nullable || b[i + 1] !== 0x75 || b[i + 2] !== 0x6c || b[i + 3] !== 0x6c) return -1;
      this.flags[f] = SPAN_NULL;
      return i + 4;
    }
    let end: number;
    switch (field.kind) {
      case 'string':
      case 'enum': {
        if (b[i] !== QUOTE) return -1;
        end = this.scanString(b, i);
        if (end < 0) return -1;
        this.starts[f] = i + 1;
        this.ends[f] = end - 1;
        this.flags[f] = this.escapedString ? SPAN_VALUE | SPAN_ESCAPED : SPAN_VALUE;
        if (field.kind === 'enum') {
          const symbol = this.escapedString ? -1 : this.symbolIndex(field.symbols, b, i + 1, end - 1);
          if (symbol < 0) return -1;
          this.numbers[f] = symbol;
        }
        return end;
      }
      case 'int':
      case 'long': {
        end = this.scanInteger(b, i, f);
        if (end < 0) return -1;
        const value = this.numbers[f];
        if (field.kind === 'int' && (value > 2147483647 || value < -2147483648)) return -1;
        break;
      }
      case 'float':
      case 'double': {
        end = scanDecimal(b, i);
        if (end < 0) return -1;
        const value = Number(b.toString('latin1', i, end));
        // DuckDB reads -0 as +0; JSON.parse keeps the sign. A float that rounds to infinity: DuckDB refuses it.
        if ((value === 0 && b[i] === 0x2d) || (field.kind === 'float' && !Number.isFinite(Math.fround(value)))) return -1;
        this.numbers[f] = value;
        break;
      }
      case 'boolean':
        if (b[i] === 0x74 && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) {
          this.numbers[f] = 1;
          end = i + 4;
        } else if (b[i] === 0x66 && b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65) {
          this.numbers[f] = 0;
          end = i + 5;
        } else {
          return -1;
        }
        break;
    }
    this.starts[f] = i;
    this.ends[f] = end;
    this.flags[f] = SPAN_VALUE;
    return end;
  }

  private isMetadataName(b: Buffer, start: number, end: number): boolean {
    return this.symbolIndex(this.schema.metadataNames, b, start, end) >= 0;
  }

  private symbolIndex(symbols: Buffer[], b: Buffer, start: number, end: number): number {
    for (let s = 0; s < symbols.length; s++) {
      const symbol = symbols[s];
      if (symbol.length !== end - start) continue;
      let k = 0;
      while (k < symbol.length && symbol[k] === b[start + k]) k++;
      if (k === symbol.length) return s;
    }
    return -1;
  }

  /** A string at `i` (its opening quote): the index after its closing quote, or -1; sets escapedString. */
  private scanString(b: Buffer, i: number): number {
    let j = i + 1;
    this.escapedString = false;
    let seenBits = 0;
    for (;;) {
      const c = b[j];
      if (c === QUOTE) {
        if (seenBits & 0x80) this.nonAscii = true;
        return j + 1;
      }
      seenBits |= c;
      if (!(c >= 0x20)) return -1; // a control character, or the end of the bytes
      if (c === BACKSLASH) {
        this.escapedString = true;
        const e = b[j + 1];
        if (e === 0x75) {
          let code = 0;
          for (let h = 2; h < 6; h++) {
            const digit = hexValue(b[j + h]);
            if (digit < 0) return -1;
            code = code * 16 + digit;
          }
          // Surrogates, paired or not: DuckDB refuses a lone one that JSON.parse takes.
          if (code >= 0xd800 && code <= 0xdfff) return -1;
          j += 6;
          continue;
        }
        if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          j += 2;
          continue;
        }
        return -1;
      }
      j++;
    }
  }

  /** An integer without fraction or exponent, of at most 15 digits, into numbers[f]. */
  private scanInteger(b: Buffer, i: number, f: number): number {
    let j = i;
    const negative = b[j] === 0x2d;
    if (negative) j++;
    const first = j;
    if (b[j] === 0x30) j++;
    else if (b[j] >= 0x31 && b[j] <= 0x39) while (b[j] >= 0x30 && b[j] <= 0x39) j++;
    else return -1;
    const next = b[j];
    if (next === 0x2e || next === 0x65 || next === 0x45 || j - first > MAX_INTEGER_DIGITS) return -1;
    let value = 0;
    for (let k = first; k < j; k++) value = value * 10 + (b[k] - 0x30);
    this.numbers[f] = negative ? -value : value;
    return j;
  }

  /** Checks and passes over the value of a key the schema does not have (DuckDB ignores it, as avsc does). */
  private skipValue(b: Buffer, i: number, depth: number): number {
    const c = b[i];
    if (c === QUOTE) return this.scanString(b, i);
    if (c === 0x7b || c === 0x5b) {
      if (depth >= MAX_SKIP_DEPTH) return -1;
      const close = c === 0x7b ? 0x7d : 0x5d;
      let j = skipWhitespace(b, i + 1);
      if (b[j] === close) return j + 1;
      for (;;) {
        if (c === 0x7b) {
          if (b[j] !== QUOTE) return -1;
          j = this.scanString(b, j);
          if (j < 0) return -1;
          j = skipWhitespace(b, j);
          if (b[j] !== 0x3a) return -1;
          j = skipWhitespace(b, j + 1);
        }
        j = this.skipValue(b, j, depth + 1);
        if (j < 0) return -1;
        j = skipWhitespace(b, j);
        if (b[j] === close) return j + 1;
        if (b[j] !== 0x2c) return -1;
        j = skipWhitespace(b, j + 1);
      }
    }
    if (c === 0x74) return b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65 ? i + 4 : -1;
    if (c === 0x66) return b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65 ? i + 5 : -1;
    if (c === 0x6e) return b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c ? i + 4 : -1;
    return scanDecimal(b, i);
  }
}
