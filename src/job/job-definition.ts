import * as fs from 'node:fs';
import * as path from 'node:path';

export type OutputFormat = 'avro' | 'parquet';

/**
 * Two threads measured 1.43x faster than one for Avro on this project's 2-core machines
 * (1M page views: 1.85 s vs 2.65 s; `npm run bench:load`, BENCHMARKS.md).
 */
export const DEFAULT_WORKER_THREADS = 2;
export type MetadataColumn = 'partition' | 'offset' | 'timestamp' | 'key';

/** One scheduled load, as written in jobs/<name>.json, with defaults filled in. */
export interface JobDefinition {
  file: string;
  name: string;
  source: { bootstrap: string; topic: string };
  value: { format: 'json' | 'avro'; schema: string };
  output: { formats: OutputFormat[]; avroCodec: 'null' | 'deflate' | 'snappy'; sink: string; table: string };
  time: { field: string | null; timezone: string };
  files: { maxRecords: number; maxBytes: number };
  limits: { maxRecordsPerPartition: number; maxDurationSeconds: number };
  badRecords: { maxPercent: number };
  metadataColumns: MetadataColumn[];
  schedule: string | null;
  concurrency: number;
  /** Partitions are loaded on this many worker threads; 0 loads them on the main thread. */
  workerThreads: number;
  completeness: CompletenessSettings;
}

/**
 * When an hour gets its _SUCCESS marker: once every partition's watermark has passed the hour's end plus
 * `delaySeconds`. `idlePartitions`: "advance" lets a partition that is caught up count as the time it was found
 * caught up; "hold" uses event times only, so a partition without new data holds every marker back.
 */
export interface CompletenessSettings {
  delaySeconds: number;
  idlePartitions: 'advance' | 'hold';
}

export const DEFAULT_COMPLETENESS_DELAY_SECONDS = 600;

export class JobDefinitionError extends Error {
  constructor(readonly file: string, readonly key: string, detail: string) {
    super(`${file}: ${key ? `${key}: ` : ''}${detail}`);
    this.name = 'JobDefinitionError';
  }
}

type Json = Record<string, unknown>;

class Fields {
  constructor(private readonly file: string, private readonly object: Json, private readonly prefix: string) {}

  private key(name: string): string {
    return this.prefix ? `${this.prefix}.${name}` : name;
  }

  fail(name: string, detail: string): never {
    throw new JobDefinitionError(this.file, this.key(name), detail);
  }

  section(name: string, required = true): Fields {
    const value = this.object[name];
    if (value === undefined && !required) return new Fields(this.file, {}, this.key(name));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(name, 'must be an object');
    return new Fields(this.file, value as Json, this.key(name));
  }

  string(name: string, fallback?: string): string {
    const value = this.object[name] ?? fallback;
    if (typeof value !== 'string' || value.length === 0) this.fail(name, value === undefined ? 'is required' : 'must be a non-empty string');
    return value as string;
  }

  optionalString(name: string): string | null {
    const value = this.object[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' || value.length === 0) this.fail(name, 'must be a non-empty string');
    return value as string;
  }

  oneOf<T extends string>(name: string, choices: readonly T[], fallback?: T): T {
    const value = this.object[name] ?? fallback;
    if (!choices.includes(value as T)) this.fail(name, `must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, not ${JSON.stringify(value)}`);
    return value as T;
  }

  number(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.object[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      this.fail(name, `must be a number from ${min} to ${max}, not ${JSON.stringify(value)}`);
    }
    return value as number;
  }

  list<T extends string>(name: string, choices: readonly T[], fallback: T[], allowEmpty: boolean): T[] {
    const value = this.object[name] ?? fallback;
    if (!Array.isArray(value) || (!allowEmpty && value.length === 0)) this.fail(name, `must be a list${allowEmpty ? '' : ' with at least one entry'}`);
    (value as unknown[]).forEach((entry, i) => {
      if (!choices.includes(entry as T)) this.fail(`${name}[${i}]`, `must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, not ${JSON.stringify(entry)}`);
    });
    return [...new Set(value as T[])];
  }

  rejectUnknown(known: string[]): void {
    for (const key of Object.keys(this.object)) if (!known.includes(key)) this.fail(key, `is not a known setting (known: ${known.join(', ')})`);
  }
}

function validTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Reads and checks a job file; relative schema paths are taken from the project root (the jobs/ folder's parent). */
export function loadJobDefinition(file: string): JobDefinition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new JobDefinitionError(file, '', `cannot be read as JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new JobDefinitionError(file, '', 'must hold a JSON object');
  const top = new Fields(file, parsed as Json, '');
  top.rejectUnknown(['name', 'source', 'value', 'output', 'time', 'files', 'limits', 'badRecords', 'metadataColumns', 'schedule', 'concurrency', 'workerThreads', 'completeness']);
  const source = top.section('source');
  const value = top.section('value');
  const output = top.section('output');
  const time = top.section('time', false);
  const files = top.section('files', false);
  const limits = top.section('limits', false);
  const bad = top.section('badRecords', false);
  const completeness = top.section('completeness', false);
  completeness.rejectUnknown(['delaySeconds', 'idlePartitions']);
  const root = path.dirname(path.dirname(path.resolve(file)));
  const schema = value.string('schema');
  const schemaPath = path.isAbsolute(schema) ? schema : path.join(root, schema);
  if (!fs.existsSync(schemaPath)) value.fail('schema', `no schema file at ${schemaPath}`);
  const timezone = time.string('timezone', 'UTC');
  if (!validTimezone(timezone)) time.fail('timezone', `unknown time zone ${JSON.stringify(timezone)} (use an IANA name such as "UTC" or "Europe/Paris")`);
  const table = output.string('table');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) output.fail('table', 'must be a Hive table name: letters, digits and _');
  return {
    file,
    name: top.string('name'),
    source: { bootstrap: source.string('bootstrap', '127.0.0.1:9092'), topic: source.string('topic') },
    value: { format: value.oneOf('format', ['json', 'avro'] as const), schema: schemaPath },
    output: {
      formats: output.list('formats', ['avro', 'parquet'] as const, ['avro'], false),
      avroCodec: output.oneOf('avroCodec', ['null', 'deflate', 'snappy'] as const, 'deflate'),
      sink: output.string('sink'),
      table,
    },
    time: { field: time.optionalString('field'), timezone },
    files: { maxRecords: files.number('maxRecords', 1_000_000, 1), maxBytes: files.number('maxBytes', 256 * 1024 * 1024, 1024) },
    limits: { maxRecordsPerPartition: limits.number('maxRecordsPerPartition', 10_000_000, 1), maxDurationSeconds: limits.number('maxDurationSeconds', 3000, 0.1) },
    badRecords: { maxPercent: bad.number('maxPercent', 0, 0, 100) },
    metadataColumns: top.list('metadataColumns', ['partition', 'offset', 'timestamp', 'key'] as const, [], true),
    schedule: top.optionalString('schedule'),
    concurrency: top.number('concurrency', 4, 1, 64),
    workerThreads: top.number('workerThreads', DEFAULT_WORKER_THREADS, 0, 16),
    completeness: {
      delaySeconds: completeness.number('delaySeconds', DEFAULT_COMPLETENESS_DELAY_SECONDS, 0, 7 * 24 * 3600),
      idlePartitions: completeness.oneOf('idlePartitions', ['advance', 'hold'] as const, 'advance'),
    },
  };
}
