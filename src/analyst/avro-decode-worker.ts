// Worker-thread side of avro-decode-pool.ts: decodes each file it is sent and hands the buffers back (transferred).
import * as fs from 'node:fs';
import { MessagePort, parentPort, workerData } from 'node:worker_threads';
import { decompressor, storedBlocks } from './avro-blocks';
import { decodeColumns, DecodedColumns } from './avro-column-batches';
import { planColumnReads } from './avro-column-decoder';
import type { FileDecodeReply, FileDecodeTask } from './avro-decode-pool';

const { replies, signal } = workerData as { replies: MessagePort; signal: Int32Array };
const REPLIES = 0;
const PROGRESS = 1;

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
  Atomics.add(signal, PROGRESS, 1);
  const steps = planColumnReads(task.writerSchema, task.columns);
  if (!steps) throw new Error('no plan for these columns');
  const blocks = [...storedBlocks(task.file, bytes, task.dataStart, task.sync)];
  // Each block decoded tells a pool waiting synchronously that this worker is alive (AvroDecodePool.waitFor).
  return decodeColumns(blocks, decompressor(task.codec, task.file), steps, task.columns.length, () => Atomics.add(signal, PROGRESS, 1));
}

function post(reply: FileDecodeReply, transfer: ArrayBuffer[] = []): void {
  replies.postMessage(reply, transfer);
  // Wakes the pool if it is waiting synchronously (AvroDecodePool.waitFor).
  Atomics.add(signal, REPLIES, 1);
  Atomics.notify(signal, REPLIES);
}

parentPort!.on('message', ({ id, task }: { id: number; task: FileDecodeTask }) => {
  let decoded: DecodedColumns;
  try {
    decoded = decode(task);
  } catch (error) {
    post({ id, failed: (error as Error).message });
    return;
  }
  post({ id, decoded }, transferList(decoded));
});
