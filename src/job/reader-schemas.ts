// The schemas a run reads records as (and the tools read tables as), decided once on the main thread when it starts: the job's .avsc files,
// or the latest version of a subject (`schema: "latest"`). Worker threads get them as data, so every range of a run
// reads with the same schema even if the subject gains a version meanwhile.
import { createAvroType, loadAvroSchema } from '../formats/avro-schema';
import type { AvroSchema } from '../formats/record-file-writer';
import type { JobDefinition } from './job-definition';
import { FramedSettings, LATEST_SCHEMA, RegistrySettings, subjectOf } from './job-registry';
import { timeFieldReading } from './time-field';
import { SchemaRegistryError, SchemaRegistryReader } from '../ports/schema-registry';
import { inRegistryContext } from './registry-access';

export interface ReaderSchema {
  schema: AvroSchema;
  /** Where it came from, for messages: the .avsc path, or `subject S version V (id I)`. */
  source: string;
}

export interface ReaderSchemas {
  value: ReaderSchema;
  /** The key's reader schema when keys are Confluent-framed Avro; null for string keys. */
  key: ReaderSchema | null;
}

/** The reader schema cannot be had from the registry (no such subject, not Avro, invalid) or does not suit the job. */
export class ReaderSchemaError extends Error {
  constructor(readonly setting: string, detail: string) {
    super(`${setting}: ${detail}`);
    this.name = 'ReaderSchemaError';
  }
}

/** Confluent's error_code for "subject not found". */
const SUBJECT_NOT_FOUND = 40401;

async function latestSchema(registry: SchemaRegistryReader, settings: FramedSettings, subject: string, setting: string): Promise<ReaderSchema> {
  const urls = settings.registry.urls.join(',');
  let found;
  try {
    found = await registry.latestVersion(subject);
  } catch (error) {
    if (error instanceof SchemaRegistryError && error.errorCode === SUBJECT_NOT_FOUND) throw new ReaderSchemaError(setting, `"latest": subject ${subject} is not in the registry ${urls} (${SUBJECT_NOT_FOUND})`);
    throw inRegistryContext(error, urls, `GET /subjects/${subject}/versions/latest`);
  }
  const source = `subject ${subject} version ${found.version} (id ${found.id}) at ${urls}`;
  if (found.schemaType !== 'AVRO') throw new ReaderSchemaError(setting, `"latest": ${source} is a ${found.schemaType} schema, not Avro`);
  let schema: AvroSchema;
  try {
    schema = JSON.parse(found.schema) as AvroSchema;
    createAvroType(schema, source);
  } catch (error) {
    throw new ReaderSchemaError(setting, `"latest": ${source} is not a valid Avro schema: ${(error as Error).message}`);
  }
  return { schema, source };
}

async function readerSchema(path: string, framed: FramedSettings | null, registryFor: (settings: RegistrySettings) => SchemaRegistryReader, subject: string, setting: string): Promise<ReaderSchema> {
  if (path !== LATEST_SCHEMA) return { schema: loadAvroSchema(path).schema, source: path };
  if (!framed) throw new ReaderSchemaError(setting, '"latest" needs format "avro-confluent"');
  return latestSchema(registryFor(framed.registry), framed, subject, setting);
}

export async function resolveReaderSchemas(job: JobDefinition, registryFor: (settings: RegistrySettings) => SchemaRegistryReader): Promise<ReaderSchemas> {
  const topic = job.source.topic;
  const value = await readerSchema(job.value.schema, job.value.framed, registryFor, job.value.framed ? subjectOf(job.value.framed, topic, 'value') : '', 'value.schema');
  if (job.time.field !== null && job.value.schema === LATEST_SCHEMA) {
    const reading = timeFieldReading(value.schema, job.time.field);
    if (typeof reading === 'string') throw new ReaderSchemaError('time.field', `${JSON.stringify(job.time.field)} ${reading} (${value.source})`);
  }
  const key = job.key.framed && job.key.schema !== null
    ? await readerSchema(job.key.schema, job.key.framed, registryFor, subjectOf(job.key.framed, topic, 'key'), 'key.schema')
    : null;
  return { value, key };
}

/** The reader schemas of a job whose schemas are all local .avsc files (no registry needed). */
export function localReaderSchemas(job: JobDefinition): ReaderSchemas {
  const local = (path: string, setting: string): ReaderSchema => {
    if (path === LATEST_SCHEMA) throw new ReaderSchemaError(setting, '"latest" is read from the registry when a run starts');
    return { schema: loadAvroSchema(path).schema, source: path };
  };
  return { value: local(job.value.schema, 'value.schema'), key: job.key.framed && job.key.schema !== null ? local(job.key.schema, 'key.schema') : null };
}
