// Worker-thread side of parallel loading: each worker loads whole partition ranges with its own
// Kafka connection; the main thread alone commits.
import { parentPort, workerData } from 'node:worker_threads';
import { openSink } from '../connector-factory';
import { KafkaSource } from '../../connectors/sources/kafka-source';
import { loadAvroSchema, withMetadataColumns } from '../formats/avro-schema';
import type { JobDefinition } from '../job/job-definition';
import { HourPartitioner } from '../table/layout';
import { makeRecordDecoder } from './record-decoder';
import { loadRange } from './range-loader';
import { PlannedRange, TableState } from '../table/table-state';

export interface WorkerTask {
  job: JobDefinition;
  sink: string;
  tableRoot: string;
  runId: string;
  stagingDir: string;
  deadline: number;
}

export type WorkerRequest = { range: PlannedRange } | { done: true } | { stop: true };

async function serve(task: WorkerTask): Promise<void> {
  const { job } = task;
  const schema = loadAvroSchema(job.value.schema);
  const source = await KafkaSource.open(job.source.bootstrap, job.source.topic);
  const stopping = new AbortController();
  const context = {
    job,
    table: new TableState(openSink(task.sink), task.tableRoot),
    runId: task.runId,
    source,
    stagingDir: task.stagingDir,
    outputSchema: withMetadataColumns(schema.schema, job.metadataColumns),
    decode: makeRecordDecoder(job, schema),
    partitioner: new HourPartitioner(job.time.timezone),
    deadline: task.deadline,
    signal: stopping.signal,
    onProgress: (records: number) => parentPort!.postMessage({ progress: records }),
  };
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
      (result) => parentPort!.postMessage({ result }),
      (error: Error) => parentPort!.postMessage({ error: error.message, name: error.name }),
    );
  });
  parentPort!.postMessage({ ready: true });
}

serve(workerData as WorkerTask).catch((error: Error) => parentPort!.postMessage({ error: error.message, name: error.name }));
