import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAvroSchema, LoadedSchema } from '../formats/avro-schema';
import { validateTopicName } from '../log/topic-name';
import { Fields, isObject, Json, JobDefinitionError, rejectUnknownKeys } from './job-fields';
import { IsolationLevel, ISOLATION_LEVELS } from '../protocol/isolation-level';
import { timeFieldReading } from './time-field';
import type { ClientSecurity } from '../client/client-security';
import { JOB_SECURITY_KEYS, readJobSecurity } from './job-security';
import { FRAMED_KEYS, FramedSettings, JobPlace, LATEST_SCHEMA, readFramedSettings, rejectFramedKeys } from './job-registry';
import { findJsonSyntaxError } from '../common/json-syntax';
import { PARQUET_KEYS, ParquetSettings, readParquetSettings } from './parquet-settings';
import { readPartitioning } from './job-partitioning';
import type { PartitionTemplate } from '../table/partition-template';
import { COMPACTION_KEYS, CompactionSettings, readCompactionSettings } from './compaction-settings';

export { JobDefinitionError } from './job-fields';

/** A job file that is not JSON: `file:line:column: not valid JSON: reason`, as compilers and editors write places. */
export class JobJsonSyntaxError extends JobDefinitionError {
  constructor(file: string, readonly line: number, readonly column: number, reason: string) {
    super(file, '', reason);
    this.message = `${file}:${line}:${column}: not valid JSON: ${reason}`;
    this.name = 'JobJsonSyntaxError';
  }
}

export type OutputFormat = 'avro' | 'parquet';
export type ValueFormat = 'json' | 'avro' | 'avro-confluent';
export type KeyFormat = 'string' | 'avro-confluent';

/**
 * Two threads measured 1.43x faster than one for Avro on this project's 2-core machines
 * (1M page views: 1.85 s vs 2.65 s; `npm run bench:load`, BENCHMARKS.md).
 */
export const DEFAULT_WORKER_THREADS = 2;
export type MetadataColumn = 'partition' | 'offset' | 'timestamp' | 'key' | 'topic';

/** One scheduled load, as written in jobs/<name>.json, with defaults filled in. */
export interface JobDefinition {
  file: string;
  name: string;
  /** `security`: TLS and SASL for every connection to the cluster; null is PLAINTEXT. `isolationLevel`: Kafka's isolation.level, read_committed unless the job says otherwise. */
  source: {
    bootstrap: string;
    /** The one topic of a `source.topic` job (and of each per-topic job a many-topic job runs as); "" for a job of `source.topics` or `source.topicPattern` until its topics are resolved. */
    topic: string;
    security: ClientSecurity | null;
    isolationLevel: IsolationLevel;
    /** `source.topics` or `source.topicPattern`: which topics, resolved at each run (`job-topics.ts`); absent for `source.topic`. */
    selection?: TopicSelection;
  };
  /**
   * `schema`: the reader schema, an absolute .avsc path or "latest" (avro-confluent only: the subject's latest
   * version when the run starts). `framed`: the registry settings of format "avro-confluent", else null.
   */
  value: { format: ValueFormat; schema: string; framed: FramedSettings | null };
  /** How `_kafka_key` is read: UTF-8 text, or Confluent-framed Avro decoded into a column of the key's reader schema. */
  key: { format: KeyFormat; schema: string | null; framed: FramedSettings | null };
  /** `partitioning`: the directory template (`output.partitioning`, default dt={yyyy-MM-dd}/hr={HH}). */
  output: {
    formats: OutputFormat[]; avroCodec: 'null' | 'deflate' | 'snappy'; parquet: ParquetSettings; sink: string; table: string; partitioning: PartitionTemplate;
    /** Where the table's state lives under `_sluice/`: absent for `_sluice/` itself; `topics/<topic>` for one topic of a shared many-topic table. */
    stateNamespace?: string;
  };
  time: { field: string | null; timezone: string };
  /** `maxAgeMs`: the most a file's event times may span (max − min), in record time; null for no limit. */
  files: { maxRecords: number; maxBytes: number; maxAgeMs: number | null };
  limits: { maxRecordsPerPartition: number; maxDurationSeconds: number };
  badRecords: { maxPercent: number };
  metadataColumns: MetadataColumn[];
  schedule: string | null;
  concurrency: number;
  /** Partitions are loaded on this many worker threads; 0 loads them on the main thread. */
  workerThreads: number;
  completeness: CompletenessSettings;
  /** `sluice compact`'s target file size, and the delay of scheduled compaction (null: none). */
  compaction: CompactionSettings;
}

/**
 * When an hour gets its _SUCCESS marker: once every partition's watermark has passed the hour's end plus
 * `delaySeconds`. `idlePartitions`: "advance" lets a partition that is caught up count as the time it was found
 * caught up; "hold" uses event times only, so a partition without new data holds every marker back.
 */
export interface CompletenessSettings {
  delaySeconds: number;
  idlePartitions: 'advance' | 'hold';
  /** "hold": no marker for hours a retention gap may touch until it is acknowledged; "mark": marked regardless. */
  onGap: 'hold' | 'mark';
}

export const DEFAULT_COMPLETENESS_DELAY_SECONDS = 600;

/** A job's topics other than one `source.topic`: a list, or a regex matched against whole topic names. */
export type TopicSelection = { kind: 'list'; topics: string[] } | { kind: 'pattern'; pattern: string };

/** `output.table` holding this makes one table per topic. */
export const TOPIC_PLACEHOLDER = '{topic}';

function validTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': ['name', 'source', 'value', 'key', 'output', 'time', 'files', 'limits', 'badRecords', 'metadataColumns', 'schedule', 'concurrency', 'workerThreads', 'completeness',
    'compaction'],
  source: ['bootstrap', 'topic', 'security', 'isolationLevel', 'topics', 'topicPattern'],
  'source.security': JOB_SECURITY_KEYS,
  value: ['format', 'schema', ...FRAMED_KEYS],
  key: ['format', 'schema', ...FRAMED_KEYS],
  output: ['formats', 'avroCodec', 'parquet', 'sink', 'table', 'partitioning'],
  'output.parquet': PARQUET_KEYS,
  time: ['field', 'timezone'],
  files: ['maxRecords', 'maxBytes', 'maxAge'],
  limits: ['maxRecordsPerPartition', 'maxDurationSeconds'],
  badRecords: ['maxPercent'],
  completeness: ['delaySeconds', 'idlePartitions', 'onGap'],
  compaction: COMPACTION_KEYS,
};

export function isHiveTableName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** A local sink path relative to the job file's directory, made absolute; URLs as they are. */
function resolveSink(location: string, base: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return location;
  return path.resolve(base, location);
}

/** What the command line puts over a job file's own settings. `bootstrap` (`--bootstrap-server`) replaces `source.bootstrap`, so an "embedded" registry follows it too. */
export interface JobOverrides {
  bootstrap?: string;
}

/** The entry of a host:port list that is not host:port (the port defaults to 9092; IPv6 in brackets), or null. */
export function badBootstrapEntry(bootstrap: string): string | null {
  for (const entry of bootstrap.split(',')) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\],]+)(?::(\d{1,5}))?$/.exec(entry.trim());
    const port = match?.[2] === undefined ? 9092 : Number(match[2]);
    if (!match || port < 1 || port > 65535) return entry;
  }
  return null;
}

/** host:port entries, comma-separated, as Kafka clients take them; `override` (checked by the caller) in their place. */
function checkBootstrap(source: Fields, override: string | undefined): string {
  const bootstrap = source.string('bootstrap', '127.0.0.1:9092');
  const bad = badBootstrapEntry(bootstrap);
  if (bad !== null) source.fail('bootstrap', `${JSON.stringify(bad)} is not host:port (a port from 1 to 65535)`);
  return override ?? bootstrap;
}

function checkTopicName(source: Fields, key: string, topic: string): void {
  try {
    validateTopicName(topic);
  } catch (error) {
    source.fail(key, (error as Error).message);
  }
}

/** Exactly one of `source.topic`, `source.topics` (a list) and `source.topicPattern` (a regex). */
function checkTopics(source: Fields, given: Json): { topic: string; selection?: TopicSelection } {
  const present = ['topic', 'topics', 'topicPattern'].filter((key) => given[key] !== undefined);
  if (present.length === 0) source.fail('topic', 'is required (or source.topics, a list of topics, or source.topicPattern, a regex)');
  if (present.length > 1) source.fail(present[1], `cannot go with source.${present[0]}: give exactly one of source.topic, source.topics and source.topicPattern`);
  if (present[0] === 'topic') {
    const topic = source.string('topic');
    checkTopicName(source, 'topic', topic);
    return { topic };
  }
  if (present[0] === 'topics') {
    const topics = given.topics;
    if (!Array.isArray(topics) || topics.length === 0) source.fail('topics', 'must be a non-empty list of topic names');
    topics.forEach((topic, i) => {
      if (typeof topic !== 'string') source.fail(`topics[${i}]`, `must be a topic name (a string), not ${JSON.stringify(topic)}`);
      checkTopicName(source, `topics[${i}]`, topic);
      if (topics.indexOf(topic) !== i) source.fail(`topics[${i}]`, `${JSON.stringify(topic)} is listed twice`);
    });
    return { topic: '', selection: { kind: 'list', topics: topics as string[] } };
  }
  const pattern = source.string('topicPattern');
  try {
    new RegExp(pattern);
  } catch (error) {
    source.fail('topicPattern', `is not a regular expression: ${(error as Error).message}`);
  }
  return { topic: '', selection: { kind: 'pattern', pattern } };
}

/** A local .avsc file, loaded; or "latest" (null schema) where the format takes it. */
function checkSchema(value: Fields, base: string, latestAllowed: boolean, fallback?: string): { schemaPath: string; schema: LoadedSchema | null } {
  const given = value.string('schema', fallback);
  if (given === LATEST_SCHEMA) {
    if (!latestAllowed) value.fail('schema', '"latest" needs format "avro-confluent" (the schema comes from the Schema Registry)');
    return { schemaPath: LATEST_SCHEMA, schema: null };
  }
  const schemaPath = path.resolve(base, given);
  if (!fs.existsSync(schemaPath)) {
    // Before relative paths were taken from the job file's directory, they were taken from its parent.
    const old = path.resolve(base, '..', given);
    const hint = !path.isAbsolute(given) && fs.existsSync(old) ? `; relative paths start from the job file's directory, so write ${JSON.stringify(path.relative(base, old))}` : '';
    value.fail('schema', `no schema file at ${schemaPath}${hint}`);
  }
  try {
    return { schemaPath, schema: loadAvroSchema(schemaPath) };
  } catch (error) {
    value.fail('schema', (error as Error).message);
  }
}

/** The `key` section: "string" by default; "avro-confluent" shares the value's registry unless it names its own. */
function readKeySection(file: string, top: Fields, parsed: Json, place: JobPlace, valueFramed: FramedSettings | null, columns: readonly MetadataColumn[]): JobDefinition['key'] {
  const key = top.section('key', false);
  const given = isObject(parsed.key) ? parsed.key : {};
  const format = key.oneOf('format', ['string', 'avro-confluent'] as const, 'string');
  if (format === 'string') {
    rejectFramedKeys(key, given, format);
    if (given.schema !== undefined) key.fail('schema', 'applies only to format "avro-confluent" (string keys have no schema)');
    return { format, schema: null, framed: null };
  }
  if (!columns.includes('key')) key.fail('format', '"avro-confluent" decodes the key into the _kafka_key column: add "key" to metadataColumns');
  const { schemaPath } = checkSchema(key, place.baseDir, true, LATEST_SCHEMA);
  return { format, schema: schemaPath, framed: readFramedSettings(file, key, given, place, schemaPath, valueFramed?.registry ?? null) };
}

/**
 * Reads and checks a job file: every key known, of its type and range. Relative paths (`value.schema`, a local
 * `output.sink`) start from the directory holding the job file and come back absolute.
 */
export function loadJobDefinition(file: string, overrides: JobOverrides = {}): JobDefinition {
  let parsed: unknown;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new JobDefinitionError(file, '', `cannot be read: ${(error as Error).message}`);
  }
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const problem = findJsonSyntaxError(text);
    if (problem) throw new JobJsonSyntaxError(file, problem.line, problem.column, problem.reason);
    throw new JobDefinitionError(file, '', `cannot be read as JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw new JobDefinitionError(file, '', 'must hold a JSON object');
  rejectUnknownKeys(file, parsed, KNOWN_KEYS);
  const base = path.dirname(path.resolve(file));
  const top = new Fields(file, parsed, '', KNOWN_KEYS);
  const source = top.section('source');
  const value = top.section('value');
  const output = top.section('output');
  const time = top.section('time', false);
  const files = top.section('files', false);
  const limits = top.section('limits', false);
  const bad = top.section('badRecords', false);
  const completeness = top.section('completeness', false);
  const valueFormat = value.oneOf('format', ['json', 'avro', 'avro-confluent'] as const);
  const { schemaPath, schema } = checkSchema(value, base, valueFormat === 'avro-confluent', valueFormat === 'avro-confluent' ? LATEST_SCHEMA : undefined);
  const bootstrap = checkBootstrap(source, overrides.bootstrap);
  const place: JobPlace = { bootstrap, baseDir: base };
  const valueFramed = valueFormat === 'avro-confluent' ? readFramedSettings(file, value, parsed.value as Json, place, schemaPath) : null;
  if (!valueFramed) rejectFramedKeys(value, parsed.value as Json, valueFormat);
  const metadataColumns = top.list('metadataColumns', ['partition', 'offset', 'timestamp', 'key', 'topic'] as const, [], true);
  const key = readKeySection(file, top, parsed, place, valueFramed, metadataColumns);
  const timezone = time.string('timezone', 'UTC');
  if (!validTimezone(timezone)) time.fail('timezone', `unknown time zone ${JSON.stringify(timezone)} (use an IANA name such as "UTC" or "Europe/Paris")`);
  const timeField = time.optionalString('field');
  if (timeField !== null && schema !== null) {
    const reading = timeFieldReading(schema.schema, timeField);
    if (typeof reading === 'string') time.fail('field', `${JSON.stringify(timeField)} ${reading} (${schemaPath})`);
  }
  const table = output.string('table');
  const { topic, selection } = checkTopics(source, parsed.source as Json);
  if (!isHiveTableName(table.split(TOPIC_PLACEHOLDER).join('t'))) output.fail('table', `must be a Hive table name: letters, digits and _ (with ${TOPIC_PLACEHOLDER} for one table per topic)`);
  return {
    file,
    name: top.string('name'),
    source: {
      bootstrap,
      topic,
      security: readJobSecurity(file, parsed.source as Json, base, KNOWN_KEYS),
      isolationLevel: source.oneOf('isolationLevel', ISOLATION_LEVELS, 'read_committed'),
      ...(selection ? { selection } : {}),
    },
    value: { format: valueFormat, schema: schemaPath, framed: valueFramed },
    key,
    output: {
      formats: output.list('formats', ['avro', 'parquet'] as const, ['avro'], false),
      avroCodec: output.oneOf('avroCodec', ['null', 'deflate', 'snappy'] as const, 'deflate'),
      parquet: readParquetSettings(file, parsed.output as Json, KNOWN_KEYS),
      sink: resolveSink(output.string('sink'), base),
      table,
      partitioning: readPartitioning(output, schema?.schema ?? null, schemaPath),
    },
    time: { field: timeField, timezone },
    files: {
      maxRecords: files.integer('maxRecords', 1_000_000, 1),
      maxBytes: files.integer('maxBytes', 256 * 1024 * 1024, 1024),
      maxAgeMs: files.duration('maxAge', 1000, 24 * 3_600_000),
    },
    limits: {
      maxRecordsPerPartition: limits.integer('maxRecordsPerPartition', 10_000_000, 1),
      maxDurationSeconds: limits.number('maxDurationSeconds', 3000, 0.1, 7 * 24 * 3600),
    },
    badRecords: { maxPercent: bad.number('maxPercent', 0, 0, 100) },
    metadataColumns,
    schedule: top.optionalString('schedule'),
    concurrency: top.integer('concurrency', 4, 1, 64),
    workerThreads: top.integer('workerThreads', DEFAULT_WORKER_THREADS, 0, 16),
    completeness: {
      delaySeconds: completeness.number('delaySeconds', DEFAULT_COMPLETENESS_DELAY_SECONDS, 0, 7 * 24 * 3600),
      idlePartitions: completeness.oneOf('idlePartitions', ['advance', 'hold'] as const, 'advance'),
      onGap: completeness.oneOf('onGap', ['hold', 'mark'] as const, 'hold'),
    },
    compaction: readCompactionSettings(top.section('compaction', false), parsed.compaction),
  };
}
