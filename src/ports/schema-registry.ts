/**
 * A Confluent-compatible Schema Registry as the loader and the tools see it. The embedded registry
 * (src/registry/) serves the REST API; connectors/ holds the HTTP client that implements these ports.
 */
export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';

/** One version of a subject, as GET /subjects/{subject}/versions/{version} answers. */
export interface RegisteredSchema {
  subject: string;
  version: number;
  id: number;
  schemaType: SchemaType;
  /** The schema's text (for Avro, its JSON). */
  schema: string;
}

/** What a loader needs: writer schemas by id, and the latest version of a subject. */
export interface SchemaRegistryReader {
  /** GET /schemas/ids/{id}. Throws SchemaRegistryError 40403 when no schema has the id. */
  schemaById(id: number): Promise<{ schemaType: SchemaType; schema: string }>;
  /** GET /subjects/{subject}/versions/latest. Throws SchemaRegistryError 40401 when the subject is unknown. */
  latestVersion(subject: string): Promise<RegisteredSchema>;
}

/** An answer from the registry with Confluent's error_code (40401 subject not found, 40403 schema not found, 409 incompatible, 42201 invalid schema …). */
export class SchemaRegistryError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'SchemaRegistryError';
  }
}

/** The registry could not be reached or kept failing (after the client's retries). */
export class SchemaRegistryUnavailableError extends Error {
  constructor(
    readonly url: string,
    detail: string,
  ) {
    super(`schema registry ${url} is unavailable: ${detail}`);
    this.name = 'SchemaRegistryUnavailableError';
  }
}
