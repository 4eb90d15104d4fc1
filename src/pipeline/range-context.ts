import { openRecordSource } from '../connector-factory';
import { LoadedSchema, loadAvroSchema, withMetadataColumns } from '../formats/avro-schema';
import type { RecordSource, RecordSourceOptions } from '../ports/record-source';
import type { JobDefinition } from '../job/job-definition';
import { HourPartitioner } from '../table/layout';
import { makeRecordDecoder } from './record-decoder';
import type { RangeLoadContext } from './range-loader';

/** The job's topic, as the main thread and every worker thread open it: with the job's `source.security`, at its isolation level. */
export function openJobSource(job: JobDefinition, options: RecordSourceOptions = {}): Promise<RecordSource> {
  return openRecordSource(job.source.bootstrap, job.source.topic, { security: job.source.security, ...options, isolationLevel: job.source.isolationLevel });
}

export type RangeContextParts = Omit<RangeLoadContext, 'outputSchema' | 'decode' | 'partitioner'>;

/** What `loadRange` needs, built the same way on the main thread and on a worker thread. */
export function rangeLoadContext(parts: RangeContextParts, schema: LoadedSchema = loadAvroSchema(parts.job.value.schema)): RangeLoadContext {
  const { job } = parts;
  return {
    ...parts,
    outputSchema: withMetadataColumns(schema.schema, job.metadataColumns),
    decode: makeRecordDecoder(job, schema),
    partitioner: new HourPartitioner(job.time.timezone),
  };
}
