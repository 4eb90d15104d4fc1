// Worker-thread side of avro-decode-pool.ts: decodes its share of the files, each into its own Parquet file.
import { parentPort, workerData } from 'node:worker_threads';
import { DuckDBInstance } from '@duckdb/node-api';
import type { AvroDecodeReply, AvroDecodeTask } from './avro-decode-pool';
import { stageToParquet } from './table-views';

async function decode(task: AvroDecodeTask): Promise<number> {
  // One thread: the pool has a worker per core already.
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    let rows = 0;
    for (const [i, file] of task.files.entries()) rows += await stageToParquet(connection, task.table, [file], task.parquetFiles[i]);
    return rows;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const post = (reply: AvroDecodeReply) => parentPort!.postMessage(reply);
decode(workerData as AvroDecodeTask).then(
  (rows) => post({ rows }),
  (error: unknown) => post({ error: error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) } }),
);
