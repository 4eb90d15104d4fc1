// Decoding a table's Avro files on worker threads: each worker decodes a contiguous share of the files (by bytes)
// into its own DuckDB, as the main thread would (table-views.ts stageAvroFiles), and writes each file's rows as a
// Parquet file with the view's columns, which the view then reads with DuckDB's native reader.
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LocalDataFile } from './local-files';
import type { CatalogTable } from './table-catalog';

/**
 * What decoding needs of a table: its name (for messages), the schema its files are read as, and the top-level
 * columns to read (the others are NULL in the view: the query does not look at them); undefined reads them all.
 */
/** `partitions`: the partition columns the view takes from the files' directories (in their order). */
export type AvroTableSource = Pick<CatalogTable, 'name' | 'outputSchema'> & { columns?: readonly string[]; partitions?: readonly string[] };

export interface AvroDecoding {
  /** Worker threads; below 2, the files are decoded on the main thread. */
  workers: number;
  /** Files holding fewer bytes than this (~500k page views) are decoded on the main thread: workers cost their start, a DuckDB each and a Parquet round trip. */
  minBytes: number;
}

export const DEFAULT_AVRO_DECODING: AvroDecoding = { workers: Math.min(2, os.availableParallelism()), minBytes: 16 * 2 ** 20 };

export interface AvroDecodeTask {
  table: AvroTableSource;
  files: LocalDataFile[];
  /** Where each file's rows go, as Parquet with the view's columns. */
  parquetFiles: string[];
}

export type AvroDecodeReply = { rows: number } | { error: { name: string; message: string } };

/** An error a worker threw, with its class name and message as thrown. */
export class AvroDecodeWorkerError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Shares of `files` in order, `count` at most, each near an equal part of the bytes. */
export function shareByBytes<T extends { bytes: number }>(files: readonly T[], count: number): T[][] {
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  const shares: T[][] = [];
  let current: T[] = [];
  let taken = 0;
  for (const file of files) {
    current.push(file);
    taken += file.bytes;
    if (shares.length < count - 1 && taken >= (total * (shares.length + 1)) / count) {
      shares.push(current);
      current = [];
    }
  }
  if (current.length > 0) shares.push(current);
  return shares;
}

/** Converts each of `files` into its own Parquet file `targets[i]`, on up to `workers` threads. */
export async function convertEachOnWorkers(table: AvroTableSource, files: LocalDataFile[], targets: string[], workers: number): Promise<void> {
  const shares = shareByBytes(files.map((file, i) => ({ bytes: file.bytes, file, target: targets[i] })), workers);
  const tasks = shares.map((share): AvroDecodeTask => ({ table, files: share.map((s) => s.file), parquetFiles: share.map((s) => s.target) }));
  const outcomes = await Promise.allSettled(tasks.map(runWorker));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}

function runWorker(task: AvroDecodeTask): Promise<number> {
  return new Promise((resolve, reject) => {
    // Never terminated: ending a worker inside a DuckDB call aborts the process (see pipeline/worker-pool.ts).
    const worker = new Worker(path.join(__dirname, 'avro-decode-worker.js'), { workerData: task });
    let reply: AvroDecodeReply | undefined;
    worker.once('message', (message: AvroDecodeReply) => (reply = message));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (reply && 'rows' in reply) resolve(reply.rows);
      else if (reply) reject(new AvroDecodeWorkerError(reply.error.name, reply.error.message));
      else reject(new AvroDecodeWorkerError('AvroDecodeWorkerError', `the Avro decoding worker exited with code ${code} before answering`));
    });
  });
}
