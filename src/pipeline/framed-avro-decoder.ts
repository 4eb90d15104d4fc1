// Decoding Confluent-framed Avro with the writer schema each record's id names, resolved to the job's reader
// schema. Decoding is synchronous (it runs per record on the worker threads); the writer schemas a batch needs are
// fetched first, once per id and thread, by `prepare`. An id's outcome (a resolver, or why it has none) is cached.
import type { Resolver } from 'avsc';
import { AvroType, createAvroType, decodeAvroBinary } from '../formats/avro-schema';
import type { AvroSchema } from '../formats/record-file-writer';
import { SchemaRegistryError, SchemaRegistryReader } from '../ports/schema-registry';
import { BadRecordError, decodeFailureReason } from './bad-record';
import { FRAMING_BYTES, framedId, requireFramedId } from './confluent-framing';
import { inRegistryContext } from '../job/registry-access';

/** Confluent's error_code for "schema not found" (GET /schemas/ids/{id}). */
const SCHEMA_NOT_FOUND = 40403;

/** A writer schema: `resolver` null when it is the reader schema itself (decoded directly, the fast path). */
type WriterEntry = { ok: true; resolver: Resolver | null } | { ok: false; reason: string };

interface RecordFields {
  fields?: { name: string; type: AvroType; defaultValue(): unknown }[];
}

/** For two records, the first reader field that cannot be read from the writer, named; avsc's message otherwise. */
function whyUnresolvable(reader: AvroType, writer: AvroType, message: string): string {
  const readerFields = (reader as unknown as RecordFields).fields;
  const writerFields = (writer as unknown as RecordFields).fields;
  if (!readerFields || !writerFields) return message;
  for (const field of readerFields) {
    const written = writerFields.find((w) => w.name === field.name);
    if (!written) {
      if (field.defaultValue() === undefined) return `field ${field.name} is not in the writer schema and has no default`;
      continue;
    }
    try {
      field.type.createResolver(written.type);
    } catch (error) {
      return `field ${field.name}: ${(error as Error).message}`;
    }
  }
  return message;
}

export class FramedAvroDecoder {
  private readonly writers = new Map<number, WriterEntry>();

  /** `what` is "value" or "key": it starts the reasons of key dead letters. */
  /** `registryName`: the registry's URLs, for errors. */
  constructor(private readonly registry: SchemaRegistryReader, readonly reader: AvroType, private readonly what: 'value' | 'key', private readonly registryName = 'registry') {}

  /** Fetches the writer schemas of every framed value whose id has not been seen; registry outages are thrown. */
  async prepare(values: Iterable<Buffer | null>): Promise<void> {
    const missing = new Set<number>();
    for (const bytes of values) {
      const id = bytes === null ? null : framedId(bytes);
      if (id !== null && !this.writers.has(id)) missing.add(id);
    }
    if (missing.size === 0) return;
    const loaded = await Promise.all([...missing].map(async (id) => [id, await this.load(id)] as const));
    for (const [id, entry] of loaded) this.writers.set(id, entry);
  }

  private async load(id: number): Promise<WriterEntry> {
    let found: { schemaType: string; schema: string };
    try {
      found = await this.registry.schemaById(id);
    } catch (error) {
      if (error instanceof SchemaRegistryError && error.errorCode === SCHEMA_NOT_FOUND) return { ok: false, reason: `schema id ${id} is not in the registry (${SCHEMA_NOT_FOUND})` };
      throw inRegistryContext(error, this.registryName, `GET /schemas/ids/${id}`);
    }
    if (found.schemaType !== 'AVRO') return { ok: false, reason: `schema id ${id} is a ${found.schemaType} schema, not Avro` };
    let writer: AvroType;
    try {
      writer = createAvroType(JSON.parse(found.schema) as AvroSchema, `schema id ${id}`);
    } catch (error) {
      return { ok: false, reason: `schema id ${id} is not a valid Avro schema: ${(error as Error).message}` };
    }
    if (writer.equals(this.reader)) return { ok: true, resolver: null };
    try {
      return { ok: true, resolver: this.reader.createResolver(writer) };
    } catch (error) {
      return { ok: false, reason: `writer schema id ${id} cannot be resolved to the reader schema: ${whyUnresolvable(this.reader, writer, (error as Error).message)}` };
    }
  }

  /** The datum of framed bytes, read as the reader schema; a BadRecordError for framing errors and unusable ids. */
  decode(bytes: Buffer): unknown {
    const id = requireFramedId(bytes, this.what);
    const entry = this.writers.get(id);
    if (entry === undefined) throw new Error(`schema id ${id} was not prepared before decoding`);
    try {
      if (!entry.ok) throw new BadRecordError(entry.reason);
      return decodeAvroBinary(this.reader, bytes, FRAMING_BYTES, entry.resolver ?? undefined);
    } catch (error) {
      const message = (error as Error).message;
      const reason = decodeFailureReason(error as Error);
      throw this.what === 'value' ? new BadRecordError(message, reason) : new BadRecordError(`${this.what}: ${message}`, `${this.what}: ${reason}`);
    }
  }
}
