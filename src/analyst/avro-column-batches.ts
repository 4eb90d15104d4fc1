// Decodes an Avro file's records, by the plan of avro-column-decoder.ts, into one buffer per column laid out as
// DuckDB's vectors hold values (avro-decoded-scan.ts copies them into data chunks 2048 rows at a time): no JS
// object per row, and nothing here loads DuckDB or avsc, so a decoding thread (avro-decode-worker.ts) starts fast
// and hands its buffers over without copying them.
import { isUtf8 } from 'node:buffer';
import type { StoredBlock } from './avro-blocks';
import { ColumnDecodeFault, ColumnRead, FieldStep, FlatKind, varintEnd, zigzagAt } from './avro-column-decoder';
import { MAX_EXACT_LONG } from '../formats/exact-long';

/** The largest millisecond count whose microseconds fit in 64 bits (as duckdb-values.ts checks). */
const MAX_EPOCH_MILLIS = 9_223_372_036_854_775;
const TWO_POW_32 = 4294967296;
/** DuckDB's string_t: a 4-byte length, then the bytes themselves up to 12, else a 4-byte prefix and a pointer. */
export const STRING_T = 16;
const INLINE_BYTES = 12;

/** Bytes per row of each kind in a vector. */
export const VALUE_BYTES: Record<FlatKind, number> = { int: 4, long: 8, float: 4, double: 8, boolean: 1, string: STRING_T, bytes: STRING_T };

export interface ColumnPayload {
  /**
   * Every row's value as the vector holds it. Strings and bytes as string_t slots; one over 12 bytes has its
   * length, its prefix and, where the pointer goes, its offset in `heap` (avro-decoded-scan.ts makes it a pointer).
   */
  values: Uint8Array;
  /** A bit per row, set when the value is not NULL, in 64-bit words; null when no row is NULL. */
  validity: Uint8Array | null;
  /** The rows whose value is over 12 bytes, in order. */
  long: Int32Array;
  /** Those values' bytes, one after another. */
  heap: Uint8Array;
}

export interface DecodedColumns {
  rows: number;
  /** By the read's column index. */
  columns: ColumnPayload[];
}

interface ColumnState {
  read: ColumnRead;
  rows: number;
  values: Uint8Array;
  ints: Int32Array;
  floats: Float32Array;
  doubles: Float64Array;
  validity: Uint8Array | null;
  long: Int32Array;
  longCount: number;
  heap: Buffer;
  heapBytes: number;
}

/**
 * Decodes the records of `blocks` (inflated by `inflate`) with `steps`; the columns are those the steps read,
 * `columnCount` of them, calling `onBlock` after each block. ColumnDecodeFault when a record is not as planned (the
 * caller re-reads with avsc).
 */
export function decodeColumns(
  blocks: readonly StoredBlock[], inflate: (stored: Buffer) => Buffer, steps: readonly FieldStep[], columnCount: number, onBlock?: () => void,
): DecodedColumns {
  const rows = blocks.reduce((sum, b) => sum + b.count, 0);
  const reads = steps.flatMap((s) => ('read' in s ? [s.read] : []));
  if (reads.length !== columnCount) throw new ColumnDecodeFault('the plan does not cover every column');
  const states: ColumnState[] = new Array(columnCount);
  for (const read of reads) states[read.column] = newState(read, rows);
  let row = 0;
  // With no column read (count(*)), a block's count is all there is to know: it is not inflated.
  if (columnCount > 0) {
    for (const block of blocks) {
      let data: Buffer;
      try {
        data = inflate(block.stored);
      } catch {
        // avsc's reading names the file and block (avro-container-reader.ts).
        throw new ColumnDecodeFault('a block cannot be decompressed');
      }
      let pos = 0;
      for (let r = 0; r < block.count; r++, row++) {
        for (const step of steps) {
          if ('skip' in step) pos = step.skip(data, pos);
          else pos = readValue(states[step.read.column], data, pos, row);
        }
        if (pos > data.length) throw new ColumnDecodeFault('truncated');
      }
      if (pos !== data.length) throw new ColumnDecodeFault('bytes after the block\'s records');
      onBlock?.();
    }
  }
  for (const s of states) {
    if (s.read.kind === 'string' && !isUtf8(s.heap.subarray(0, s.heapBytes))) throw new ColumnDecodeFault('a string is not UTF-8');
  }
  const columns = states.map((s) => ({ values: s.values, validity: s.validity, long: s.long.subarray(0, s.longCount), heap: s.heap.subarray(0, s.heapBytes) }));
  return { rows, columns };
}

function newState(read: ColumnRead, rows: number): ColumnState {
  // Whole 8-byte words, so that every typed view covers every row.
  const buffer = new ArrayBuffer(Math.ceil((rows * VALUE_BYTES[read.kind]) / 8) * 8);
  return {
    read, rows, values: new Uint8Array(buffer, 0, rows * VALUE_BYTES[read.kind]), validity: null,
    long: new Int32Array(0), longCount: 0, heap: Buffer.alloc(0), heapBytes: 0,
    ints: new Int32Array(buffer), floats: new Float32Array(buffer), doubles: new Float64Array(buffer),
  };
}

function setNull(state: ColumnState, row: number): void {
  if (state.validity === null) {
    state.validity = new Uint8Array(Math.ceil(state.rows / 64) * 8).fill(0xff);
  }
  state.validity[row >> 3] &= ~(1 << (row & 7));
}

function readValue(state: ColumnState, data: Buffer, pos: number, row: number): number {
  const { read } = state;
  if (read.nullBranch !== null) {
    const branch = data[pos++];
    if (branch === read.nullBranch * 2) {
      setNull(state, row);
      return pos;
    }
    if (branch !== (1 - read.nullBranch) * 2) throw new ColumnDecodeFault('union branch index does not exist');
  }
  switch (read.kind) {
    case 'int': {
      const value = zigzagAt(data, pos);
      if ((value | 0) !== value) throw new ColumnDecodeFault('an int outside 32 bits');
      state.ints[row] = value;
      return varintEnd;
    }
    case 'long': {
      const value = zigzagAt(data, pos);
      if (value > MAX_EXACT_LONG || value < -MAX_EXACT_LONG) throw new ColumnDecodeFault('a long past the exact range');
      if (read.millis && (value > MAX_EPOCH_MILLIS || value < -MAX_EPOCH_MILLIS)) throw new ColumnDecodeFault('epoch milliseconds out of range');
      const high = Math.floor(value / TWO_POW_32);
      state.ints[2 * row] = (value - high * TWO_POW_32) | 0;
      state.ints[2 * row + 1] = high | 0;
      return varintEnd;
    }
    case 'float':
      if (pos + 4 > data.length) throw new ColumnDecodeFault('truncated');
      state.floats[row] = data.readFloatLE(pos);
      return pos + 4;
    case 'double':
      if (pos + 8 > data.length) throw new ColumnDecodeFault('truncated');
      state.doubles[row] = data.readDoubleLE(pos);
      return pos + 8;
    case 'boolean': {
      const value = data[pos];
      if (value !== 0 && value !== 1) throw new ColumnDecodeFault('a boolean byte is neither 0 nor 1');
      state.values[row] = value;
      return pos + 1;
    }
    default:
      return readSized(state, data, pos, row);
  }
}

/**
 * A string or bytes value into the row's string_t slot (see ColumnPayload). Strings are checked to be UTF-8 here:
 * DuckDB would set a chunk's long strings NULL if they were not, and the slots pointed into them would be wrong.
 */
function readSized(state: ColumnState, data: Buffer, pos: number, row: number): number {
  const length = zigzagAt(data, pos);
  const start = varintEnd;
  const end = start + length;
  if (length < 0 || end > data.length) throw new ColumnDecodeFault('truncated');
  const { values } = state;
  const at = row * STRING_T;
  values[at] = length;
  values[at + 1] = length >> 8;
  values[at + 2] = length >> 16;
  values[at + 3] = length >>> 24;
  if (length <= INLINE_BYTES) {
    let high = 0;
    for (let i = 0; i < length; i++) high |= values[at + 4 + i] = data[start + i];
    if (state.read.kind === 'string' && high >= 0x80 && !isUtf8(data.subarray(start, end))) throw new ColumnDecodeFault('a string is not UTF-8');
    return end;
  }
  for (let i = 0; i < 4; i++) values[at + 4 + i] = data[start + i];
  // The heap is checked as UTF-8 once, whole (decodeColumns): that tells each string is when none starts inside a character.
  if ((data[start] & 0xc0) === 0x80 && state.read.kind === 'string') throw new ColumnDecodeFault('a string is not UTF-8');
  noteLong(state, row, length);
  state.ints[(at + 8) >> 2] = state.heapBytes;
  const { heap } = state;
  const to = state.heapBytes;
  // A native copy pays for its call only on longer strings.
  if (length > 64) heap.set(data.subarray(start, end), to);
  else for (let i = start; i < end; i++) heap[to + i - start] = data[i];
  state.heapBytes = to + length;
  return end;
}

/** Room for one more long row and `length` more heap bytes. */
function noteLong(state: ColumnState, row: number, length: number): void {
  if (state.longCount === state.long.length) state.long = new Int32Array(state.rows);
  state.long[state.longCount++] = row;
  if (state.heapBytes + length > state.heap.length) {
    const grown = Buffer.allocUnsafeSlow(Math.max(64 * 1024, (state.heapBytes + length) * 2));
    state.heap.copy(grown, 0, 0, state.heapBytes);
    state.heap = grown;
  }
}
