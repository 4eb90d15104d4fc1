import {
  COMPATIBILITY_LEVELS,
  CompatibilityLevel,
  CompatibilityResult,
  RegisteredSchema,
  SchemaReference,
  SchemaRegistryAdmin,
  SchemaRegistryError,
  SchemaRegistryErrorCode,
  SchemaToRegister,
  SchemaType,
  VersionSelector,
} from '../../src/ports/schema-registry';
import { parseRegistryUrls } from './registry-endpoints';
import { DEFAULT_REGISTRY_RETRY_POLICY, HttpMethod, RegistryHttp, RegistryRetryPolicy } from './registry-http';

export interface SchemaRegistryClientOptions extends Partial<RegistryRetryPolicy> {
  /** `user:password` (Confluent's `basic.auth.user.info`); overrides credentials given in the URLs. */
  basicAuth?: string;
  /** Schemas by id kept in memory (Confluent's `schema.registry.cache.capacity`, 1000); ids never change meaning. */
  cacheCapacity?: number;
  /** For tests: the backoff's randomness. */
  random?: () => number;
}

type SchemaById = { schemaType: SchemaType; schema: string; references?: SchemaReference[] };

/** Confluent's Schema Registry REST API v1 over HTTP(S): the client of `sluice schemas` and of framed loads. */
export class HttpSchemaRegistry implements SchemaRegistryAdmin {
  private readonly http: RegistryHttp;
  private readonly cacheCapacity: number;
  private readonly byId = new Map<number, Promise<SchemaById>>();

  /** `urls`: one URL or several, comma-separated, as Confluent's `schema.registry.url`. */
  constructor(urls: string, options: SchemaRegistryClientOptions = {}) {
    const policy: RegistryRetryPolicy = {
      maxRetries: options.maxRetries ?? DEFAULT_REGISTRY_RETRY_POLICY.maxRetries,
      retriesWaitMs: options.retriesWaitMs ?? DEFAULT_REGISTRY_RETRY_POLICY.retriesWaitMs,
      retriesMaxWaitMs: options.retriesMaxWaitMs ?? DEFAULT_REGISTRY_RETRY_POLICY.retriesMaxWaitMs,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REGISTRY_RETRY_POLICY.requestTimeoutMs,
    };
    this.http = new RegistryHttp(parseRegistryUrls(urls, options.basicAuth), policy, options.random);
    this.cacheCapacity = options.cacheCapacity ?? 1000;
  }

  /** The registry's URLs, without credentials. */
  get url(): string {
    return this.http.display;
  }

  schemaById(id: number): Promise<{ schemaType: SchemaType; schema: string }> {
    const cached = this.byId.get(id);
    if (cached) return cached;
    const loading = this.call('GET', `/schemas/ids/${id}`).then((answer) => {
      const fields = record(answer);
      return { schemaType: schemaTypeOf(fields), schema: text(fields, 'schema'), ...referencesOf(fields) };
    });
    this.byId.set(id, loading);
    loading.catch(() => this.byId.delete(id));
    if (this.byId.size > this.cacheCapacity) this.byId.delete(this.byId.keys().next().value as number);
    return loading;
  }

  latestVersion(subject: string): Promise<RegisteredSchema> {
    return this.getVersion(subject, 'latest');
  }

  async listSubjects(options: { deleted?: boolean } = {}): Promise<string[]> {
    const answer = await this.call('GET', `/subjects${query({ deleted: options.deleted })}`);
    return list(answer, (item) => (typeof item === 'string' ? item : null));
  }

  async versions(subject: string, options: { deleted?: boolean } = {}): Promise<number[]> {
    const answer = await this.call('GET', `/subjects/${encodeURIComponent(subject)}/versions${query({ deleted: options.deleted })}`);
    return list(answer, integerOrNull);
  }

  async getVersion(subject: string, version: VersionSelector, options: { deleted?: boolean } = {}): Promise<RegisteredSchema> {
    const path = `/subjects/${encodeURIComponent(subject)}/versions/${versionPath(version)}${query({ deleted: options.deleted })}`;
    return registered(await this.call('GET', path));
  }

  async subjectVersionsOfId(id: number): Promise<{ subject: string; version: number }[]> {
    const answer = await this.call('GET', `/schemas/ids/${id}/versions`);
    return list(answer, (item) => {
      const fields = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
      return typeof fields.subject === 'string' && Number.isInteger(fields.version) ? { subject: fields.subject, version: fields.version as number } : null;
    });
  }

  async register(subject: string, schema: SchemaToRegister, options: { normalize?: boolean } = {}): Promise<number> {
    const path = `/subjects/${encodeURIComponent(subject)}/versions${query({ normalize: options.normalize })}`;
    return integer(record(await this.call('POST', path, requestBody(schema))), 'id');
  }

  async lookup(subject: string, schema: SchemaToRegister, options: { deleted?: boolean; normalize?: boolean } = {}): Promise<RegisteredSchema> {
    const path = `/subjects/${encodeURIComponent(subject)}${query({ deleted: options.deleted, normalize: options.normalize })}`;
    return registered(await this.call('POST', path, requestBody(schema)));
  }

  async checkCompatibility(subject: string, schema: SchemaToRegister, version: VersionSelector | 'all' = 'latest'): Promise<CompatibilityResult> {
    const versions = version === 'all' ? 'versions' : `versions/${versionPath(version)}`;
    const path = `/compatibility/subjects/${encodeURIComponent(subject)}/${versions}?verbose=true`;
    const fields = record(await this.call('POST', path, requestBody(schema)));
    if (typeof fields.is_compatible !== 'boolean') throw unexpected('is_compatible is not a boolean');
    const messages = Array.isArray(fields.messages) ? fields.messages.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))) : [];
    return { isCompatible: fields.is_compatible, messages };
  }

  async getCompatibility(subject?: string, options: { defaultToGlobal?: boolean } = {}): Promise<CompatibilityLevel> {
    const path = subject === undefined ? '/config' : `/config/${encodeURIComponent(subject)}${query({ defaultToGlobal: options.defaultToGlobal })}`;
    return levelOf(await this.call('GET', path));
  }

  async setCompatibility(level: CompatibilityLevel, subject?: string): Promise<CompatibilityLevel> {
    const path = subject === undefined ? '/config' : `/config/${encodeURIComponent(subject)}`;
    return levelOf(await this.call('PUT', path, { compatibility: level }));
  }

  async deleteCompatibility(subject: string): Promise<CompatibilityLevel> {
    return levelOf(await this.call('DELETE', `/config/${encodeURIComponent(subject)}`));
  }

  async deleteSubject(subject: string, options: { permanent?: boolean } = {}): Promise<number[]> {
    const answer = await this.call('DELETE', `/subjects/${encodeURIComponent(subject)}${query({ permanent: options.permanent })}`);
    return list(answer, integerOrNull);
  }

  async deleteVersion(subject: string, version: VersionSelector, options: { permanent?: boolean } = {}): Promise<number> {
    const path = `/subjects/${encodeURIComponent(subject)}/versions/${versionPath(version)}${query({ permanent: options.permanent })}`;
    const answer = await this.call('DELETE', path);
    if (!Number.isInteger(answer)) throw unexpected('the deleted version is not an integer');
    return answer as number;
  }

  private call(method: HttpMethod, path: string, body?: unknown): Promise<unknown> {
    return this.http.request(method, path, body);
  }
}

/** `?deleted=true&…` with only the flags that are set (the registry's defaults are false). */
function query(flags: Record<string, boolean | undefined>): string {
  const set = Object.entries(flags).filter(([, on]) => on === true).map(([name]) => `${name}=true`);
  return set.length === 0 ? '' : `?${set.join('&')}`;
}

function versionPath(version: VersionSelector): string {
  if (version === 'latest') return 'latest';
  if (!Number.isInteger(version) || version < 1) throw new RangeError(`a schema version is a positive integer or latest, not ${version}`);
  return String(version);
}

/** The body of register, lookup and the compatibility check; `schemaType` only when not Avro, as Confluent's clients send it. */
function requestBody(schema: SchemaToRegister): Record<string, unknown> {
  const body: Record<string, unknown> = { schema: schema.schema };
  if (schema.schemaType && schema.schemaType !== 'AVRO') body.schemaType = schema.schemaType;
  if (schema.references && schema.references.length > 0) body.references = schema.references;
  return body;
}

function unexpected(detail: string): SchemaRegistryError {
  return new SchemaRegistryError(200, SchemaRegistryErrorCode.JSON_PARSE_ERROR, `unexpected answer from the registry: ${detail}`);
}

function record(answer: unknown): Record<string, unknown> {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw unexpected('expected a JSON object');
  return answer as Record<string, unknown>;
}

function list<T>(answer: unknown, item: (value: unknown) => T | null): T[] {
  if (!Array.isArray(answer)) throw unexpected('expected a JSON array');
  return answer.map((value) => {
    const parsed = item(value);
    if (parsed === null) throw unexpected(`unexpected array item ${JSON.stringify(value)}`);
    return parsed;
  });
}

function integerOrNull(value: unknown): number | null {
  return Number.isInteger(value) ? (value as number) : null;
}

function text(fields: Record<string, unknown>, name: string): string {
  const value = fields[name];
  if (typeof value !== 'string') throw unexpected(`${name} is not a string`);
  return value;
}

function integer(fields: Record<string, unknown>, name: string): number {
  const value = fields[name];
  if (!Number.isInteger(value)) throw unexpected(`${name} is not an integer`);
  return value as number;
}

/** Confluent leaves schemaType out for Avro. */
function schemaTypeOf(fields: Record<string, unknown>): SchemaType {
  const type = fields.schemaType ?? 'AVRO';
  if (type !== 'AVRO' && type !== 'JSON' && type !== 'PROTOBUF') throw unexpected(`unknown schemaType ${JSON.stringify(type)}`);
  return type;
}

function referencesOf(fields: Record<string, unknown>): { references?: SchemaReference[] } {
  if (!Array.isArray(fields.references) || fields.references.length === 0) return {};
  return {
    references: list(fields.references, (item) => {
      const ref = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
      return typeof ref.name === 'string' && typeof ref.subject === 'string' && Number.isInteger(ref.version)
        ? { name: ref.name, subject: ref.subject, version: ref.version as number }
        : null;
    }),
  };
}

function registered(answer: unknown): RegisteredSchema {
  const fields = record(answer);
  return {
    subject: text(fields, 'subject'),
    version: integer(fields, 'version'),
    id: integer(fields, 'id'),
    schemaType: schemaTypeOf(fields),
    schema: text(fields, 'schema'),
    ...referencesOf(fields),
  };
}

/** GET answers `compatibilityLevel`, PUT echoes `compatibility`; newer registries send both. */
function levelOf(answer: unknown): CompatibilityLevel {
  const fields = record(answer);
  const level = fields.compatibilityLevel ?? fields.compatibility;
  if (!COMPATIBILITY_LEVELS.includes(level as CompatibilityLevel)) throw unexpected(`unknown compatibility level ${JSON.stringify(level)}`);
  return level as CompatibilityLevel;
}
