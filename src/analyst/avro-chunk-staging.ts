// Hands a file's decoded columns (avro-column-batches.ts) to DuckDB: a data chunk of 2048 rows at a time, each
// column's values copied in one call, strings over 12 bytes one call each from the block's bytes (no JS string
// made), and the row's file index as the last column.
import duckdb from '@duckdb/node-bindings';
import { BIGINT, BLOB, BOOLEAN, DOUBLE, DuckDBAppender, DuckDBDataChunk, DuckDBType, FLOAT, INTEGER, VARCHAR } from '@duckdb/node-api';
import type { ColumnRead, FlatKind } from './avro-column-decoder';
import { ColumnPayload, DecodedColumns, VALUE_BYTES } from './avro-column-batches';

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
      duckdb.copy_data_to_vector(vector, 0, payload.values.buffer as ArrayBuffer, payload.values.byteOffset + first * width, rows * width);
      if (payload.validity) {
        duckdb.vector_ensure_validity_writable(vector);
        duckdb.copy_data_to_vector_validity(vector, 0, payload.validity.buffer as ArrayBuffer, payload.validity.byteOffset + first / 8, Math.ceil(rows / 64) * 8);
      }
      if (payload.long.length > 0) nextLong[column] = assignLong(vector, payload, decoded.blocks, nextLong[column], first, rows);
    }
    duckdb.copy_data_to_vector(duckdb.data_chunk_get_vector(chunk.chunk, types.length - 1), 0, files.buffer, 0, rows * 4);
    appender.appendDataChunk(chunk);
  }
}

const scratch = new Uint8Array(4096);
/** Views of `scratch`'s first n bytes by n: handing DuckDB a copied value makes no object per value. */
const scratchViews: Uint8Array[] = [];

/** Assigns the long values of rows first..first+rows from entry `at` of `payload.long`; returns the next entry. */
function assignLong(vector: duckdb.Vector, payload: ColumnPayload, blocks: readonly Uint8Array[], at: number, first: number, rows: number): number {
  const { long } = payload;
  for (; at < long.length && long[at] < first + rows; at += 4) {
    const data = blocks[long[at + 1]];
    const start = long[at + 2];
    const length = long[at + 3];
    let value: Uint8Array;
    if (length <= scratch.length) {
      for (let i = 0; i < length; i++) scratch[i] = data[start + i];
      value = scratchViews[length] ??= scratch.subarray(0, length);
    } else {
      value = data.subarray(start, start + length);
    }
    duckdb.vector_assign_string_element_len(vector, long[at] - first, value);
  }
  return at;
}
