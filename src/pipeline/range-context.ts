import { openRecordSource, openSchemaRegistry } from '../connector-factory';
import { createAvroType, LoadedSchema, withMetadataColumns } from '../formats/avro-schema';
import type { RecordSource, RecordSourceOptions } from '../ports/record-source';
import type { SchemaRegistryReader } from '../ports/schema-registry';
import type { JobDefinition } from '../job/job-definition';
import type { RegistrySettings } from '../job/job-registry';
import { TimePartitioner } from '../table/time-partitions';
import { FramedAvroDecoder } from './framed-avro-decoder';
import { FramedDecoders, makeRecordDecoder } from './record-decoder';
import type { RangeLoadContext } from './range-loader';
import { localReaderSchemas, ReaderSchema, ReaderSchemas } from '../job/reader-schemas';
import { registryReaders } from '../job/registry-access';

/** The job's topic, as the main thread and every worker thread open it: with the job's `source.security`, at its isolation level. */
export function openJobSource(job: JobDefinition, options: RecordSourceOptions = {}): Promise<RecordSource> {
  return openRecordSource(job.source.bootstrap, job.source.topic, { security: job.source.security, ...options, isolationLevel: job.source.isolationLevel });
}

export type RangeContextParts = Omit<RangeLoadContext, 'outputSchema' | 'decode' | 'prepare' | 'partitioner'>;

function loaded(reader: ReaderSchema): LoadedSchema {
  return { file: reader.source, schema: reader.schema, type: createAvroType(reader.schema, reader.source) };
}

/**
 * What `loadRange` needs, built the same way on the main thread and on a worker thread. `registryFor` gives the
 * thread's client of a registry; it is asked only by jobs with Confluent-framed values or keys.
 */
export function rangeLoadContext(
  parts: RangeContextParts,
  schemas: ReaderSchemas = localReaderSchemas(parts.job),
  registryFor: (settings: RegistrySettings) => SchemaRegistryReader = registryReaders(openSchemaRegistry),
): RangeLoadContext {
  const { job } = parts;
  const value = loaded(schemas.value);
  const framed: FramedDecoders = {
    value: job.value.framed ? new FramedAvroDecoder(registryFor(job.value.framed.registry), value.type, 'value', job.value.framed.registry.urls.join(',')) : null,
    key: job.key.framed && schemas.key ? new FramedAvroDecoder(registryFor(job.key.framed.registry), loaded(schemas.key).type, 'key', job.key.framed.registry.urls.join(',')) : null,
  };
  const { value: values, key: keys } = framed;
  return {
    ...parts,
    outputSchema: withMetadataColumns(value.schema, job.metadataColumns, schemas.key?.schema ?? null),
    decode: makeRecordDecoder(job, value, framed),
    prepare: values || keys
      ? async (batch) => {
        if (values) await values.prepare(batch.map((r) => r.value));
        if (keys) await keys.prepare(batch.map((r) => r.key));
      }
      : undefined,
    partitioner: new TimePartitioner(job.output.partitioning, job.time.timezone),
  };
}
