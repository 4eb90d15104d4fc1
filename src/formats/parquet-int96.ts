import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { Decoder as ZstdDecoder, Encoder as ZstdEncoder } from '@toondepauw/node-zstd';
import type { ColumnChunk, CompressionCodec, FileMetaData, ParquetType, RowGroup, SchemaElement } from 'hyparquet';

/**
 * INT96 timestamps (Impala's and Hive-before-4.0's Parquet timestamp) for a file DuckDB wrote with INT64 ones.
 * DuckDB 1.5 cannot write INT96, so the named top-level timestamp columns' chunks are re-encoded with
 * hyparquet-writer (PLAIN, no statistics: INT96 has no defined sort order) and every other column chunk is
 * copied byte for byte; the footer is DuckDB's with those columns retyped. See DESIGN.md "output.parquet".
 */

type Hyparquet = typeof import('hyparquet');
type HyparquetWriter = typeof import('hyparquet-writer');
// Both are ESM-only; a Function-made import() is not rewritten to require() by tsc.
const importEsm = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

const JULIAN_DAY_OF_EPOCH = 2440588n;
const MICROS_PER_DAY = 86_400_000_000n;
const INT96_BYTES = 12;

export class Int96RewriteError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`Parquet file ${path}: rewriting timestamps as INT96 failed: ${detail}`);
    this.name = 'Int96RewriteError';
  }
}

/** The 12 INT96 bytes of an instant in epoch microseconds: nanoseconds of the day (int64 LE), then the Julian day (int32 LE). */
export function int96OfMicros(micros: bigint): Uint8Array {
  let days = micros / MICROS_PER_DAY;
  if (micros % MICROS_PER_DAY < 0n) days -= 1n;
  const bytes = new Uint8Array(INT96_BYTES);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, (micros - days * MICROS_PER_DAY) * 1000n, true);
  view.setInt32(8, Number(days + JULIAN_DAY_OF_EPOCH), true);
  return bytes;
}

/**
 * Rewrites `source` (INT64 TIMESTAMP(MICROS) columns `columns`, top-level) into `target` with those columns as INT96,
 * then removes `source`, whether the rewrite worked or not. The file is read whole: the loader's files are bounded by
 * `files.maxRecords`/`maxBytes`.
 */
export async function rewriteTimestampsAsInt96(source: string, target: string, columns: readonly string[]): Promise<void> {
  try {
    await rewrite(source, target, columns);
  } finally {
    await fs.promises.rm(source, { force: true });
  }
}

async function rewrite(source: string, target: string, columns: readonly string[]): Promise<void> {
  const [hyparquet, writerLib] = await Promise.all([importEsm<Hyparquet>('hyparquet'), importEsm<HyparquetWriter>('hyparquet-writer')]);
  const bytes = await fs.promises.readFile(source);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  const metadata = hyparquet.parquetMetadata(file);
  const retyped = new Set(columns);
  const elements = metadata.schema.filter((e) => retyped.has(e.name) && isTopLevel(metadata.schema, e));
  if (elements.length !== retyped.size) throw new Int96RewriteError(source, `expected top-level columns ${[...retyped].join(', ')}`);
  for (const e of elements) {
    if (e.type !== 'INT64' || e.logical_type?.type !== 'TIMESTAMP' || e.logical_type.unit !== 'MICROS') {
      throw new Int96RewriteError(source, `column ${e.name} is not INT64 TIMESTAMP(MICROS)`);
    }
  }
  const codec = metadata.row_groups[0]?.columns[0]?.meta_data?.codec ?? 'UNCOMPRESSED';
  const reencoded = await reencodedChunks(hyparquet, writerLib, file, metadata, elements, codec);

  const writer = new writerLib.ByteWriter();
  const out = new writerLib.ParquetWriter({
    writer, schema: metadata.schema.map((e) => (retyped.has(e.name) && elements.includes(e) ? int96Element(e) : e)),
    codec, compressors: COMPRESSORS, statisticsTruncateLength: Infinity, kvMetadata: metadata.key_value_metadata, createdBy: metadata.created_by,
  });
  const copy = (from: ArrayBuffer, chunk: ColumnChunk, type: ParquetType): ColumnChunk => {
    const meta = chunk.meta_data!;
    const start = chunkStart(chunk);
    const shift = BigInt(writer.offset) - start;
    writer.appendBytes(new Uint8Array(from, Number(start), Number(meta.total_compressed_size)));
    const moved = { ...meta, type, data_page_offset: meta.data_page_offset + shift, bloom_filter_offset: undefined, bloom_filter_length: undefined };
    if (meta.dictionary_page_offset !== undefined && meta.dictionary_page_offset > 0n) moved.dictionary_page_offset = meta.dictionary_page_offset + shift;
    if (meta.index_page_offset !== undefined && meta.index_page_offset > 0n) moved.index_page_offset = meta.index_page_offset + shift;
    // Page indexes lived after the chunks and are not carried over; readers do without them.
    return { file_path: chunk.file_path, file_offset: moved.data_page_offset, meta_data: moved };
  };
  metadata.row_groups.forEach((group, g) => {
    const start = writer.offset;
    const chunks = group.columns.map((chunk) => {
      const name = chunk.meta_data?.path_in_schema.length === 1 ? chunk.meta_data.path_in_schema[0] : undefined;
      const replacement = name === undefined ? undefined : reencoded.groups[g]?.get(name);
      return replacement ? copy(reencoded.file, replacement, 'INT96') : copy(file, chunk, chunk.meta_data!.type);
    });
    const rewritten: RowGroup = {
      ...group, columns: chunks, file_offset: BigInt(start), total_compressed_size: BigInt(writer.offset - start),
      total_byte_size: chunks.reduce((sum, c) => sum + (c.meta_data?.total_uncompressed_size ?? 0n), 0n),
    };
    out.row_groups.push(rewritten);
  });
  out.num_rows = metadata.num_rows;
  await out.finish();
  await fs.promises.writeFile(target, writer.getBytes());
}

interface Reencoded { file: ArrayBuffer; groups: Map<string, ColumnChunk>[] }

/** The INT96 column chunks, row group by row group, in a Parquet file of their own written by hyparquet-writer. */
async function reencodedChunks(
  hyparquet: Hyparquet, writerLib: HyparquetWriter, file: ArrayBuffer, metadata: FileMetaData, elements: SchemaElement[], codec: CompressionCodec,
): Promise<Reencoded> {
  const names = elements.map((e) => e.name);
  const rows = await hyparquet.parquetReadObjects({
    file, metadata, columns: names, compressors: DECOMPRESSORS, parsers: { timestampFromMicroseconds: (micros: bigint) => micros },
  }) as Record<string, bigint | null>[];
  const sizes = metadata.row_groups.map((g) => Number(g.num_rows));
  if (rows.length === 0) return { file, groups: [] };
  const schema: SchemaElement[] = [{ name: 'root', num_children: elements.length }, ...elements.map((e) => ({
    name: e.name, type: 'FIXED_LEN_BYTE_ARRAY' as const, type_length: INT96_BYTES, repetition_type: e.repetition_type,
  }))];
  const columnData = names.map((name) => ({
    name, data: rows.map((row) => (row[name] === null || row[name] === undefined ? null : int96OfMicros(row[name]!))),
    encoding: 'PLAIN' as const, statistics: false, offsetIndex: false,
  }));
  const written = writerLib.parquetWriteBuffer({ columnData, schema, codec, compressors: COMPRESSORS, rowGroupSize: sizes });
  const own = hyparquet.parquetMetadata(written);
  return {
    file: written,
    groups: own.row_groups.map((g) => new Map(g.columns.map((c) => [c.meta_data!.path_in_schema[0], c]))),
  };
}

function int96Element(element: SchemaElement): SchemaElement {
  const { converted_type: _converted, logical_type: _logical, type_length: _length, ...rest } = element;
  return { ...rest, type: 'INT96' };
}

function isTopLevel(schema: SchemaElement[], element: SchemaElement): boolean {
  let index = 1;
  for (let child = 0; child < (schema[0].num_children ?? 0); child++) {
    if (schema[index] === element) return true;
    index = skip(schema, index);
  }
  return false;
}

/** The index after element `index` and all its descendants. */
function skip(schema: SchemaElement[], index: number): number {
  let next = index + 1;
  for (let child = 0; child < (schema[index].num_children ?? 0); child++) next = skip(schema, next);
  return next;
}

function chunkStart(chunk: ColumnChunk): bigint {
  const meta = chunk.meta_data!;
  const dictionary = meta.dictionary_page_offset;
  return dictionary !== undefined && dictionary > 0n && dictionary < meta.data_page_offset ? dictionary : meta.data_page_offset;
}

type Compressors = { [K in CompressionCodec]?: (input: Uint8Array) => Uint8Array };
const zstd = new ZstdEncoder(3);
const unzstd = new ZstdDecoder();
const DECOMPRESSORS = {
  GZIP: (input: Uint8Array) => new Uint8Array(zlib.gunzipSync(input)),
  ZSTD: (input: Uint8Array) => new Uint8Array(unzstd.decodeSync(Buffer.from(input.buffer, input.byteOffset, input.byteLength))),
};
const COMPRESSORS: Compressors = {
  GZIP: (input) => new Uint8Array(zlib.gzipSync(input)),
  ZSTD: (input) => new Uint8Array(zstd.encodeSync(Buffer.from(input.buffer, input.byteOffset, input.byteLength))),
};
