// Hands a file's decoded columns (avro-column-batches.ts) to DuckDB: a data chunk of 2048 rows at a time, each
// column's values copied in one call and the row's file index as the last column. A column's strings over 12 bytes
// go into the vector's string heap as one string assigned to row 0, whose address DuckDB reports in that row's
// string_t (duckdb_string_t, duckdb.h); the rows' slots then point into it before they are copied over every row.
// Two calls per column and chunk instead of one per string.
import duckdb from '@duckdb/node-bindings';
import { BIGINT, BLOB, BOOLEAN, DOUBLE, DuckDBAppender, DuckDBDataChunk, DuckDBType, FLOAT, INTEGER, VARCHAR } from '@duckdb/node-api';
import type { ColumnRead, FlatKind } from './avro-column-decoder';
import { ColumnPayload, DecodedColumns, STRING_T, VALUE_BYTES } from './avro-column-batches';

const CHUNK_ROWS = 2048;

const DUCKDB_TYPE: Record<FlatKind, DuckDBType> = { int: INTEGER, long: BIGINT, float: FLOAT, double: DOUBLE, boolean: BOOLEAN, string: VARCHAR, bytes: BLOB };

/** The DuckDB types of the staged columns (by column index), then the file index. */
export function stagingTypes(reads: readonly ColumnRead[]): DuckDBType[] {
  return [...[...reads].sort((a, b) => a.column - b.column).map((r) => DUCKDB_TYPE[r.kind]), INTEGER];
}

/** Appends every row of `decoded` (columns of the kinds `reads` name) tagged with `fileIndex`. */
export function appendDecoded(appender: DuckDBAppender, decoded: DecodedColumns, reads: readonly ColumnRead[], fileIndex: number): void {
  const kinds = [...reads].sort((a, b) => a.column - b.column).map((r) => r.kind);
  const types = stagingTypes(reads);
  const files = new Int32Array(CHUNK_ROWS).fill(fileIndex);
  const nextLong = decoded.columns.map(() => 0);
  for (let first = 0; first < decoded.rows; first += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, decoded.rows - first);
    const chunk = DuckDBDataChunk.create(types, rows);
    for (const [column, payload] of decoded.columns.entries()) {
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
      const width = VALUE_BYTES[kinds[column]];
      if (payload.long.length > 0) nextLong[column] = pointIntoHeap(vector, payload, nextLong[column], first + rows);
      duckdb.copy_data_to_vector(vector, 0, payload.values.buffer as ArrayBuffer, payload.values.byteOffset + first * width, rows * width);
      if (payload.validity) {
        duckdb.vector_ensure_validity_writable(vector);
        duckdb.copy_data_to_vector_validity(vector, 0, payload.validity.buffer as ArrayBuffer, payload.validity.byteOffset + first / 8, Math.ceil(rows / 64) * 8);
      }
    }
    duckdb.copy_data_to_vector(duckdb.data_chunk_get_vector(chunk.chunk, types.length - 1), 0, files.buffer, 0, rows * 4);
    appender.appendDataChunk(chunk);
  }
}

const TWO_POW_32 = 4294967296;

/**
 * Puts the heap bytes of the long values in rows before `end`, from entry `at` of `payload.long`, into the vector's
 * string heap and makes their slots point there; returns the next entry.
 */
function pointIntoHeap(vector: duckdb.Vector, payload: ColumnPayload, at: number, end: number): number {
  const { long, values, heap } = payload;
  let last = at;
  while (last < long.length && long[last] < end) last++;
  if (last === at) return at;
  const slots = new Uint32Array(values.buffer, values.byteOffset, values.byteLength >> 2);
  const heapStart = slots[long[at] * 4 + 2];
  const lastSlot = long[last - 1] * 4;
  duckdb.vector_assign_string_element_len(vector, 0, heap.subarray(heapStart, slots[lastSlot + 2] + slots[lastSlot]));
  const row0 = new Uint32Array(duckdb.vector_get_data(vector, STRING_T).slice().buffer);
  for (let i = at; i < last; i++) {
    const slot = long[i] * 4;
    const low = row0[2] + (slots[slot + 2] - heapStart);
    slots[slot + 2] = low >>> 0;
    slots[slot + 3] = row0[3] + (low >= TWO_POW_32 ? 1 : 0);
  }
  return last;
}
