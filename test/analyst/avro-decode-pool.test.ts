import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { createAvroFileWriter } from '../../src/formats/avro-file-writer';
import type { AvroSchemaObject } from '../../src/formats/record-file-writer';
import { parquetColumnsOf } from '../../src/formats/avro-to-parquet';
import { openAvroContainer } from '../../src/analyst/avro-container-reader';
import { AvroDecodePool, FileDecodeTask } from '../../src/analyst/avro-decode-pool';
import { useTempDir } from '../helpers/temp-dir';

const SCHEMA: AvroSchemaObject = { type: 'record', name: 'R', fields: [{ name: 's', type: 'string' }, { name: 'n', type: 'long' }] };

async function writeTask(file: string, records: number): Promise<FileDecodeTask> {
  const writer = createAvroFileWriter({ path: file, schema: SCHEMA, codec: 'deflate' });
  for (let i = 0; i < records; i++) writer.write({ s: `a string value long enough for the heap ${i}`, n: i });
  await writer.close();
  const container = openAvroContainer(file, fs.readFileSync(file), SCHEMA);
  return { file, dataStart: container.dataStart, sync: new Uint8Array(container.sync), codec: container.codec, writerSchema: container.writerSchema, columns: parquetColumnsOf(SCHEMA) };
}

/** Blocks until the pool has its workers up (a file decoded through the promise path). */
async function started(pool: AvroDecodePool, task: FileDecodeTask): Promise<void> {
  assert.ok(await pool.send(task, 1).promise);
}

describe('the Avro decode pool, waited for synchronously (the streaming scan)', () => {
  const tmp = useTempDir();

  it('gives the columns a worker decoded, waiting past the silence limit while the worker reports its blocks', async () => {
    const task = await writeTask(path.join(tmp(), 'big.avro'), 400_000);
    const pool = new AvroDecodePool(1, 20);
    try {
      await started(pool, task);
      const waited = Date.now();
      const decoded = pool.send(task, 1).wait();
      assert.ok(Date.now() - waited > 20, 'the decode outlasts the silence limit');
      assert.equal(decoded?.rows, 400_000);
    } finally {
      pool.close();
    }
  });

  it('gives a file up (null: decoded on this thread) when its worker died during the wait, after the silence limit', async () => {
    const task = await writeTask(path.join(tmp(), 'big.avro'), 400_000);
    const pool = new AvroDecodePool(1, 300);
    try {
      await started(pool, task);
      const pending = pool.send(task, 1);
      // The worker dies as from a crash (not pool.close(), which answers the waiting files itself): its exit
      // event cannot be delivered while this thread blocks in the wait.
      void (pool as unknown as { workers: { worker: Worker }[] }).workers[0].worker.terminate();
      const waited = Date.now();
      assert.equal(pending.wait(), null);
      const elapsed = Date.now() - waited;
      assert.ok(elapsed >= 300 && elapsed < 5_000, `gave up after ${elapsed} ms`);
    } finally {
      pool.close();
    }
  });
});
