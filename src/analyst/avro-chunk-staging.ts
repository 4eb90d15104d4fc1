// Stages an Avro file whose writer schema is the table's through the column decoder (avro-column-decoder.ts):
// records go straight into typed arrays, a DuckDB data chunk of 2048 rows at a time, handed to the appender whole
// (numbers copied in one call per column; strings and bytes one call per value, from the block's bytes, no JS
// string made). Inflating stays synchronous: zlib's async form costs more in streams and garbage than it saves on
// two cores, and the worker pool (avro-decode-pool.ts) already spreads large selections.
import * as zlib from 'node:zlib';
import { isUtf8 } from 'node:buffer';
import duckdb from '@duckdb/node-bindings';
import { BIGINT, BLOB, BOOLEAN, DOUBLE, DuckDBAppender, DuckDBDataChunk, DuckDBType, FLOAT, INTEGER, VARCHAR } from '@duckdb/node-api';
import type { Column } from '../formats/avro-to-parquet';
import { MAX_EXACT_LONG } from '../formats/avsc-hardening';
import type { AvroContainer, StoredBlock } from './avro-container-reader';
import { ColumnDecodeFault, ColumnRead, FieldStep, FlatKind, varintEnd, zigzagAt } from './avro-column-decoder';

const CHUNK_ROWS = 2048;
/** The largest millisecond count whose microseconds fit in 64 bits (as duckdb-values.ts checks). */
const MAX_EPOCH_MILLIS = 9_223_372_036_854_775;
const TWO_POW_32 = 4294967296;

const DUCKDB_TYPE: Record<FlatKind, DuckDBType> = { int: INTEGER, long: BIGINT, float: FLOAT, double: DOUBLE, boolean: BOOLEAN, string: VARCHAR, bytes: BLOB };

type Values = Int32Array | Float32Array | Float64Array | Uint8Array;

interface ColumnBuffer {
  read: ColumnRead;
  values: Values;
  /** Strings and bytes: each row's value as start and end in `rowData[row]`. */
  starts: Int32Array;
  ends: Int32Array;
  validity: Uint8Array;
  nulls: number;
}

/** The staged rows of one file, as chunks ready for the appender; ColumnDecodeFault when a record is not as planned. */
export function decodeFileToChunks(container: AvroContainer, steps: FieldStep[], columns: readonly Column[], fileIndex: number): DuckDBDataChunk[] {
  const blocks = [...container.blocks()];
  const reads = steps.flatMap((s) => ('read' in s ? [s.read] : []));
  const types = [...reads.sort((a, b) => a.column - b.column).map((r) => DUCKDB_TYPE[r.kind]), INTEGER];
  if (types.length !== columns.length + 1) throw new ColumnDecodeFault('the plan does not cover every column');
  const chunks: DuckDBDataChunk[] = [];
  const buffers = reads.map(newBuffer);
  const rowData: Buffer[] = new Array(CHUNK_ROWS);
  let row = 0;
  const finish = () => {
    chunks.push(toChunk(types, buffers, rowData, row, fileIndex));
    for (const b of buffers) {
      b.validity.fill(0xff);
      b.nulls = 0;
    }
    row = 0;
  };
  for (const block of blocks) {
    const data = inflated(container, block);
    let pos = 0;
    for (let r = 0; r < block.count; r++) {
      rowData[row] = data;
      for (const step of steps) {
        if ('skip' in step) pos = step.skip(data, pos);
        else pos = readValue(step.read, buffers[step.read.column], data, pos, row);
      }
      if (pos > data.length) throw new ColumnDecodeFault('truncated');
      if (++row === CHUNK_ROWS) finish();
    }
    if (pos !== data.length) throw new ColumnDecodeFault('bytes after the block\'s records');
  }
  if (row > 0) finish();
  return chunks;
}

function inflated(container: AvroContainer, block: StoredBlock): Buffer {
  if (container.codec !== 'deflate') return container.decompress(block.stored);
  // One output chunk the size of most blocks' records: zlib's default (16 KiB) pieces would be copied together.
  const options = { chunkSize: Math.max(64 * 1024, block.stored.length * 8) };
  return zlib.inflateRawSync(block.stored, options);
}

function newBuffer(read: ColumnRead): ColumnBuffer {
  const values = read.kind === 'int' ? new Int32Array(CHUNK_ROWS) : read.kind === 'long' ? new Int32Array(2 * CHUNK_ROWS)
    : read.kind === 'float' ? new Float32Array(CHUNK_ROWS) : read.kind === 'double' ? new Float64Array(CHUNK_ROWS) : new Uint8Array(CHUNK_ROWS);
  const sized = read.kind === 'string' || read.kind === 'bytes';
  return { read, values, starts: new Int32Array(sized ? CHUNK_ROWS : 0), ends: new Int32Array(sized ? CHUNK_ROWS : 0), validity: new Uint8Array(CHUNK_ROWS / 8).fill(0xff), nulls: 0 };
}

function readValue(read: ColumnRead, buffer: ColumnBuffer, data: Buffer, pos: number, row: number): number {
  if (read.nullBranch !== null) {
    const branch = data[pos++];
    if (branch === read.nullBranch * 2) {
      buffer.validity[row >> 3] &= ~(1 << (row & 7));
      buffer.nulls++;
      return pos;
    }
    if (branch !== (1 - read.nullBranch) * 2) throw new ColumnDecodeFault('union branch index does not exist');
  }
  switch (read.kind) {
    case 'int': {
      const value = zigzagAt(data, pos);
      if ((value | 0) !== value) throw new ColumnDecodeFault('an int outside 32 bits');
      buffer.values[row] = value;
      return varintEnd;
    }
    case 'long': {
      const value = zigzagAt(data, pos);
      if (value > MAX_EXACT_LONG || value < -MAX_EXACT_LONG) throw new ColumnDecodeFault('a long past the exact range');
      if (read.millis && (value > MAX_EPOCH_MILLIS || value < -MAX_EPOCH_MILLIS)) throw new ColumnDecodeFault('epoch milliseconds out of range');
      const high = Math.floor(value / TWO_POW_32);
      buffer.values[2 * row] = (value - high * TWO_POW_32) | 0;
      buffer.values[2 * row + 1] = high | 0;
      return varintEnd;
    }
    case 'float':
      buffer.values[row] = data.readFloatLE(pos);
      return pos + 4;
    case 'double':
      buffer.values[row] = data.readDoubleLE(pos);
      return pos + 8;
    case 'boolean': {
      const value = data[pos];
      if (value !== 0 && value !== 1) throw new ColumnDecodeFault('a boolean byte is neither 0 nor 1');
      buffer.values[row] = value;
      return pos + 1;
    }
    default: {
      const length = zigzagAt(data, pos);
      const start = varintEnd;
      if (length < 0 || start + length > data.length) throw new ColumnDecodeFault('truncated');
      buffer.starts[row] = start;
      buffer.ends[row] = start + length;
      return start + length;
    }
  }
}

function toChunk(types: DuckDBType[], buffers: ColumnBuffer[], rowData: Buffer[], rows: number, fileIndex: number): DuckDBDataChunk {
  const chunk = DuckDBDataChunk.create(types, rows);
  for (const buffer of buffers) {
    const vector = duckdb.data_chunk_get_vector(chunk.chunk, buffer.read.column);
    const { kind } = buffer.read;
    if (kind === 'string' || kind === 'bytes') {
      copyStrings(vector, buffer, rowData, rows, kind === 'string');
    } else {
      const { values } = buffer;
      const bytes = kind === 'long' || kind === 'double' ? 8 : kind === 'boolean' ? 1 : 4;
      duckdb.copy_data_to_vector(vector, 0, values.buffer as ArrayBuffer, values.byteOffset, rows * bytes);
    }
    if (buffer.nulls > 0) {
      duckdb.vector_ensure_validity_writable(vector);
      duckdb.copy_data_to_vector_validity(vector, 0, buffer.validity.buffer as ArrayBuffer, 0, Math.ceil(rows / 64) * 8);
    }
  }
  const files = new Int32Array(rows).fill(fileIndex);
  duckdb.copy_data_to_vector(duckdb.data_chunk_get_vector(chunk.chunk, types.length - 1), 0, files.buffer, 0, rows * 4);
  return chunk;
}

/** DuckDB's string_t: a 4-byte length, then the bytes themselves up to 12, else a prefix and a pointer. */
const STRING_T = 16;
const INLINE_BYTES = 12;
const scratch = new Uint8Array(4096);
/** Views of `scratch`'s first n bytes by n: handing DuckDB a longer value makes no object per value. */
const scratchViews: Uint8Array[] = [];

/**
 * Short values are written into the vector's string_t slots in one copy; longer ones one call each. Strings are
 * checked to be UTF-8 (ASCII in the loop, others by isUtf8), as DuckDB's assignment does not check them.
 */
function copyStrings(vector: duckdb.Vector, buffer: ColumnBuffer, rowData: Buffer[], rows: number, utf8: boolean): void {
  const slots = new Uint8Array(rows * STRING_T);
  const lengths = new DataView(slots.buffer);
  const { validity, starts, ends } = buffer;
  const long: number[] = [];
  for (let row = 0; row < rows; row++) {
    if ((validity[row >> 3] & (1 << (row & 7))) === 0) continue;
    const start = starts[row];
    const length = ends[row] - start;
    if (length > INLINE_BYTES) {
      long.push(row);
      continue;
    }
    const data = rowData[row];
    const at = row * STRING_T;
    lengths.setUint32(at, length, true);
    let high = 0;
    for (let i = 0; i < length; i++) high |= slots[at + 4 + i] = data[start + i];
    if (utf8 && high >= 0x80 && !isUtf8(data.subarray(start, start + length))) throw new ColumnDecodeFault('a string is not UTF-8');
  }
  duckdb.copy_data_to_vector(vector, 0, slots.buffer, 0, rows * STRING_T);
  for (const row of long) {
    const data = rowData[row];
    const start = starts[row];
    const length = ends[row] - start;
    let value: Uint8Array;
    let high = 0;
    if (length <= scratch.length) {
      for (let i = 0; i < length; i++) high |= scratch[i] = data[start + i];
      value = scratchViews[length] ??= scratch.subarray(0, length);
    } else {
      value = data.subarray(start, start + length);
      high = 0x80;
    }
    if (utf8 && high >= 0x80 && !isUtf8(value)) throw new ColumnDecodeFault('a string is not UTF-8');
    duckdb.vector_assign_string_element_len(vector, row, value);
  }
}

export function appendChunks(appender: DuckDBAppender, chunks: readonly DuckDBDataChunk[]): void {
  for (const chunk of chunks) appender.appendDataChunk(chunk);
}
