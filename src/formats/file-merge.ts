// Many data files of one schema rewritten as one, rows taken in a given order (compaction).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { createAvroFileWriter } from './avro-file-writer';
import { createAvroType } from './avro-schema';
import { parquetColumnsOf, quoteIdentifier, TimeUnit } from './avro-to-parquet';
import type { ParquetCompression } from './parquet-file-writer';
import type { AvroCodec, AvroRecord, AvroSchema, WrittenFile } from './record-file-writer';
import { readZigzag } from '../protocol/varint';

// snappyjs ships no type declarations.
const snappy = require('snappyjs') as { uncompress(input: Buffer): Buffer };

/** Rows `fromRow` (inclusive) to `toRow` (exclusive) of a local file, in file order. */
export interface MergePiece {
  file: string;
  fromRow: number;
  toRow: number;
}

export class FileMergeError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'FileMergeError';
  }
}

const AVRO_MAGIC = Buffer.from('Obj\x01', 'latin1');
const SYNC_BYTES = 16;

/** Each record of an Avro container file, decoded with `schema` (the file's own writer schema). */
function* avroRecords(file: string, schema: AvroSchema): Generator<AvroRecord> {
  const bytes = fs.readFileSync(file);
  if (!bytes.subarray(0, 4).equals(AVRO_MAGIC)) throw new FileMergeError(file, 'not an Avro object container file (bad magic)');
  let pos = 4;
  const long = () => {
    const read = readZigzag(bytes, pos, bytes.length);
    pos = read.next;
    return read.value;
  };
  let codec = 'null';
  let header: string | null = null;
  for (let count = long(); count !== 0; count = long()) {
    if (count < 0) long();
    for (let i = 0; i < Math.abs(count); i++) {
      const keyLength = long();
      const key = bytes.toString('utf8', pos, pos + keyLength);
      pos += keyLength;
      const valueLength = long();
      if (key === 'avro.codec') codec = bytes.toString('utf8', pos, pos + valueLength);
      if (key === 'avro.schema') header = bytes.toString('utf8', pos, pos + valueLength);
      pos += valueLength;
    }
  }
  pos += SYNC_BYTES;
  const type = createAvroType(schema, `schema of ${file}`);
  // Records are copied as the output schema reads them: a file written with another schema is not merged.
  if (header === null || !createAvroType(JSON.parse(header) as AvroSchema, `header of ${file}`).equals(type)) {
    throw new FileMergeError(file, 'was written with another schema than the one it is merged under');
  }
  while (pos < bytes.length) {
    const records = long();
    const size = long();
    const body = bytes.subarray(pos, pos + size);
    pos += size + SYNC_BYTES;
    const block = codec === 'null' ? body : codec === 'deflate' ? zlib.inflateRawSync(body) : codec === 'snappy' ? snappy.uncompress(body.subarray(0, body.length - 4)) : null;
    if (!block) throw new FileMergeError(file, `unsupported codec ${codec}`);
    let at = 0;
    for (let i = 0; i < records; i++) {
      const decoded = type.decode(block, at);
      if (decoded.offset < 0) throw new FileMergeError(file, `a block ends inside record ${i}`);
      at = decoded.offset;
      yield decoded.value as AvroRecord;
    }
  }
}

/** One Avro container file holding `pieces`' rows in order, written with `schema` and `codec`, fsynced. */
export async function mergeAvroFiles(pieces: readonly MergePiece[], output: string, schema: AvroSchema, codec: AvroCodec): Promise<WrittenFile> {
  const writer = createAvroFileWriter({ path: output, schema, codec });
  try {
    for (const piece of pieces) {
      let row = 0;
      for (const record of avroRecords(piece.file, schema)) {
        if (row >= piece.fromRow && row < piece.toRow) writer.write(record);
        if (++row >= piece.toRow) break;
      }
      if (row < piece.toRow) throw new FileMergeError(piece.file, `holds ${row} rows, rows up to ${piece.toRow} were expected`);
    }
    return await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

export interface ParquetMergeOptions {
  schema: AvroSchema;
  compression: ParquetCompression;
  /** How the files store top-level timestamps: kept so, since DuckDB reads both as microseconds. */
  timestampUnit: TimeUnit;
  rowGroupRows?: number;
}

const DUCKDB_COMPRESSION: Record<ParquetCompression, string> = { zstd: 'zstd', snappy: 'snappy', gzip: 'gzip', none: 'uncompressed' };
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** One Parquet file holding `pieces`' rows in order, through DuckDB (its own reader and writer), fsynced. */
export async function mergeParquetFiles(pieces: readonly MergePiece[], output: string, options: ParquetMergeOptions): Promise<WrittenFile> {
  const columns = parquetColumnsOf(options.schema).map((column) => {
    const name = quoteIdentifier(column.name);
    const timestamp = column.type.kind === 'TIMESTAMP' || column.type.kind === 'TIMESTAMPTZ';
    return timestamp && options.timestampUnit === 'millis' ? `CAST(${name} AS TIMESTAMP_MS) AS ${name}` : name;
  });
  const selects = pieces.map((piece, i) =>
    `SELECT *, ${i} AS __sluice_piece FROM read_parquet(${literal(piece.file)}, file_row_number = true) WHERE file_row_number >= ${piece.fromRow} AND file_row_number < ${piece.toRow}`);
  const rowGroup = options.rowGroupRows ? `, ROW_GROUP_SIZE ${options.rowGroupRows}` : '';
  const sql = `COPY (SELECT ${columns.join(', ')} FROM (${selects.join(' UNION ALL ')}) ORDER BY __sluice_piece, file_row_number) ` +
    `TO ${literal(output)} (FORMAT parquet, COMPRESSION ${DUCKDB_COMPRESSION[options.compression]}${rowGroup})`;
  // Sorting an hour's rows may spill: into a directory of this process's own, not DuckDB's default `.tmp` of the cwd.
  const spill = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-merge-'));
  const instance = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '256MB', temp_directory: spill });
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    await connection.run(sql);
    const counted = await connection.runAndReadAll(`SELECT count(*) FROM read_parquet(${literal(output)})`);
    const records = Number(counted.getRows()[0][0]);
    const expected = pieces.reduce((sum, p) => sum + p.toRow - p.fromRow, 0);
    if (records !== expected) throw new FileMergeError(output, `holds ${records} rows, ${expected} were taken from its sources`);
    await syncFile(output);
    return { path: output, records, bytes: fs.statSync(output).size };
  } catch (error) {
    fs.rmSync(output, { force: true });
    throw error;
  } finally {
    connection.closeSync();
    instance.closeSync();
    fs.rmSync(spill, { recursive: true, force: true });
  }
}

async function syncFile(file: string): Promise<void> {
  for (const target of [file, path.dirname(file)]) {
    const handle = await fs.promises.open(target, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
