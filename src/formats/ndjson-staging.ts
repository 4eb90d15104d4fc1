// The rows of one Parquet file staged as NDJSON for DuckDB's read_ndjson: fast-path rows as the value's own bytes,
// records from the per-record path serialized so that DuckDB reads back the values the appender would have stored.
import * as fs from 'node:fs';
import type { Column } from './avro-to-parquet';
import { duckdbTypeSql, quoteIdentifier, TimeUnit } from './avro-to-parquet';
import { PendingCopy } from './pending-copy';
import { ndjsonParts, ScannedJsonRow } from './flat-json-row';
import type { AvroRecord } from './record-file-writer';
import { outputExpression } from './parquet-file-writer';
import { stagingTypeSql } from './duckdb-values';

const BUFFER_BYTES = 1 << 20;
const NEWLINE = Buffer.from('\n');
/** DuckDB's JSON reader reads in buffers of twice this (its default, 16 MB, cost 2 x 32 MB per worker's DuckDB). */
const MINIMUM_MAXIMUM_OBJECT_SIZE = 1 << 20;

/** Node 20 has String.prototype.toWellFormed; the ES2022 lib does not declare it. */
type WellFormable = string & { toWellFormed(): string };

/** Whether every column is one a flat JSON row stages (the metadata columns included). */
export function stagesAsNdjson(columns: readonly Column[]): boolean {
  const flat = new Set(['INTEGER', 'BIGINT', 'FLOAT', 'DOUBLE', 'BOOLEAN', 'VARCHAR', 'DATE', 'TIMESTAMPTZ', 'TIMESTAMP']);
  return columns.every((c) => flat.has(c.type.kind));
}

/** A double as DuckDB's JSON reader must see it: -0 and the infinities as the strings DuckDB casts from. */
function doubleJson(value: number): string {
  if (Number.isFinite(value)) return Object.is(value, -0) ? '"-0.0"' : String(value);
  return Number.isNaN(value) ? '"nan"' : value > 0 ? '"inf"' : '"-inf"';
}

function valueJson(column: Column, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (column.type.kind) {
    case 'VARCHAR':
      // The appender turns a lone surrogate into U+FFFD (UTF-8 conversion); DuckDB's JSON reader would refuse it.
      return JSON.stringify((value as WellFormable).toWellFormed());
    case 'BOOLEAN':
      return value ? 'true' : 'false';
    case 'FLOAT':
      return doubleJson(Math.fround(value as number));
    case 'DOUBLE':
      return doubleJson(value as number);
    default:
      return String(value as number);
  }
}

export class NdjsonStaging {
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  /** Lines addLine() counted in the buffer but has not copied there yet. */
  private readonly pending = new PendingCopy();
  private written = 0;
  private longestLine = 0;
  private fd: number | undefined;
  private readonly keys: string[];

  constructor(readonly path: string, private readonly columns: readonly Column[]) {
    this.fd = fs.openSync(path, 'w');
    this.keys = columns.map((c) => `${JSON.stringify(c.name)}:`);
  }

  addRow(row: ScannedJsonRow): void {
    const { scanner } = row;
    if (scanner.schema.metadata.length === 0) {
      this.putLine(scanner.bytes, scanner.objectStart, scanner.objectEnd + 1);
      return;
    }
    const before = this.written + this.used;
    for (const part of ndjsonParts(row)) this.put(part);
    this.longestLine = Math.max(this.longestLine, this.written + this.used - before);
  }

  /**
   * `bytes[start, end)`, one whole line, newline included. `bytes` must not change afterwards: lines that follow each
   * other there are copied in one go, when the next line is elsewhere or the buffer is written out.
   */
  addLine(bytes: Buffer, start: number, end: number): void {
    const length = end - start;
    if (length > this.longestLine) this.longestLine = length;
    if (this.used + length > BUFFER_BYTES) {
      this.flush();
      if (length > BUFFER_BYTES) {
        this.writeOut(bytes.subarray(start, end));
        return;
      }
    }
    this.pending.add(bytes, start, end, this.used, this.buffer);
    this.used += length;
  }

  /** A record of the per-record path (metadata columns included), as one line. */
  addRecord(record: AvroRecord): void {
    let line = '{';
    for (let c = 0; c < this.columns.length; c++) {
      const column = this.columns[c];
      line += `${c === 0 ? '' : ','}${this.keys[c]}${valueJson(column, record[column.name])}`;
    }
    const before = this.written + this.used;
    this.put(`${line}}\n`);
    this.longestLine = Math.max(this.longestLine, this.written + this.used - before);
  }

  /** Everything written reaches the file, which is then closed. */
  finish(): void {
    this.flush();
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  remove(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    fs.rmSync(this.path, { force: true });
  }

  /** The SELECT list and source of a COPY from the staged rows (once they are all written). */
  selectSql(unit: TimeUnit): string {
    const staged = this.columns.map((c) => `${quoteIdentifier(c.name)}: '${c.type.kind === 'FLOAT' ? 'DOUBLE' : stagingTypeSql(c.type)}'`).join(', ');
    const select = this.columns.map((c) => (c.type.kind === 'FLOAT' ? `CAST(${quoteIdentifier(c.name)} AS ${duckdbTypeSql(c.type)}) AS ${quoteIdentifier(c.name)}` : outputExpression(c, unit)));
    const file = `'${this.path.replace(/'/g, "''")}'`;
    const maximum = Math.max(MINIMUM_MAXIMUM_OBJECT_SIZE, this.longestLine + 1);
    return `SELECT ${select.join(', ')} FROM read_ndjson(${file}, columns = {${staged}}, auto_detect = false, maximum_object_size = ${maximum})`;
  }

  /** `bytes[start, end)` and a newline, as one line: no array of parts, no string (the common case of no metadata columns). */
  private putLine(bytes: Buffer, start: number, end: number): void {
    const length = end - start;
    this.longestLine = Math.max(this.longestLine, length + 1);
    if (this.used + length + 1 > BUFFER_BYTES) this.flush();
    if (length + 1 > BUFFER_BYTES) {
      this.writeOut(bytes.subarray(start, end));
      this.writeOut(NEWLINE);
      return;
    }
    const buffer = this.buffer;
    let pos = this.used;
    if (length > 64) pos += bytes.copy(buffer, pos, start, end);
    else for (let i = start; i < end; i++) buffer[pos++] = bytes[i];
    buffer[pos++] = 0x0a;
    this.used = pos;
  }

  private put(part: Buffer | string): void {
    const length = typeof part === 'string' ? Buffer.byteLength(part) : part.length;
    if (this.used + length > BUFFER_BYTES) this.flush();
    if (length > BUFFER_BYTES) {
      this.writeOut(typeof part === 'string' ? Buffer.from(part) : part);
      return;
    }
    this.used += typeof part === 'string' ? this.buffer.write(part, this.used) : part.copy(this.buffer, this.used);
  }

  private flush(): void {
    this.pending.copyInto(this.buffer);
    if (this.used === 0) return;
    this.writeOut(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private writeOut(bytes: Buffer): void {
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(this.fd as number, bytes, done);
    this.written += bytes.length;
  }
}
