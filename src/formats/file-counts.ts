import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { readZigzag } from '../protocol/varint';

const AVRO_MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);
const SYNC_BYTES = 16;

/** Reads an Avro object container file's header: its metadata map, and where the first block starts. */
function readAvroHeader(file: Buffer): { metadata: Map<string, Buffer>; blocksStart: number } {
  if (!file.subarray(0, 4).equals(AVRO_MAGIC)) throw new Error('not an Avro object container file (bad magic)');
  let pos = 4;
  const long = () => {
    const read = readZigzag(file, pos, file.length);
    pos = read.next;
    return read.value;
  };
  const bytes = () => {
    const length = long(); // a separate step: `pos + long()` would read pos before long() moves it
    const start = pos;
    pos += length;
    return file.subarray(start, pos);
  };
  const metadata = new Map<string, Buffer>();
  for (let count = long(); count !== 0; count = long()) {
    if (count < 0) long(); // a negative count is followed by the block's byte size
    for (let i = 0; i < Math.abs(count); i++) {
      const key = bytes().toString('utf8');
      metadata.set(key, bytes());
    }
  }
  return { metadata, blocksStart: pos + SYNC_BYTES };
}

/** Records in an Avro object container file, from its block headers (no decoding). */
export function countAvroRecords(file: Buffer): number {
  let pos = readAvroHeader(file).blocksStart;
  const long = () => {
    const read = readZigzag(file, pos, file.length);
    pos = read.next;
    return read.value;
  };
  let records = 0;
  while (pos < file.length) {
    records += long();
    const size = long();
    pos += size + SYNC_BYTES;
  }
  if (pos !== file.length) throw new Error(`the last block runs ${pos - file.length} bytes past the end of the file`);
  return records;
}

/** The writer schema in an Avro object container file's header (`avro.schema`), parsed. */
export function avroWriterSchema(file: Buffer): unknown {
  const schema = readAvroHeader(file).metadata.get('avro.schema');
  if (schema === undefined) throw new Error('the header has no avro.schema');
  return JSON.parse(schema.toString('utf8')) as unknown;
}

let duckdb: Promise<DuckDBInstance> | undefined;

/** Rows in a Parquet file, from its footer, as DuckDB reads it. */
export async function countParquetRows(file: Buffer): Promise<number> {
  const local = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-count-')), 'file.parquet');
  fs.writeFileSync(local, file);
  try {
    duckdb ??= DuckDBInstance.create(':memory:');
    const connection = await (await duckdb).connect();
    try {
      const reader = await connection.runAndReadAll(`SELECT count(*) FROM read_parquet('${local.replace(/'/g, "''")}')`);
      return Number(reader.getRows()[0][0]);
    } finally {
      connection.closeSync();
    }
  } finally {
    fs.rmSync(path.dirname(local), { recursive: true, force: true });
  }
}

/**
 * Bad records in a dead-letter file: one per line, except a line for an undecodable batch, which says in `records`
 * how many offsets it covers.
 */
export function countDeadLetters(file: Buffer): number {
  let records = 0;
  for (const line of file.toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    const entry = JSON.parse(line) as { records?: unknown };
    records += typeof entry.records === 'number' ? entry.records : 1;
  }
  return records;
}
