// Worker-thread side of parallel loading: each worker loads whole partition ranges with its own
// Kafka connection; the main thread alone commits.
import { parentPort, workerData } from 'node:worker_threads';
import { openSchemaRegistry, openSink } from '../connector-factory';
import { loadRange } from './range-loader';
import { openJobSource, rangeLoadContext } from './range-context';
import { TableState } from '../table/table-state';
import type { WorkerMessage, WorkerRequest, WorkerTask } from './worker-messages';
import { serializeError } from './worker-errors';
import { registryReaders } from '../job/registry-access';


const post = (message: WorkerMessage) => parentPort!.postMessage(message);

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
    onProgress: (records: number) => post({ progress: records }),
    eventTimeWindow: task.eventTimeWindow,
  }, task.readerSchemas, registryReaders(openSchemaRegistry));
  parentPort!.on('message', (request: WorkerRequest) => {
    if ('stop' in request) {
      stopping.abort();
      return;
    }
    if ('done' in request) {
      source.close();
      parentPort!.close();
      return;
    }
    loadRange(context, request.range).then(
      (result) => post({ result }),
      (error: unknown) => post({ error: serializeError(error) }),
    );
  });
  post({ ready: true });
}

serve(workerData as WorkerTask).catch((error: unknown) => post({ error: serializeError(error) }));
