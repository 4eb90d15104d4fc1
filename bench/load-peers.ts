// The load benchmark's peers, measured in the same run as the loads (see bench/load-bench.ts), and its bad records.
// Run as `node load-peers.js duckdb|avsc NDJSON SCHEMA DIR`, it measures one peer and prints its rows/s.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as avro from 'avsc';
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';

/**
 * The peers run each in a fresh node process, as each load does (bench/load-run.ts): measured inside the benchmark's
 * own process, whose heap holds a million lines and whose event loop served the produce, avsc alone ran at 545k rows/s
 * against 0.9-1.05M in a process of its own on the same machine minutes apart, which flattered the load's ratio.
 */
export function measurePeersApart(dir: string, lines: string[], schemaFile: string): { duckdbNative: () => number; avscAlone: () => number } {
  const ndjson = path.join(dir, 'records.ndjson');
  fs.writeFileSync(ndjson, lines.join('\n') + '\n');
  const run = (peer: 'duckdb' | 'avsc') => () => {
    const result = spawnSync(process.execPath, [__filename, peer, ndjson, schemaFile, dir], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`peer ${peer} failed: ${result.stderr}`);
    return Number(result.stdout.trim().split('\n').pop());
  };
  return { duckdbNative: run('duckdb'), avscAlone: run('avsc') };
}

/** DuckDB's own NDJSON → Parquet (zstd) of the same lines, on all cores: no JS per record. Rows/s. */
async function duckdbNative(ndjson: string, dir: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const started = process.hrtime.bigint();
  await connection.run(`COPY (SELECT * FROM read_json('${ndjson}', format = 'newline_delimited')) TO '${path.join(dir, 'native.parquet')}' (FORMAT parquet, COMPRESSION zstd)`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rows = fs.readFileSync(ndjson, 'utf8').split('\n').length - 1;
  connection.closeSync();
  instance.closeSync();
  return rows / seconds;
}

/**
 * avsc alone: the records, already JS objects (JSON.parse not timed), encoded by avsc's own type into 64 KiB
 * blocks, on one thread; no compression, no I/O. What a load of the same records could at best do in JS with avsc.
 * Rows/s over two rounds after a first that warms the encoder up.
 */
function avscAlone(ndjson: string, schemaFile: string): number {
  const type = avro.Type.forSchema(JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as avro.Schema);
  const records = fs.readFileSync(ndjson, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);
  const block = Buffer.allocUnsafe(64 * 1024);
  let rounds = 0;
  let seconds = 0;
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

if (require.main === module) {
  const [peer, ndjson, schemaFile, dir] = process.argv.slice(2);
  (peer === 'duckdb' ? duckdbNative(ndjson, dir) : Promise.resolve(avscAlone(ndjson, schemaFile))).then(
    (rate) => console.log(String(rate)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
