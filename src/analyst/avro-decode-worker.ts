// Worker-thread side of avro-decode-pool.ts: decodes each file it is sent and hands the buffers back (transferred).
import * as fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { decompressor, storedBlocks } from './avro-blocks';
import { decodeColumns, DecodedColumns } from './avro-column-batches';
import { planColumnReads } from './avro-column-decoder';
import type { FileDecodeReply, FileDecodeTask } from './avro-decode-pool';

/** Every buffer of `decoded` is its own (none from Node's shared Buffer pool, which transferring would detach). */
function transferList(decoded: DecodedColumns): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const column of decoded.columns) {
    buffers.add(column.values.buffer as ArrayBuffer);
    buffers.add(column.long.buffer as ArrayBuffer);
    buffers.add(column.heap.buffer as ArrayBuffer);
    if (column.validity) buffers.add(column.validity.buffer as ArrayBuffer);
  }
  return [...buffers];
}

function decode(task: FileDecodeTask): DecodedColumns {
  const bytes = fs.readFileSync(task.file);
  const steps = planColumnReads(task.writerSchema, task.columns);
  if (!steps) throw new Error('no plan for these columns');
  const blocks = [...storedBlocks(task.file, bytes, task.dataStart, task.sync)];
  return decodeColumns(blocks, decompressor(task.codec, task.file), steps, task.columns.length);
}

parentPort!.on('message', ({ id, task }: { id: number; task: FileDecodeTask }) => {
  let reply: FileDecodeReply;
  try {
    const decoded = decode(task);
    parentPort!.postMessage({ id, decoded } satisfies FileDecodeReply, transferList(decoded));
    return;
  } catch (error) {
    reply = { id, failed: (error as Error).message };
  }
  parentPort!.postMessage(reply);
});
