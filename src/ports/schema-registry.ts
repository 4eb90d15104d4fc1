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
  /** Other subjects' versions this schema names (Confluent's schema references); absent when none. */
  references?: SchemaReference[];
}

/** A schema reference: the name the schema uses for it, and the subject version that defines it. */
export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

/** What a loader needs: writer schemas by id, and the latest version of a subject. */
export interface SchemaRegistryReader {
  /** GET /schemas/ids/{id}. Throws SchemaRegistryError 40403 when no schema has the id. */
  schemaById(id: number): Promise<{ schemaType: SchemaType; schema: string }>;
  /** GET /subjects/{subject}/versions/latest. Throws SchemaRegistryError 40401 when the subject is unknown. */
  latestVersion(subject: string): Promise<RegisteredSchema>;
}

/** What POST /subjects/{subject}/versions (register), POST /subjects/{subject} (lookup) and the compatibility check send. */
export interface SchemaToRegister {
  schema: string;
  /** AVRO when absent, as the registry assumes. */
  schemaType?: SchemaType;
  references?: SchemaReference[];
}

/** Confluent's compatibility levels (GET/PUT /config). */
export const COMPATIBILITY_LEVELS = [
  'NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** POST /compatibility/subjects/{subject}/versions/{version}?verbose=true: `is_compatible` and, when not, why. */
export interface CompatibilityResult {
  isCompatible: boolean;
  messages: string[];
}

/** A version of a subject, or `latest` (Confluent's `-1`). */
export type VersionSelector = number | 'latest';

/** The rest of the REST API, for tools (`sluice schemas`) and tests. Soft deletes are the default, as in Confluent's API. */
export interface SchemaRegistryAdmin extends SchemaRegistryReader {
  /** GET /subjects (`deleted` includes soft-deleted subjects). */
  listSubjects(options?: { deleted?: boolean }): Promise<string[]>;
  /** GET /subjects/{subject}/versions. */
  versions(subject: string, options?: { deleted?: boolean }): Promise<number[]>;
  /** GET /subjects/{subject}/versions/{version}. */
  getVersion(subject: string, version: VersionSelector, options?: { deleted?: boolean }): Promise<RegisteredSchema>;
  /** GET /schemas/ids/{id}/versions: every subject version that holds the schema. */
  subjectVersionsOfId(id: number): Promise<{ subject: string; version: number }[]>;
  /** POST /subjects/{subject}/versions: the schema's id (the same id when it is registered already). */
  register(subject: string, schema: SchemaToRegister, options?: { normalize?: boolean }): Promise<number>;
  /** POST /subjects/{subject}: the version of the subject holding this schema (40403 when none does). */
  lookup(subject: string, schema: SchemaToRegister, options?: { deleted?: boolean; normalize?: boolean }): Promise<RegisteredSchema>;
  /** POST /compatibility/subjects/{subject}/versions/{version}?verbose=true; `all` checks every version the subject's level asks for. */
  checkCompatibility(subject: string, schema: SchemaToRegister, version?: VersionSelector | 'all'): Promise<CompatibilityResult>;
  /** GET /config, or GET /config/{subject} (40408 when the subject has no level of its own, unless `defaultToGlobal`). */
  getCompatibility(subject?: string, options?: { defaultToGlobal?: boolean }): Promise<CompatibilityLevel>;
  /** PUT /config or PUT /config/{subject}: the level now in force. */
  setCompatibility(level: CompatibilityLevel, subject?: string): Promise<CompatibilityLevel>;
  /** DELETE /config/{subject}: the subject falls back to the global level; answers the level it had. */
  deleteCompatibility(subject: string): Promise<CompatibilityLevel>;
  /** DELETE /subjects/{subject}: the versions deleted. Permanent only after a soft delete (40405 otherwise). */
  deleteSubject(subject: string, options?: { permanent?: boolean }): Promise<number[]>;
  /** DELETE /subjects/{subject}/versions/{version}: the version deleted. */
  deleteVersion(subject: string, version: VersionSelector, options?: { permanent?: boolean }): Promise<number>;
}

/** Confluent's error_code values (io.confluent.kafka.schemaregistry.rest.exceptions.Errors). */
export const SchemaRegistryErrorCode = {
  SUBJECT_NOT_FOUND: 40401,
  VERSION_NOT_FOUND: 40402,
  SCHEMA_NOT_FOUND: 40403,
  SUBJECT_SOFT_DELETED: 40404,
  SUBJECT_NOT_SOFT_DELETED: 40405,
  SCHEMA_VERSION_SOFT_DELETED: 40406,
  SCHEMA_VERSION_NOT_SOFT_DELETED: 40407,
  SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED: 40408,
  SUBJECT_LEVEL_MODE_NOT_CONFIGURED: 40409,
  INCOMPATIBLE_SCHEMA: 409,
  INVALID_SCHEMA: 42201,
  INVALID_VERSION: 42202,
  INVALID_COMPATIBILITY_LEVEL: 42203,
  INVALID_MODE: 42204,
  OPERATION_NOT_PERMITTED: 42205,
  REFERENCE_EXISTS: 42206,
  ID_DOES_NOT_MATCH: 42207,
  INVALID_SUBJECT: 42208,
  SCHEMA_TOO_LARGE: 42209,
  STORE_ERROR: 50001,
  OPERATION_TIMEOUT: 50002,
  REQUEST_FORWARDING_FAILED: 50003,
  UNKNOWN_LEADER: 50004,
  /** Not sent by the server: Confluent's clients use it for an answer whose body is not JSON. */
  JSON_PARSE_ERROR: 50005,
} as const;

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
    /** The last failure: a connection error, or the SchemaRegistryError of a 5xx answer. */
    readonly lastError?: Error,
  ) {
    super(`schema registry ${url} is unavailable: ${detail}`);
    this.name = 'SchemaRegistryUnavailableError';
  }
}
