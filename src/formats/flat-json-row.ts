// A JSON value the fast path has scanned, with its Kafka metadata, and how it is written: as Avro binary straight
// from its bytes, or as a line of NDJSON for DuckDB's JSON reader. The bytes are those avsc writes for the record
// JSON.parse and the schema check would give (test/formats/flat-json-row.test.ts compares them).
import { JsonRecordScanner, SPAN_ESCAPED, SPAN_NULL } from './json-record-scanner';

export interface KafkaMetadata {
  partition: number;
  offset: number;
  timestamp: number;
  /** The key's bytes (checked UTF-8), or null. */
  key: Buffer | null;
}

/** The scanner holds the value's spans until the next scan: a writer takes the row before the loader scans on. */
export interface ScannedJsonRow {
  scanner: JsonRecordScanner;
  metadata: KafkaMetadata;
}

/** More bytes than the row's Avro encoding can take. */
export function avroBoundOf(row: ScannedJsonRow): number {
  const { scanner, metadata } = row;
  return scanner.end - scanner.start + 16 * scanner.schema.fields.length + 48 + (metadata.key?.length ?? 0);
}

/**
 * Writes `value` as an Avro long (zigzag varint); exact for safe integers. In 32-bit integer arithmetic: the low 28
 * bits of a larger value first (a millisecond timestamp has 41), as `%` on a double is a call to fmod.
 */
function writeLong(buf: Buffer, pos: number, value: number): number {
  let n = value >= 0 ? value * 2 : -value * 2 - 1;
  if (n >= 0x10000000) {
    const high = Math.floor(n / 0x10000000);
    const low = n - high * 0x10000000;
    buf[pos++] = (low & 0x7f) | 0x80;
    buf[pos++] = ((low >>> 7) & 0x7f) | 0x80;
    buf[pos++] = ((low >>> 14) & 0x7f) | 0x80;
    buf[pos++] = ((low >>> 21) & 0x7f) | 0x80;
    n = high;
  }
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[pos++] = n;
  return pos;
}

/** Buffer.copy costs more than the copy itself for the short strings of a record. */
function copyBytes(from: Buffer, start: number, end: number, to: Buffer, pos: number): number {
  if (end - start > 64) return pos + from.copy(to, pos, start, end);
  for (let i = start; i < end; i++) to[pos++] = from[i];
  return pos;
}

/** The row's Avro binary encoding at `pos` in `buf` (which has avroBoundOf(row) bytes free there); the end. */
export function encodeAvro(row: ScannedJsonRow, buf: Buffer, pos: number): number {
  const { scanner, metadata } = row;
  const { fields } = scanner.schema;
  const { flags, numbers, starts, ends } = scanner;
  const bytes = scanner.bytes;
  for (let f = 0; f < fields.length; f++) {
    const field = fields[f];
    if (field.nullable) {
      if (flags[f] & SPAN_NULL) {
        buf[pos++] = field.nullBranch * 2;
        continue;
      }
      buf[pos++] = field.valueBranch * 2;
    }
    switch (field.kind) {
      case 'string':
        if (flags[f] & SPAN_ESCAPED) {
          const text = scanner.stringAt(f);
          const length = Buffer.byteLength(text);
          pos = writeLong(buf, pos, length);
          pos += buf.write(text, pos, length, 'utf8');
        } else {
          pos = writeLong(buf, pos, ends[f] - starts[f]);
          pos = copyBytes(bytes, starts[f], ends[f], buf, pos);
        }
        break;
      case 'int':
      case 'long':
      case 'enum':
        pos = writeLong(buf, pos, numbers[f]);
        break;
      case 'float':
        pos = buf.writeFloatLE(numbers[f], pos);
        break;
      case 'double':
        pos = buf.writeDoubleLE(numbers[f], pos);
        break;
      case 'boolean':
        buf[pos++] = numbers[f];
        break;
    }
  }
  for (const column of scanner.schema.metadata) {
    if (column === 'partition') pos = writeLong(buf, pos, metadata.partition);
    else if (column === 'offset') pos = writeLong(buf, pos, metadata.offset);
    else if (column === 'timestamp') pos = writeLong(buf, pos, metadata.timestamp);
    else if (metadata.key === null) buf[pos++] = 0;
    else {
      buf[pos++] = 2;
      pos = writeLong(buf, pos, metadata.key.length);
      pos = copyBytes(metadata.key, 0, metadata.key.length, buf, pos);
    }
  }
  return pos;
}

const METADATA_NAMES = { partition: '"_kafka_partition":', offset: '"_kafka_offset":', timestamp: '"_kafka_timestamp":', key: '"_kafka_key":' } as const;

/** Whether a key's bytes can stand between JSON quotes as they are (no quote, backslash or control character). */
function plainJsonString(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x22 || c === 0x5c || c < 0x20) return false;
  }
  return true;
}

/**
 * The row as one NDJSON line: the value's own bytes, its metadata fields put first inside its braces (DuckDB
 * matches keys by name). The scanner refused values with newlines, so the line has none but its last.
 */
export function ndjsonParts(row: ScannedJsonRow): (Buffer | string)[] {
  const { scanner, metadata } = row;
  const { objectStart, objectEnd, bytes } = scanner;
  if (scanner.schema.metadata.length === 0) return [bytes.subarray(objectStart, objectEnd + 1), '\n'];
  let prefix = '{';
  const parts: (Buffer | string)[] = [];
  for (const column of scanner.schema.metadata) {
    prefix += METADATA_NAMES[column];
    if (column === 'key') {
      const key = metadata.key;
      if (key === null) prefix += 'null,';
      else if (plainJsonString(key)) {
        parts.push(`${prefix}"`, key);
        prefix = '",';
      } else prefix += `${JSON.stringify(key.toString('utf8'))},`;
    } else {
      prefix += `${metadata[column]},`;
    }
  }
  parts.push(prefix, bytes.subarray(objectStart + 1, objectEnd + 1), '\n');
  return parts;
}
