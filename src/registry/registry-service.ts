import type { SchemaType } from '../ports/schema-registry';
import type { SchemaLog } from '../ports/schema-log';
import { parseAvroSchema, ParsedAvroSchema } from './avro-schema';
import { compatibilityProblems, CompatibilityLevel, DEFAULT_COMPATIBILITY, isTransitive } from './compatibility';
import { registryErrors, RegistryError } from './registry-errors';
import { RegistryStore } from './registry-store';
import { StoredVersion, schemaKey } from './schema-state';

/** The body of a register, lookup or compatibility request (Confluent's RegisterSchemaRequest). */
export interface SchemaRequest {
  schema?: unknown;
  schemaType?: unknown;
  references?: unknown;
}

export interface VersionAnswer {
  subject: string;
  version: number;
  id: number;
  schemaType?: SchemaType;
  schema: string;
  deleted?: boolean;
}

const MAX_VERSION = 2 ** 31 - 1;

/** A version path segment: a number in [1, 2^31-1], or "latest" (and -1, which Confluent reads as latest). */
export function parseVersion(text: string): number | 'latest' {
  if (text === 'latest' || text === '-1') return 'latest';
  const version = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(version) || version < 1 || version > MAX_VERSION) throw registryErrors.invalidVersion(text);
  return version;
}

function answer(v: StoredVersion, withDeleted = false): VersionAnswer {
  return {
    subject: v.subject, version: v.version, id: v.id,
    ...(v.schemaType === 'AVRO' ? {} : { schemaType: v.schemaType }),
    schema: v.schema,
    ...(withDeleted && v.deleted ? { deleted: true } : {}),
  };
}

/** Avro only for now: JSON Schema and Protobuf are refused as invalid (42201) saying so. */
function parseRequest(request: SchemaRequest): ParsedAvroSchema {
  const schemaType = request.schemaType ?? 'AVRO';
  if (schemaType !== 'AVRO') {
    throw registryErrors.invalidSchema(`Invalid schema: schemaType ${String(schemaType)} is not supported yet by sluice's registry (only AVRO)`);
  }
  if (Array.isArray(request.references) && request.references.length > 0) {
    throw registryErrors.invalidSchema('Invalid schema: schema references are not supported yet by sluice\'s registry');
  }
  if (typeof request.schema !== 'string') throw registryErrors.invalidSchema('Invalid schema: the request has no "schema" string');
  return parseAvroSchema(request.schema);
}

/** Confluent's KafkaSchemaRegistry over the `_schemas` log: every write is in the log before it is answered. */
export class RegistryService {
  private constructor(private readonly store: RegistryStore) {}

  static async open(log: SchemaLog): Promise<RegistryService> {
    return new RegistryService(await RegistryStore.open(log));
  }

  private get state() {
    return this.store.state;
  }

  subjects(includeDeleted: boolean): string[] {
    return this.state.subjectNames(includeDeleted);
  }

  versionNumbers(subject: string, includeDeleted: boolean): number[] {
    const versions = this.state.versions(subject, includeDeleted);
    if (versions.length === 0) throw registryErrors.subjectNotFound(subject);
    return versions.map((v) => v.version);
  }

  private find(subject: string, versionText: string, includeDeleted: boolean): StoredVersion {
    const version = parseVersion(versionText);
    const versions = this.state.versions(subject, includeDeleted);
    if (versions.length === 0) throw registryErrors.subjectNotFound(subject);
    const found = version === 'latest' ? versions[versions.length - 1] : versions.find((v) => v.version === version);
    if (!found) throw registryErrors.versionNotFound(version as number);
    return found;
  }

  version(subject: string, versionText: string, includeDeleted: boolean): VersionAnswer {
    return answer(this.find(subject, versionText, includeDeleted), includeDeleted);
  }

  schemaById(id: number): { schema: string; schemaType?: SchemaType } {
    const found = this.state.schemaById(id);
    if (!found) throw registryErrors.schemaNotFound(id);
    return { ...(found.schemaType === 'AVRO' ? {} : { schemaType: found.schemaType }), schema: found.schema };
  }

  idVersions(id: number, includeDeleted: boolean): { subject: string; version: number }[] {
    if (!this.state.schemaById(id)) throw registryErrors.schemaNotFound(id);
    return this.state.holdersOf(id).filter((h) => includeDeleted || this.state.versions(h.subject, false).some((v) => v.version === h.version));
  }

  /** POST /subjects/{subject}: the version holding this schema. */
  lookup(subject: string, request: SchemaRequest, includeDeleted: boolean): VersionAnswer {
    const parsed = parseRequest(request);
    const versions = this.state.versions(subject, includeDeleted);
    if (versions.length === 0) throw registryErrors.subjectNotFound(subject);
    const found = versions.filter((v) => v.schema === parsed.canonical).pop();
    if (!found) throw registryErrors.schemaNotFound();
    return answer(found, includeDeleted);
  }

  /** The level that applies to a subject: its own, else the global one, else BACKWARD. */
  effectiveLevel(subject: string): CompatibilityLevel {
    return this.state.config(subject) ?? this.state.config(null) ?? DEFAULT_COMPATIBILITY;
  }

  private problems(subject: string, parsed: ParsedAvroSchema, against: StoredVersion[]): string[] {
    const level = this.effectiveLevel(subject);
    const chosen = isTransitive(level) ? against : against.slice(-1);
    const earlier = chosen.map((v) => ({ version: v.version, schema: parseAvroSchema(v.schema).json }));
    return compatibilityProblems(level, parsed.json, earlier);
  }

  /** POST /subjects/{subject}/versions: an existing live version's id, or a new version (an id reused across subjects). */
  register(subject: string, request: SchemaRequest): Promise<{ id: number; version: number; schema: string }> {
    if (subject.trim() === '') return Promise.reject(registryErrors.invalidSubject(subject));
    const parsed = parseRequest(request);
    return this.store.write(async () => {
      const all = this.state.versions(subject, true);
      const live = all.filter((v) => !v.deleted);
      const same = live.find((v) => v.schema === parsed.canonical);
      if (same) return { id: same.id, version: same.version, schema: same.schema };
      const problems = this.problems(subject, parsed, live);
      if (problems.length > 0) throw registryErrors.incompatible(subject, problems);
      const stored: StoredVersion = {
        subject,
        version: (all[all.length - 1]?.version ?? 0) + 1,
        id: this.state.idFor('AVRO', parsed.canonical) ?? this.state.nextId(),
        schemaType: 'AVRO',
        schema: parsed.canonical,
        deleted: false,
      };
      await this.store.putVersion(stored);
      return { id: stored.id, version: stored.version, schema: stored.schema };
    });
  }

  /** POST /compatibility/subjects/{subject}/versions[/{version}]: against one version, or (no version) as a register would. */
  compatibility(subject: string, versionText: string | undefined, request: SchemaRequest, verbose: boolean): { is_compatible: boolean; messages?: string[] } {
    let problems: string[];
    try {
      const parsed = parseRequest(request);
      const live = this.state.versions(subject, false);
      if (versionText === undefined) problems = this.problems(subject, parsed, live);
      else {
        const version = parseVersion(versionText);
        const target = version === 'latest' ? live[live.length - 1] : live.find((v) => v.version === version);
        if (!target && version !== 'latest') throw registryErrors.versionNotFound(version);
        const level = this.effectiveLevel(subject);
        problems = target ? compatibilityProblems(level, parsed.json, [{ version: target.version, schema: parseAvroSchema(target.schema).json }]) : [];
      }
    } catch (error) {
      if (!(error instanceof RegistryError) || error.errorCode !== 42201 || !verbose) throw error;
      problems = [error.message];
    }
    return { is_compatible: problems.length === 0, ...(verbose ? { messages: problems } : {}) };
  }

  /** DELETE /subjects/{subject}: soft (a DELETE_SUBJECT record), or permanent (tombstones) after a soft delete. */
  deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.store.write(async () => {
      const all = this.state.versions(subject, true);
      if (all.length === 0) throw registryErrors.subjectNotFound(subject);
      const live = all.filter((v) => !v.deleted);
      if (!permanent) {
        if (live.length === 0) throw registryErrors.subjectSoftDeleted(subject);
        await this.store.putDeleteSubject(subject, live[live.length - 1].version);
        return live.map((v) => v.version);
      }
      if (live.length > 0) throw registryErrors.subjectNotSoftDeleted(subject);
      for (const v of [...all].reverse()) await this.store.tombstone(schemaKey(subject, v.version));
      if (this.state.config(subject) !== undefined) await this.store.putConfig(subject, null);
      return all.map((v) => v.version);
    });
  }

  /** DELETE /subjects/{subject}/versions/{version}: soft (deleted: true), or permanent after a soft delete. */
  deleteVersion(subject: string, versionText: string, permanent: boolean): Promise<number> {
    const version = parseVersion(versionText);
    return this.store.write(async () => {
      const all = this.state.versions(subject, true);
      if (all.length === 0) throw registryErrors.subjectNotFound(subject);
      const pool = permanent ? all : all.filter((v) => !v.deleted);
      const target = version === 'latest' ? pool[pool.length - 1] : all.find((v) => v.version === version);
      if (!target) throw registryErrors.versionNotFound(version === 'latest' ? -1 : version);
      if (!permanent && target.deleted) throw registryErrors.versionSoftDeleted(subject, target.version);
      if (permanent && !target.deleted) throw registryErrors.versionNotSoftDeleted(subject, target.version);
      if (permanent) await this.store.tombstone(schemaKey(subject, target.version));
      else await this.store.putVersion({ ...target, deleted: true });
      return target.version;
    });
  }

  /** GET /config[/{subject}]: the global level (BACKWARD unless set), a subject's own (40408 without one unless defaultToGlobal). */
  config(subject: string | null, defaultToGlobal: boolean): CompatibilityLevel {
    if (subject === null) return this.state.config(null) ?? DEFAULT_COMPATIBILITY;
    const own = this.state.config(subject);
    if (own) return own;
    if (defaultToGlobal) return this.state.config(null) ?? DEFAULT_COMPATIBILITY;
    throw registryErrors.subjectCompatibilityNotConfigured(subject);
  }

  setConfig(subject: string | null, level: CompatibilityLevel): Promise<CompatibilityLevel> {
    return this.store.write(async () => {
      await this.store.putConfig(subject, level);
      return level;
    });
  }

  /** DELETE /config[/{subject}]: answers the level that was in force and clears it (a subject without one: 40401/40408). */
  deleteConfig(subject: string | null): Promise<CompatibilityLevel> {
    return this.store.write(async () => {
      if (subject === null) {
        const previous = this.state.config(null) ?? DEFAULT_COMPATIBILITY;
        await this.store.putConfig(null, null);
        return previous;
      }
      const own = this.state.config(subject);
      if (!own) {
        if (this.state.versions(subject, true).length === 0) throw registryErrors.subjectNotFound(subject);
        throw registryErrors.subjectCompatibilityNotConfigured(subject);
      }
      await this.store.putConfig(subject, null);
      return own;
    });
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
