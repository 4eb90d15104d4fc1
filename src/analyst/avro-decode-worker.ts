// Worker-thread side of avro-decode-pool.ts: decodes each file it is sent and hands the buffers back (transferred).
import * as fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { decompressor, storedBlocks } from './avro-blocks';
import { decodeColumns, DecodedColumns } from './avro-column-batches';
import { planColumnReads } from './avro-column-decoder';
import type { FileDecodeReply, FileDecodeTask } from './avro-decode-pool';

/** Buffers Node may have carved from its shared pool (allocations under 4 KiB) are copied: transferring the pool would detach it. */
const POOL_BYTES = 8192;

function transferList(decoded: DecodedColumns): ArrayBuffer[] {
  decoded.blocks = decoded.blocks.map((block) => (block.buffer.byteLength <= POOL_BYTES ? new Uint8Array(block) : block));
  const buffers = new Set<ArrayBuffer>();
  for (const column of decoded.columns) {
    buffers.add(column.values.buffer as ArrayBuffer);
    buffers.add(column.long.buffer as ArrayBuffer);
    if (column.validity) buffers.add(column.validity.buffer as ArrayBuffer);
  }
  for (const block of decoded.blocks) buffers.add(block.buffer as ArrayBuffer);
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
