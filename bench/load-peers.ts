// The load benchmark's peers, measured in the same run as the loads (see bench/load-bench.ts), and its bad records.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as avro from 'avsc';
import { DuckDBInstance } from '@duckdb/node-api';

/**
 * DuckDB's own NDJSON → Parquet (zstd) of the same lines, on all cores: no JS per record. The answer measures it
 * once more at each call (rows/s), so that it can be taken in turn with the loads it is compared with.
 */
export function duckdbNativeNdjson(dir: string, lines: string[]): () => Promise<number> {
  const ndjson = path.join(dir, 'records.ndjson');
  fs.writeFileSync(ndjson, lines.join('\n') + '\n');
  return async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const started = process.hrtime.bigint();
    await connection.run(`COPY (SELECT * FROM read_json('${ndjson}', format = 'newline_delimited')) TO '${path.join(dir, 'native.parquet')}' (FORMAT parquet, COMPRESSION zstd)`);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    connection.closeSync();
    instance.closeSync();
    return lines.length / seconds;
  };
}

/**
 * avsc alone: the records, already JS objects (JSON.parse not timed), encoded by avsc's own type into 64 KiB
 * blocks, on one thread; no compression, no I/O. What a load of the same records could at best do in JS with avsc.
 * The answer measures it once more at each call (rows/s).
 */
export function avscEncodingAlone(schemaFile: string, lines: string[]): () => number {
  const type = avro.Type.forSchema(JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as avro.Schema);
  const records = lines.map((line) => JSON.parse(line) as unknown);
  const block = Buffer.allocUnsafe(64 * 1024);
  return () => {
    let rounds = 0;
    let seconds = 0;
    // Twice at least, the first warming the encoder up; timed over the later rounds.
    while (rounds < 3) {
      const started = process.hrtime.bigint();
      let pos = 0;
      for (const record of records) {
        const end = type.encode(record, block, pos);
        pos = end < 0 ? type.encode(record, block, 0) : end;
      }
      if (rounds++ > 0) seconds += Number(process.hrtime.bigint() - started) / 1e9;
    }
    return (records.length * (rounds - 1)) / seconds;
  };
}

/**
 * The value of record `i` of the 20%-bad topic: every fifth is bad, in turn schema-violating (duration_ms a
 * string), not JSON, not UTF-8, and missing a field; the others are the good line.
 */
export function mixedValue(i: number, line: string): Buffer {
  if (i % 5 !== 4) return Buffer.from(line);
  switch ((i / 5) % 4 | 0) {
    case 0: return Buffer.from(line.replace(/"duration_ms":(\d+)/, '"duration_ms":"$1"'));
    case 1: return Buffer.from(line.slice(0, line.length - 7));
    case 2: return Buffer.concat([Buffer.from(line.slice(0, 20)), Buffer.from([0xc3, 0x28]), Buffer.from(line.slice(20))]);
    default: return Buffer.from(line.replace(/"country":"[A-Z]+",?/, '').replace(',}', '}'));
  }
}
