// Decoding a table's Avro files on worker threads (avro-decode-worker.ts): a worker decodes each file's planned
// columns (avro-column-batches.ts) into buffers it hands back without copying, which DuckDB then scans where they
// lie (avro-decoded-scan.ts). The workers load neither DuckDB nor avsc, so they start in
// ~20 ms. A file a worker cannot decode comes back as null: the main thread decodes it again, with the errors that
// name the fault as avsc does.
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Column } from '../formats/avro-to-parquet';
import type { AvroSchema } from '../formats/record-file-writer';
import type { DecodedColumns } from './avro-column-batches';
import type { CatalogTable } from './table-catalog';

/**
 * What decoding needs of a table: its name (for messages), the schema its files are read as, and the top-level
 * columns to read (the others are NULL in the view: the query does not look at them); undefined reads them all.
 * `partitions`: the partition columns the view takes from the files' directories (in their order).
 */
export type AvroTableSource = Pick<CatalogTable, 'name' | 'outputSchema'> & { columns?: readonly string[]; partitions?: readonly string[] };

export interface AvroDecoding {
  /** Worker threads; below 2, the files are decoded on the main thread. */
  workers: number;
  /** Selections holding fewer bytes than this are decoded on the main thread: starting the workers would cost more. */
  minBytes: number;
}

export const DEFAULT_AVRO_DECODING: AvroDecoding = { workers: Math.min(2, os.availableParallelism()), minBytes: 2 ** 20 };

/** One file for a worker: where its blocks start, its sync marker and codec, the writer schema to plan with, and the columns. */
export interface FileDecodeTask {
  file: string;
  dataStart: number;
  sync: Uint8Array;
  codec: string;
  writerSchema: AvroSchema;
  columns: Column[];
}

export type FileDecodeReply = { id: number; decoded: DecodedColumns } | { id: number; failed: string };

let decodedOnWorkers = 0;
/** Files decoded on workers in this process so far (what tests check the pool by). */
export const filesDecodedOnWorkers = (): number => decodedOnWorkers;

interface PoolWorker {
  worker: Worker;
  /** Where the worker's replies arrive: as events, or taken synchronously by waitFor. */
  replies: MessagePort;
  /** Bytes of the files sent and not yet answered: the next file goes to the least loaded. */
  queuedBytes: number;
  files: number;
  alive: boolean;
}

/** A file sent to a worker: its decoded columns (or null) as a promise, or waited for synchronously. */
export interface PendingDecode {
  promise: Promise<DecodedColumns | null>;
  /** Blocks this thread until the reply is in (for a caller that cannot return to the event loop: a DuckDB scan). */
  wait(): DecodedColumns | null;
}

/**
 * How long wait() blocks with neither a reply nor a decoded block from any worker before it gives the file up (null,
 * so it is decoded on this thread): a worker that died says nothing, and its exit event cannot run while this waits.
 */
const SILENT_WORKERS_MS = 5_000;

export class AvroDecodePool {
  private readonly workers: PoolWorker[] = [];
  /** [0] bumped by a worker after each reply it posts, so that wait() sleeps until there is one; [1] after each block it decodes. */
  private readonly signal = new Int32Array(new SharedArrayBuffer(8));
  private readonly waiting = new Map<number, { owner: PoolWorker; bytes: number; resolve: (decoded: DecodedColumns | null) => void }>();
  private nextId = 0;

  /** `silentMs`: how long a synchronous wait hears nothing from any worker before it gives the file up. */
  constructor(readonly size: number, private readonly silentMs = SILENT_WORKERS_MS) {
    for (let i = 0; i < size; i++) this.workers.push(this.spawn());
  }

  private spawn(): PoolWorker {
    const { port1: replies, port2 } = new MessageChannel();
    const worker = new Worker(path.join(__dirname, 'avro-decode-worker.js'), { workerData: { replies: port2, signal: this.signal }, transferList: [port2] });
    const entry: PoolWorker = { worker, replies, queuedBytes: 0, files: 0, alive: true };
    replies.on('message', (reply: FileDecodeReply) => this.answerReply(reply));
    const gone = () => {
      entry.alive = false;
      for (const [id, wait] of this.waiting) if (wait.owner === entry) this.answer(id, null);
    };
    worker.on('error', gone);
    worker.on('exit', gone);
    // Referenced only while it has files (after the listeners: adding a 'message' listener refs the port again).
    worker.unref();
    replies.unref();
    return entry;
  }

  private answerReply(reply: FileDecodeReply): void {
    this.answer(reply.id, 'decoded' in reply ? reply.decoded : null);
  }

  private answer(id: number, decoded: DecodedColumns | null): void {
    const wait = this.waiting.get(id);
    if (!wait) return;
    this.waiting.delete(id);
    wait.owner.queuedBytes -= wait.bytes;
    if (--wait.owner.files === 0) {
      wait.owner.worker.unref();
      wait.owner.replies.unref();
    }
    if (decoded) decodedOnWorkers++;
    wait.resolve(decoded);
  }

  /** Sends the file to the least loaded worker; its decoded columns come back null when it is to be decoded on this thread. */
  send(task: FileDecodeTask, bytes: number): PendingDecode {
    const owner = this.workers.filter((w) => w.alive).sort((a, b) => a.queuedBytes - b.queuedBytes)[0];
    if (!owner) return { promise: Promise.resolve(null), wait: () => null };
    const id = this.nextId++;
    owner.queuedBytes += bytes;
    if (owner.files++ === 0) {
      owner.worker.ref();
      owner.replies.ref();
    }
    let answered: DecodedColumns | null | undefined;
    const promise = new Promise<DecodedColumns | null>((resolve) => {
      this.waiting.set(id, { owner, bytes, resolve: (decoded) => resolve((answered = decoded)) });
      owner.worker.postMessage({ id, task });
    });
    return { promise, wait: () => (answered !== undefined ? answered : this.waitFor(id, () => answered)) };
  }

  private waitFor(id: number, answered: () => DecodedColumns | null | undefined): DecodedColumns | null {
    let silentSince = Date.now();
    let progress = Atomics.load(this.signal, 1);
    while (this.waiting.has(id)) {
      const seen = Atomics.load(this.signal, 0);
      const blocks = Atomics.load(this.signal, 1);
      let heard = blocks !== progress;
      progress = blocks;
      for (const { replies } of this.workers) {
        for (let reply = receiveMessageOnPort(replies); reply; reply = receiveMessageOnPort(replies)) {
          this.answerReply(reply.message as FileDecodeReply);
          heard = true;
        }
      }
      if (heard) silentSince = Date.now();
      else if (Date.now() - silentSince > this.silentMs) this.answer(id, null);
      else Atomics.wait(this.signal, 0, seen, 100);
    }
    return answered() ?? null;
  }

  /** Stops the workers (they run no native code, so terminating them is safe); files still waiting get null. */
  close(): void {
    for (const { worker, replies } of this.workers) {
      void worker.terminate();
      replies.close();
    }
    for (const id of [...this.waiting.keys()]) this.answer(id, null);
  }

  get idle(): boolean {
    return this.waiting.size === 0;
  }
}

/** How long the shared pool's workers outlive their last file: a process that queries again (the console) finds them started and compiled. */
const IDLE_MS = 30_000;
let shared: { pool: AvroDecodePool; timer?: NodeJS.Timeout } | undefined;

/**
 * The process's pool of `size` workers, started on first use. `release` when done with it: once idle for 30 s its
 * workers stop (they never keep the process alive meanwhile).
 */
export function sharedDecodePool(size: number): { pool: AvroDecodePool; release: () => void } {
  if (shared && shared.pool.size !== size) {
    shared.pool.close();
    shared = undefined;
  }
  const entry = (shared ??= { pool: new AvroDecodePool(size) });
  clearTimeout(entry.timer);
  return {
    pool: entry.pool,
    release: () => {
      clearTimeout(entry.timer);
      entry.timer = setTimeout(() => {
        if (shared !== entry || !entry.pool.idle) return;
        entry.pool.close();
        shared = undefined;
      }, IDLE_MS).unref();
    },
  };
}
