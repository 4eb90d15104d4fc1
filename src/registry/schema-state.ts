import type { SchemaType } from '../ports/schema-registry';
import type { CompatibilityLevel } from './compatibility';
import { COMPATIBILITY_LEVELS } from './compatibility';

/** One version of a subject as the `_schemas` log last said it. */
export interface StoredVersion {
  subject: string;
  version: number;
  id: number;
  schemaType: SchemaType;
  /** The canonical text (Confluent stores the canonical string too). */
  schema: string;
  deleted: boolean;
}

/** Keys of Confluent's `_schemas` records, in the order Confluent's Jackson writes their fields. */
export type SchemaLogKey =
  | { keytype: 'SCHEMA'; subject: string; version: number; magic: 1 }
  | { keytype: 'CONFIG'; subject: string | null; magic: 0 }
  | { keytype: 'DELETE_SUBJECT'; subject: string; magic: 0 }
  | { keytype: 'NOOP'; magic: 0 };

export function schemaKey(subject: string, version: number): SchemaLogKey {
  return { keytype: 'SCHEMA', subject, version, magic: 1 };
}

export function schemaValue(v: StoredVersion): Record<string, unknown> {
  return {
    subject: v.subject, version: v.version, id: v.id, schema: v.schema,
    ...(v.schemaType === 'AVRO' ? {} : { schemaType: v.schemaType }),
    deleted: v.deleted,
  };
}

interface IdEntry {
  schema: string;
  schemaType: SchemaType;
  /** "subject\0version" of every version holding the id. */
  holders: Set<string>;
}

/**
 * The registry's state, rebuilt by applying the `_schemas` records in log order (Confluent's KafkaStoreMessageHandler):
 * a SCHEMA value puts a version (tombstone: removes it), DELETE_SUBJECT marks versions up to its version deleted,
 * CONFIG sets (tombstone: clears) a subject's or the global compatibility. Unknown key types are skipped.
 */
export class SchemaState {
  private readonly subjects = new Map<string, Map<number, StoredVersion>>();
  private readonly ids = new Map<number, IdEntry>();
  private readonly idsByCanonical = new Map<string, number>();
  private readonly configs = new Map<string | null, CompatibilityLevel>();
  private highestId = 0;
  /** Records whose key or value could not be read, for the start-up message. */
  skipped = 0;

  apply(key: Buffer | null, value: Buffer | null): void {
    let parsedKey: { keytype?: unknown; subject?: unknown; version?: unknown };
    let parsedValue: Record<string, unknown> | null;
    try {
      parsedKey = JSON.parse(key?.toString('utf8') ?? 'null') ?? {};
      parsedValue = value === null ? null : JSON.parse(value.toString('utf8'));
    } catch {
      this.skipped++;
      return;
    }
    const subject = typeof parsedKey.subject === 'string' ? parsedKey.subject : null;
    switch (parsedKey.keytype) {
      case 'SCHEMA':
        if (subject === null || typeof parsedKey.version !== 'number') this.skipped++;
        else if (parsedValue === null) this.remove(subject, parsedKey.version);
        else this.put(parsedValue);
        return;
      case 'DELETE_SUBJECT':
        if (subject !== null && parsedValue && typeof parsedValue.version === 'number') this.deleteUpTo(subject, parsedValue.version);
        return;
      case 'CONFIG': {
        const level = COMPATIBILITY_LEVELS.find((l) => l === parsedValue?.compatibilityLevel);
        if (parsedValue === null) this.configs.delete(subject);
        else if (level) this.configs.set(subject, level);
        return;
      }
      default:
    }
  }

  private put(value: Record<string, unknown>): void {
    const { subject, version, id, schema } = value;
    if (typeof subject !== 'string' || typeof version !== 'number' || typeof id !== 'number' || typeof schema !== 'string') {
      this.skipped++;
      return;
    }
    const schemaType = (typeof value.schemaType === 'string' ? value.schemaType : 'AVRO') as SchemaType;
    this.remove(subject, version);
    const stored: StoredVersion = { subject, version, id, schemaType, schema, deleted: value.deleted === true };
    const versions = this.subjects.get(subject) ?? new Map<number, StoredVersion>();
    versions.set(version, stored);
    this.subjects.set(subject, versions);
    const entry = this.ids.get(id) ?? { schema, schemaType, holders: new Set<string>() };
    entry.holders.add(`${subject}\u0000${version}`);
    this.ids.set(id, entry);
    this.idsByCanonical.set(`${schemaType}\u0000${schema}`, id);
    this.highestId = Math.max(this.highestId, id);
  }

  private remove(subject: string, version: number): void {
    const versions = this.subjects.get(subject);
    const old = versions?.get(version);
    if (!versions || !old) return;
    versions.delete(version);
    if (versions.size === 0) this.subjects.delete(subject);
    const entry = this.ids.get(old.id);
    entry?.holders.delete(`${subject}\u0000${version}`);
    if (entry && entry.holders.size === 0) {
      this.ids.delete(old.id);
      this.idsByCanonical.delete(`${entry.schemaType}\u0000${entry.schema}`);
    }
  }

  private deleteUpTo(subject: string, version: number): void {
    for (const stored of this.subjects.get(subject)?.values() ?? []) {
      if (stored.version <= version) stored.deleted = true;
    }
  }

  /** Subject names, sorted; soft-deleted ones (every version deleted) only with `includeDeleted`. */
  subjectNames(includeDeleted: boolean): string[] {
    return [...this.subjects.keys()].filter((s) => includeDeleted || this.versions(s, false).length > 0).sort();
  }

  /** A subject's versions in order; soft-deleted ones only with `includeDeleted`. */
  versions(subject: string, includeDeleted: boolean): StoredVersion[] {
    return [...(this.subjects.get(subject)?.values() ?? [])].filter((v) => includeDeleted || !v.deleted).sort((a, b) => a.version - b.version);
  }

  schemaById(id: number): { schema: string; schemaType: SchemaType } | undefined {
    return this.ids.get(id);
  }

  /** Every subject and version holding the id, soft-deleted ones too. */
  holdersOf(id: number): { subject: string; version: number }[] {
    return [...(this.ids.get(id)?.holders ?? [])].map((h) => {
      const [subject, version] = h.split('\u0000');
      return { subject, version: Number(version) };
    }).sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version));
  }

  idFor(schemaType: SchemaType, canonical: string): number | undefined {
    return this.idsByCanonical.get(`${schemaType}\u0000${canonical}`);
  }

  /** Confluent's next id: one above the highest ever seen in the log, so ids are never reused. */
  nextId(): number {
    return this.highestId + 1;
  }

  /** The subject's compatibility, or with null the global one; undefined when none is set. */
  config(subject: string | null): CompatibilityLevel | undefined {
    return this.configs.get(subject);
  }
}
