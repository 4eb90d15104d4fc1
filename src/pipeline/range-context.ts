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
import { FlatJsonSchema, flatJsonSchemaOf } from '../formats/flat-json-schema';
import { timeFieldReading } from '../job/time-field';

/** `SLUICE_JSON_FAST_PATH=0` sends every JSON value through the per-record path (to compare the two paths). */
export const FAST_PATH_ENV = 'SLUICE_JSON_FAST_PATH';

/** The flat schema whose JSON values take the fast path, or null when the job's values cannot. */
export function fastJsonSchemaOf(job: JobDefinition, value: ReaderSchema): FlatJsonSchema | null {
  if (job.value.format !== 'json' || job.key.framed || process.env[FAST_PATH_ENV] === '0') return null;
  const reading = job.time.field ? timeFieldReading(value.schema, job.time.field) : null;
  if (typeof reading === 'string') return null;
  // INT96 Parquet is written by the appender writer (its timestamps rewritten after DuckDB's COPY), which takes decoded records.
  if (job.output.formats.includes('parquet') && job.output.parquet.timestampType === 'int96') return null;
  // `_kafka_topic` (a table many topics share) is written by the per-record path only.
  const columns = job.metadataColumns.filter((c): c is Exclude<typeof c, 'topic'> => c !== 'topic');
  if (columns.length !== job.metadataColumns.length) return null;
  return flatJsonSchemaOf(value.schema, columns, job.time.field, reading?.unit ?? 'millis');
}

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
        if (values) await values.prepare(Array.from({ length: batch.length }, (_, i) => batch.value(i)));
        if (keys) await keys.prepare(Array.from({ length: batch.length }, (_, i) => batch.key(i)));
      }
      : undefined,
    partitioner: new TimePartitioner(job.output.partitioning, job.time.timezone),
    fastJson: fastJsonSchemaOf(job, schemas.value),
  };
}
