// Worker-thread side of parallel loading: each worker loads whole partition ranges with its own
// Kafka connection; the main thread alone commits.
import { parentPort, workerData } from 'node:worker_threads';
import { openSchemaRegistry, openSink } from '../connector-factory';
import { closesInTurn, loadRange } from './range-loader';
import { openJobSource, rangeLoadContext } from './range-context';
import { TableState } from '../table/table-state';
import type { WarmRelease, WarmStart, WorkerMessage, WorkerRequest, WorkerTask } from './worker-messages';
import { loadParquetWriters } from './file-writers';
import { serializeError } from './worker-errors';
import { registryReaders } from '../job/registry-access';


const post = (message: WorkerMessage) => parentPort!.postMessage(message);

/** Requests that came before the worker could serve them (its source still opening), in order. */
const early: WorkerRequest[] = [];
let handle: ((request: WorkerRequest) => void) | undefined;
let taskArrived: (task: WorkerTask) => void = () => undefined;
const task = new Promise<WorkerTask>((resolve) => {
  taskArrived = resolve;
});
parentPort!.on('message', (message: WorkerRequest | { task: WorkerTask } | WarmRelease) => {
  if ('release' in message) parentPort!.close();
  else if ('task' in message) taskArrived(message.task);
  else if (handle) handle(message);
  else early.push(message);
});

/** Progress goes to the main thread at most this often: a message per fetch cost ~3% of a worker's time. */
const PROGRESS_EVERY_MS = 100;
let unreported = 0;
let reportedAt = 0;

function reportProgress(): void {
  if (unreported > 0) post({ progress: unreported });
  unreported = 0;
  reportedAt = Date.now();
}

async function serve(task: WorkerTask): Promise<void> {
  const { job } = task;
  const source = await openJobSource(job, task.sourceOptions);
  const stopping = new AbortController();
  const context = rangeLoadContext({
    job,
    table: new TableState(openSink(task.sink), task.tableRoot, task.stateNamespace),
    runId: task.runId,
    source,
    stagingDir: task.stagingDir,
    deadline: task.deadline,
    signal: stopping.signal,
    onProgress: (records: number) => {
      unreported += records;
      if (Date.now() - reportedAt >= PROGRESS_EVERY_MS) reportProgress();
    },
    eventTimeWindow: task.eventTimeWindow,
  }, task.readerSchemas, registryReaders(openSchemaRegistry));
  const loading = new Set<Promise<void>>();
  // One queue for the worker's ranges: the range reading and the one finishing share the thread's DuckDB.
  const closeQueue = closesInTurn();
  handle = (request: WorkerRequest) => {
    if ('stop' in request) {
      stopping.abort();
      return;
    }
    if ('done' in request) {
      // A range may still be finishing its files (inside a DuckDB call): the worker ends only after it.
      void Promise.allSettled(loading).then(() => {
        source.close();
        parentPort!.close();
      });
      return;
    }
    const { index } = request;
    const loaded = loadRange({ ...context, closeQueue, onReadingDone: () => post({ reading: index }) }, request.range).then(
      (result) => {
        reportProgress();
        post({ result, index });
      },
      (error: unknown) => {
        reportProgress();
        post({ error: serializeError(error), index });
      },
    );
    loading.add(loaded);
    void loaded.finally(() => loading.delete(loaded));
  };
  for (const request of early.splice(0)) handle(request);
  post({ ready: true });
}

const started = workerData as WorkerTask | WarmStart;
if ('warm' in started) {
  // Started ahead of its task: DuckDB loads while the main thread plans the run.
  if (started.warm.parquet) loadParquetWriters();
} else {
  taskArrived(started);
}
task.then(serve).catch((error: unknown) => {
  post({ error: serializeError(error) });
  // Nothing to serve: the worker exits once told it is done.
  handle = (request) => {
    if ('done' in request) parentPort!.close();
  };
  for (const request of early.splice(0)) handle(request);
});
