// Query results as text: an aligned table, RFC 4180 CSV, or JSON lines.
import {
  DuckDBArrayValue, DuckDBBlobValue, DuckDBDateValue, DuckDBDecimalValue, DuckDBListValue, DuckDBMapValue, DuckDBStructValue,
  DuckDBTimestampMillisecondsValue, DuckDBTimestampNanosecondsValue, DuckDBTimestampSecondsValue, DuckDBTimestampTZValue,
  DuckDBTimestampValue, DuckDBUnionValue, DuckDBValue,
} from '@duckdb/node-api';

export type ResultFormat = 'table' | 'csv' | 'json';
export const RESULT_FORMATS: readonly ResultFormat[] = ['table', 'csv', 'json'];

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface ResultSet {
  columns: string[];
  rows: DuckDBValue[][];
}

/** A 64-bit (or wider) integer as a JSON number when it is exact as one, else as a decimal string. */
function integer(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
}

const MICROS_PER_MILLI = 1000n;

/** ISO 8601 from microseconds since the epoch: milliseconds shown, microseconds only when there are some. */
function isoFromMicros(micros: bigint, zoned: boolean): string {
  const millis = micros / MICROS_PER_MILLI - (micros % MICROS_PER_MILLI < 0n ? 1n : 0n);
  const extra = Number(micros - millis * MICROS_PER_MILLI);
  const date = new Date(Number(millis));
  if (Number.isNaN(date.getTime())) return String(micros); // ±infinity and beyond Date's range
  const iso = date.toISOString();
  const withMicros = extra === 0 ? iso : `${iso.slice(0, -1)}${String(extra).padStart(3, '0')}Z`;
  return zoned ? withMicros : withMicros.slice(0, -1);
}

function decimal(value: DuckDBDecimalValue): number | string {
  const text = value.toString();
  return text.replace(/^-|\./g, '').replace(/^0+/, '').length <= 15 ? Number(text) : text;
}

/** A DuckDB value as plain JSON: exact integers, ISO 8601 timestamps (Z for instants), base64 bytes, nested values kept nested. */
export function toJsonValue(value: DuckDBValue): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return integer(value);
  if (value instanceof DuckDBTimestampTZValue) return isoFromMicros(value.micros, true);
  if (value instanceof DuckDBTimestampValue) return isoFromMicros(value.micros, false);
  if (value instanceof DuckDBTimestampMillisecondsValue) return isoFromMicros(value.millis * 1000n, false);
  if (value instanceof DuckDBTimestampSecondsValue) return isoFromMicros(value.seconds * 1_000_000n, false);
  if (value instanceof DuckDBTimestampNanosecondsValue) return isoFromMicros(value.nanos / 1000n, false);
  if (value instanceof DuckDBDateValue) return value.toString();
  if (value instanceof DuckDBDecimalValue) return decimal(value);
  if (value instanceof DuckDBBlobValue) return Buffer.from(value.bytes).toString('base64');
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(toJsonValue);
  if (value instanceof DuckDBStructValue) return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, toJsonValue(v)]));
  if (value instanceof DuckDBMapValue) {
    if (value.entries.every((e) => typeof e.key === 'string')) return Object.fromEntries(value.entries.map((e) => [e.key as string, toJsonValue(e.value)]));
    return value.entries.map((e) => ({ key: toJsonValue(e.key), value: toJsonValue(e.value) }));
  }
  if (value instanceof DuckDBUnionValue) return toJsonValue(value.value);
  return value.toString(); // intervals, times, UUIDs, bits: DuckDB's own spelling
}

/** A value as one cell of text; null is returned as null so each format shows it its own way. */
function cellText(value: DuckDBValue): string | null {
  if (value === null) return null;
  if (value instanceof DuckDBBlobValue) return value.toString(); // DuckDB's \xNN escapes read better than base64 in a cell
  const json = toJsonValue(value);
  return typeof json === 'string' ? json : JSON.stringify(json);
}

export function formatJsonLines(result: ResultSet): string {
  return result.rows.map((row) => JSON.stringify(Object.fromEntries(result.columns.map((c, i) => [c, toJsonValue(row[i])])))).join('\n');
}

/** RFC 4180: CRLF line breaks; fields holding a comma, quote or line break are quoted, quotes doubled; null is an empty field. */
export function formatCsv(result: ResultSet): string {
  const field = (text: string | null): string => (text === null ? '' : /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const lines = [result.columns.map(field), ...result.rows.map((row) => row.map((v) => field(cellText(v))))];
  return lines.map((cells) => cells.join(',')).join('\r\n') + '\r\n';
}

/** Columns padded to their widest cell under a header and a rule; numbers right-aligned; NULL for null. */
export function formatTable(result: ResultSet): string {
  const cells = result.rows.map((row) => row.map((v) => (cellText(v) ?? 'NULL').replace(/\r?\n/g, '\\n')));
  const numeric = result.columns.map((_, i) => result.rows.length > 0 && result.rows.every((row) => row[i] === null || typeof row[i] === 'number' || typeof row[i] === 'bigint'));
  const widths = result.columns.map((name, i) => Math.max(name.length, ...cells.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((text, i) => (numeric[i] ? text.padStart(widths[i]) : text.padEnd(widths[i]))).join('  ').trimEnd();
  const footer = `(${result.rows.length} ${result.rows.length === 1 ? 'row' : 'rows'})`;
  return [line(result.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line), footer].join('\n');
}

export function formatResult(result: ResultSet, format: ResultFormat): string {
  switch (format) {
    case 'json': return formatJsonLines(result);
    case 'csv': return formatCsv(result);
    case 'table': return formatTable(result);
  }
}
