// What the main thread and a range worker say to each other (worker-pool.ts and range-worker.ts).
import type { JobDefinition } from '../job/job-definition';
import type { RecordSourceOptions } from '../ports/record-source';
import type { PlannedRange } from '../table/table-state';
import type { EventTimeWindow, RangeLoadResult } from './range-loader';
import type { SerializedError } from './worker-errors';
import type { ReaderSchemas } from '../job/reader-schemas';

/** Everything a worker needs to load ranges of one run, handed over as workerData. */
export interface WorkerTask {
  job: JobDefinition;
  sink: string;
  tableRoot: string;
  /** The table's `stateNamespace` (a shared many-topic table), null for `_sluice/` itself. */
  stateNamespace: string | null;
  runId: string;
  stagingDir: string;
  deadline: number;
  sourceOptions?: RecordSourceOptions;
  /** The run's reader schemas, decided on the main thread (reader-schemas.ts) and recorded in the table's history: workers never read a schema file or the registry for them. */
  readerSchemas: ReaderSchemas;
  eventTimeWindow?: EventTimeWindow;
}

/** A worker started before its run's task is known (WarmWorkers) gets this as workerData, and the task as its first message. */
export interface WarmStart {
  warm: { parquet: boolean };
}

/** To a warm worker never given a task: exit once its start (loading DuckDB) is over. */
export interface WarmRelease {
  release: true;
}

/** Main thread → worker. `index` names the range in the worker's answers: a worker reads one range while it finishes the files of another. */
export type WorkerRequest = { range: PlannedRange; index: number } | { done: true } | { stop: true };

/**
 * Worker → main thread. `reading` says range `index` has read to its end and is finishing its files: the worker can
 * take another. An error without an index is the worker's own (its task could not be served).
 */
export type WorkerMessage =
  | { ready: true }
  | { progress: number }
  | { reading: number }
  | { result: RangeLoadResult; index: number }
  | { error: SerializedError; index?: number };
