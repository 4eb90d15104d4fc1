// A DuckDB table function over Avro files' decoded columns (avro-column-batches.ts): each call fills one data chunk
// of 2048 rows, each column's values copied in one call, then the file's partition values and index. DuckDB reads
// them where they lie, with no temporary table and appender between (which cost more than the query itself), and
// no join for the partition values (DuckDB's join may give a table function's rows out of order, a table's not).
// A column's strings over 12 bytes go into the vector's string heap as one string assigned to row 0, whose address
// DuckDB reports in that row's string_t (duckdb_string_t, duckdb.h); the rows' slots, copied, then point into it
// before they are copied over every row. Two calls per column and chunk instead of one per string.
import duckdb from '@duckdb/node-bindings';
import {
  BIGINT, BLOB, BOOLEAN, DOUBLE, DuckDBConnection, DuckDBDataChunk, DuckDBTableFunction, DuckDBType, FLOAT, INTEGER, VARCHAR,
} from '@duckdb/node-api';
import type { ColumnRead, FlatKind } from './avro-column-decoder';
import { ColumnPayload, DecodedColumns, STRING_T, VALUE_BYTES } from './avro-column-batches';

const CHUNK_ROWS = 2048;

const DUCKDB_TYPE: Record<FlatKind, DuckDBType> = { int: INTEGER, long: BIGINT, float: FLOAT, double: DOUBLE, boolean: BOOLEAN, string: VARCHAR, bytes: BLOB };

export interface DecodedFile {
  /** The file's index among the view's files: its rows' last column. */
  index: number;
  /** Or how to get them, called when the scan reaches the file (it may block: see AvroDecodePool.send). */
  decoded: DecodedColumns | (() => DecodedColumns);
  /** By the scan's partition columns. */
  partitionValues: (string | null)[];
}

export interface DecodedScan {
  /** The function's SQL name: `name()` scans every file, `name(file := i)` file i only. */
  name: string;
  /** Lets go of the decoded files: a later scan gives no rows. */
  release(): void;
}

interface ScanState {
  files: DecodedFile[];
  file: number;
  row: number;
  /** Per file of `files` and column, the next entry of the column's `long` rows. */
  nextLong: number[][];
}

let scans = 0;

export interface ScanColumns {
  /** The decoded columns' names, by column index; their kinds are those `reads` give. */
  names: readonly string[];
  reads: readonly ColumnRead[];
  /** VARCHAR columns of each file's partition values. */
  partitions: readonly string[];
  /** The INTEGER column of each row's file index. */
  file: string;
}

/** Registers on `connection` a table function whose rows are `files`' decoded columns, then their partition values and index. */
export function registerDecodedScan(connection: DuckDBConnection, columns: ScanColumns, files: DecodedFile[]): DecodedScan {
  const name = `sluice_avro_scan_${++scans}`;
  const kinds = [...columns.reads].sort((a, b) => a.column - b.column).map((r) => r.kind);
  let held = files;
  const scan = DuckDBTableFunction.create({
    name,
    namedParameterTypes: { file: INTEGER },
    bindFunction: (bind) => {
      for (const [i, column] of columns.names.entries()) bind.addResultColumn(column, DUCKDB_TYPE[kinds[i]]);
      for (const partition of columns.partitions) bind.addResultColumn(partition, VARCHAR);
      bind.addResultColumn(columns.file, INTEGER);
      const only = bind.getNamedParameter('file');
      const selected = only === null ? held : held.filter((f) => f.index === Number(only));
      bind.setBindData({ files: selected });
      if (selected.every((f) => typeof f.decoded !== 'function')) bind.setCardinality(selected.reduce((sum, f) => sum + decodedOf(f).rows, 0), true);
    },
    initFunction: (init) => {
      const { files: selected } = init.bindData as { files: DecodedFile[] };
      const state: ScanState = { files: selected, file: 0, row: 0, nextLong: selected.map(() => columns.names.map(() => 0)) };
      init.setInitData(state);
      init.setMaxThreads(1);
    },
    mainFunction: (info, out) => {
      try {
        fillChunk(info.initData as ScanState, kinds, out);
      } catch (error) {
        out.rowCount = 0;
        info.setError((error as Error).message);
      }
    },
  });
  connection.registerTableFunction(scan);
  return { name, release: () => { held = []; } };
}

const slotScratch = new Uint32Array(CHUNK_ROWS * (STRING_T >> 2));
const fileIndexes = new Int32Array(CHUNK_ROWS);

/** The file's decoded columns, got (once) if they are not yet. */
function decodedOf(file: DecodedFile): DecodedColumns {
  if (typeof file.decoded === 'function') file.decoded = file.decoded();
  return file.decoded;
}

function fillChunk(state: ScanState, kinds: readonly FlatKind[], out: DuckDBDataChunk): void {
  while (state.file < state.files.length && state.row >= decodedOf(state.files[state.file]).rows) {
    state.file++;
    state.row = 0;
  }
  if (state.file >= state.files.length) {
    out.rowCount = 0;
    return;
  }
  const { index, partitionValues } = state.files[state.file];
  const decoded = decodedOf(state.files[state.file]);
  const first = state.row;
  const rows = Math.min(CHUNK_ROWS, decoded.rows - first);
  out.rowCount = rows;
  const nextLong = state.nextLong[state.file];
  for (const [column, payload] of decoded.columns.entries()) {
    const vector = duckdb.data_chunk_get_vector(out.chunk, column);
    const width = VALUE_BYTES[kinds[column]];
    const { values } = payload;
    const end = first + rows;
    const upTo = longRowsBefore(payload, nextLong[column], end);
    if (upTo > nextLong[column]) {
      slotScratch.set(new Uint32Array(values.buffer, values.byteOffset + first * width, rows * (width >> 2)));
      pointIntoHeap(vector, payload, nextLong[column], upTo, first);
      nextLong[column] = upTo;
      duckdb.copy_data_to_vector(vector, 0, slotScratch.buffer, 0, rows * width);
    } else {
      duckdb.copy_data_to_vector(vector, 0, values.buffer as ArrayBuffer, values.byteOffset + first * width, rows * width);
    }
    if (payload.validity) {
      duckdb.vector_ensure_validity_writable(vector);
      duckdb.copy_data_to_vector_validity(vector, 0, payload.validity.buffer as ArrayBuffer, payload.validity.byteOffset + first / 8, Math.ceil(rows / 64) * 8);
    }
  }
  for (const [i, value] of partitionValues.entries()) fillConstant(duckdb.data_chunk_get_vector(out.chunk, decoded.columns.length + i), value, rows);
  fileIndexes.fill(index, 0, rows);
  duckdb.copy_data_to_vector(duckdb.data_chunk_get_vector(out.chunk, decoded.columns.length + partitionValues.length), 0, fileIndexes.buffer, 0, rows * 4);
  state.row += rows;
}

const noneValid = new Uint8Array(CHUNK_ROWS / 8);
const encoder = new TextEncoder();

/** Every row of a VARCHAR vector `value`: assigned to row 0, whose string_t is then copied over the others. */
function fillConstant(vector: duckdb.Vector, value: string | null, rows: number): void {
  if (value === null) {
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, noneValid.buffer, 0, Math.ceil(rows / 64) * 8);
    return;
  }
  duckdb.vector_assign_string_element_len(vector, 0, encoder.encode(value));
  slotScratch.set(rowZeroSlot(vector));
  for (let filled = 4; filled < rows * 4; filled *= 2) slotScratch.copyWithin(filled, 0, Math.min(filled, rows * 4 - filled));
  duckdb.copy_data_to_vector(vector, STRING_T, slotScratch.buffer, STRING_T, (rows - 1) * STRING_T);
}

function longRowsBefore(payload: ColumnPayload, at: number, end: number): number {
  let last = at;
  while (last < payload.long.length && payload.long[last] < end) last++;
  return last;
}

const TWO_POW_32 = 4294967296;

/** Row 0's string_t as four words, copied (vector_get_data gives a view of the vector's own memory). */
function rowZeroSlot(vector: duckdb.Vector): Uint32Array {
  return new Uint32Array(Uint8Array.from(duckdb.vector_get_data(vector, STRING_T)).buffer);
}

/**
 * Puts the heap bytes of entries `at` to `last` of `payload.long` into the vector's string heap and makes their
 * slots in slotScratch (rows from `first`) point there.
 */
function pointIntoHeap(vector: duckdb.Vector, payload: ColumnPayload, at: number, last: number, first: number): void {
  const { long, values, heap } = payload;
  const slots = new Uint32Array(values.buffer, values.byteOffset, values.byteLength >> 2);
  const heapStart = slots[long[at] * 4 + 2];
  const lastSlot = long[last - 1] * 4;
  duckdb.vector_assign_string_element_len(vector, 0, heap.subarray(heapStart, slots[lastSlot + 2] + slots[lastSlot]));
  const row0 = rowZeroSlot(vector);
  for (let i = at; i < last; i++) {
    const slot = (long[i] - first) * 4;
    const low = row0[2] + (slots[long[i] * 4 + 2] - heapStart);
    slotScratch[slot + 2] = low >>> 0;
    slotScratch[slot + 3] = row0[3] + (low >= TWO_POW_32 ? 1 : 0);
  }
}
