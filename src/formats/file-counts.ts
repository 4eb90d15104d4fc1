import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { readZigzag } from '../protocol/varint';

const AVRO_MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);
const SYNC_BYTES = 16;

/** Records in an Avro object container file, from its block headers (no decoding). */
export function countAvroRecords(file: Buffer): number {
  if (!file.subarray(0, 4).equals(AVRO_MAGIC)) throw new Error('not an Avro object container file (bad magic)');
  let pos = 4;
  const long = () => {
    const read = readZigzag(file, pos, file.length);
    pos = read.next;
    return read.value;
  };
  const skip = (bytes: number) => {
    pos += bytes; // a separate step: `pos += long()` would read pos before long() moves it
  };
  for (let count = long(); count !== 0; count = long()) {
    if (count < 0) long(); // a negative count is followed by the block's byte size
    for (let i = 0; i < Math.abs(count); i++) {
      skip(long()); // key
      skip(long()); // value
    }
  }
  skip(SYNC_BYTES);
  let records = 0;
  while (pos < file.length) {
    records += long();
    skip(long() + SYNC_BYTES);
  }
  if (pos !== file.length) throw new Error(`the last block runs ${pos - file.length} bytes past the end of the file`);
  return records;
}

/** The writer schema in an Avro object container file's header (`avro.schema`), parsed. */
export function avroWriterSchema(file: Buffer): unknown {
  if (!file.subarray(0, 4).equals(AVRO_MAGIC)) throw new Error('not an Avro object container file (bad magic)');
  let pos = 4;
  const long = () => {
    const read = readZigzag(file, pos, file.length);
    pos = read.next;
    return read.value;
  };
  const bytes = () => {
    const length = long();
    const start = pos;
    pos += length;
    return file.subarray(start, pos);
  };
  for (let count = long(); count !== 0; count = long()) {
    if (count < 0) long();
    for (let i = 0; i < Math.abs(count); i++) {
      const key = bytes().toString('utf8');
      const value = bytes();
      if (key === 'avro.schema') return JSON.parse(value.toString('utf8')) as unknown;
    }
  }
  throw new Error('the header has no avro.schema');
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
