import * as path from 'node:path';
import * as v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { RangeLoadResult } from './range-loader';
import type { PlannedRange } from '../table/table-state';
import type { WarmRelease, WarmStart, WorkerMessage, WorkerTask } from './worker-messages';
import { rebuildError } from './worker-errors';

/** A worker that died, or failed with an error of a class the main thread cannot rebuild. */
export class RangeWorkerError extends Error {
  constructor(readonly range: PlannedRange | undefined, detail: string, readonly retriable = false) {
    super(range ? `partition ${range.partition} offsets ${range.start}..${range.end}: ${detail}` : detail);
    this.name = 'RangeWorkerError';
  }
}

/** Bounds each worker's V8 heap so two of them and their DuckDBs stay within the job's memory budget. */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 256 };

/**
 * A worker's old generation starts at 48 MB. Node gives no per-worker setting for it, so it is V8's process-wide
 * flag, read when an isolate is made. With the default start (~10 MB) beside a 32 MB young generation, V8 found its
 * old-space limit always within reach of one scavenge's promotions and began a full mark-compact every ~50 ms of a
 * load: 29 of them in a 1M-record Parquet load, ~1.2 CPU-s on V8's helper threads, a quarter of the load's CPU. At
 * 48 MB a load of good records runs none, and one of 200,000 bad records stays within its memory budget (at 128 MB
 * it peaked at 526 MB; at 64 MB at 438-504 MB, against 429-448 MB at 48).
 */
const WORKER_INITIAL_OLD_SPACE_MB = 48;
let workerHeapFlagSet = false;

function newWorker(workerData: WarmStart | WorkerTask): Worker {
  if (!workerHeapFlagSet) {
    v8.setFlagsFromString(`--initial-old-space-size=${WORKER_INITIAL_OLD_SPACE_MB}`);
    workerHeapFlagSet = true;
  }
  return new Worker(WORKER_FILE, { workerData, resourceLimits: WORKER_HEAP });
}

/**
 * How long workers get to wind down after a failure before they are terminated anyway. Terminating a worker whose
 * DuckDB call is still running aborts the whole process (a C++ exception thrown into a torn-down environment:
 * `terminate called after throwing an instance of 'Napi::Error'`), so workers are asked to stop and then waited for.
 */
const WIND_DOWN_MS = 120_000;

const WORKER_FILE = path.join(__dirname, 'range-worker.js');

/**
 * Range workers started before their run is planned: a worker takes ~0.2 s to load its modules and DuckDB, which
 * then overlaps the run's locking, recovery and planning. The run hands them its task (loadRangesOnWorkers) or
 * releases them.
 */
export class WarmWorkers {
  private readonly idle: Worker[] = [];

  constructor(count: number, parquet: boolean) {
    const warm: WarmStart = { warm: { parquet } };
    for (let i = 0; i < count; i++) {
      const worker = newWorker(warm);
      // One that fails before it is taken is dropped, and its lane starts a fresh worker (whose failure then counts).
      worker.on('error', () => undefined);
      worker.once('exit', () => {
        const at = this.idle.indexOf(worker);
        if (at >= 0) this.idle.splice(at, 1);
      });
      this.idle.push(worker);
    }
  }

  take(): Worker | undefined {
    return this.idle.shift();
  }

  /**
   * Ends the workers never taken by asking them to: terminating one still loading DuckDB's native module aborts the
   * whole process ("terminate called after throwing an instance of 'Napi::Error'"), as ending one inside a DuckDB call does.
   */
  async release(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((worker) => new Promise<void>((exited) => {
      worker.once('exit', () => exited());
      worker.postMessage({ release: true } satisfies WarmRelease);
    })));
  }
}

/**
 * Loads ranges on `threads` worker threads, each taking the next range when it finishes one. A range's failure
 * is thrown as the worker threw it (same class, message and fields), as on the main thread.
 */
export async function loadRangesOnWorkers(
  task: WorkerTask, ranges: PlannedRange[], threads: number, onProgress?: (records: number) => void, signal?: AbortSignal, warm?: WarmWorkers,
): Promise<RangeLoadResult[]> {
  const results: RangeLoadResult[] = new Array(ranges.length);
  let next = 0;
  let failed = false;
  const workers = new Set<Worker>();
  const exits: Promise<void>[] = [];
  const lane = () =>
    new Promise<void>((resolve, reject) => {
      const started = warm?.take();
      const worker = started ?? newWorker(task);
      if (started) worker.postMessage({ task });
      workers.add(worker);
      exits.push(new Promise((exited) => worker.once('exit', () => exited())));
      // Stopping reaches a worker as a message: its ranges then end where reading got to, as at the deadline.
      const stop = () => worker.postMessage({ stop: true });
      if (signal?.aborted) stop();
      else signal?.addEventListener('abort', stop, { once: true });
      // A worker holds at most two ranges: one reading, and one finishing its files behind it.
      const held = new Set<number>();
      let readingNow: number | null = null;
      const heldRange = (): PlannedRange | undefined => {
        const index = readingNow ?? held.values().next().value;
        return index === undefined ? undefined : ranges[index];
      };
      // A failed lane never terminates its worker: the worker is told `done` and exits once its writers are closed.
      const fail = (error: Error) => {
        failed = true;
        reject(error);
      };
      /** The next range once nothing is being read and there is room; `done` once nothing is left or held. */
      const takeNext = () => {
        if (readingNow !== null || held.size >= 2) return;
        if (failed || next >= ranges.length) {
          if (held.size === 0) worker.postMessage({ done: true });
          return;
        }
        const index = next++;
        held.add(index);
        readingNow = index;
        worker.postMessage({ range: ranges[index], index });
      };
      const ended = (index: number) => {
        held.delete(index);
        if (readingNow === index) readingNow = null;
        takeNext();
      };
      worker.on('message', (message: WorkerMessage) => {
        if ('progress' in message) onProgress?.(message.progress);
        else if ('ready' in message) takeNext();
        else if ('reading' in message) {
          if (readingNow === message.reading) readingNow = null;
          takeNext();
        } else if ('result' in message) {
          results[message.index] = message.result;
          ended(message.index);
        } else {
          const range = message.index === undefined ? heldRange() : ranges[message.index];
          fail(rebuildError(message.error, (e) => new RangeWorkerError(range, `${e.name}: ${e.message}`, e.retriable)));
          // Its range has failed and aborted its writers; told `done`, the worker exits once any other range it holds has ended.
          if (message.index === undefined) worker.postMessage({ done: true });
          else ended(message.index);
        }
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        workers.delete(worker);
        signal?.removeEventListener('abort', stop);
        if (code === 0 || next >= ranges.length) resolve();
        else fail(new RangeWorkerError(heldRange(), `worker exited with code ${code}`));
      });
    });
  try {
    await Promise.all(Array.from({ length: Math.min(threads, ranges.length) }, lane));
  } catch (error) {
    // The run fails, deletes its directory and releases its lock once this returns: no worker may still be writing.
    // Each worker still loading ends its range where reading got to (as at the deadline), is told `done`, and exits.
    failed = true;
    for (const worker of workers) worker.postMessage({ stop: true });
    await windDown(exits, [...workers]);
    throw error;
  }
  // Spread first: `some` skips the holes of `new Array(n)`, which a range never answered leaves.
  if ([...results].some((r) => r === undefined)) throw new RangeWorkerError(undefined, 'a worker stopped before finishing its ranges');
  return results;
}

/** Waits for every worker to exit; those still running after WIND_DOWN_MS are terminated (a last resort). */
async function windDown(exits: Promise<void>[], workers: Worker[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), WIND_DOWN_MS);
  });
  const outcome = await Promise.race([Promise.all(exits).then(() => 'exited' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') await Promise.all(workers.map((worker) => worker.terminate()));
}
