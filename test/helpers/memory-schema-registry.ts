import { RegisteredSchema, SchemaRegistryError, SchemaRegistryReader, SchemaRegistryUnavailableError, SchemaType } from '../../src/ports/schema-registry';

/** The registry port in memory, for unit tests: ids from 1 in registration order; `down` makes every call an outage. */
export class MemorySchemaRegistry implements SchemaRegistryReader {
  private readonly byId = new Map<number, { schemaType: SchemaType; schema: string }>();
  private readonly subjects = new Map<string, RegisteredSchema[]>();
  down = false;
  /** Every id asked for, in order (to check what is fetched once). */
  readonly asked: number[] = [];

  register(subject: string, schema: unknown, schemaType: SchemaType = 'AVRO'): number {
    const text = JSON.stringify(schema);
    const id = this.byId.size + 1;
    this.byId.set(id, { schemaType, schema: text });
    const versions = this.subjects.get(subject) ?? [];
    versions.push({ subject, version: versions.length + 1, id, schemaType, schema: text });
    this.subjects.set(subject, versions);
    return id;
  }

  async schemaById(id: number): Promise<{ schemaType: SchemaType; schema: string }> {
    this.asked.push(id);
    if (this.down) throw new SchemaRegistryUnavailableError('http://memory:8081', 'connection refused');
    const found = this.byId.get(id);
    if (!found) throw new SchemaRegistryError(404, 40403, 'Schema not found');
    return found;
  }

  async latestVersion(subject: string): Promise<RegisteredSchema> {
    if (this.down) throw new SchemaRegistryUnavailableError('http://memory:8081', 'connection refused');
    const versions = this.subjects.get(subject);
    if (!versions) throw new SchemaRegistryError(404, 40401, `Subject '${subject}' not found.`);
    return versions[versions.length - 1];
  }
}

/** Confluent's wire format: magic byte 0, the id big-endian, the Avro body. */
export function framed(id: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, body]);
}
