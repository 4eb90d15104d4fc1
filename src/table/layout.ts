import { randomBytes } from 'node:crypto';

export interface HourPartition {
  dt: string;
  hr: string;
}

const HOUR_MS = 3_600_000;
const QUARTER_MS = 900_000;

/**
 * The Hive partition (dt=YYYY-MM-DD/hr=HH) an instant falls in, in a time zone.
 * Zone offsets are whole quarter hours, so results are cached per quarter hour.
 */
export class HourPartitioner {
  private readonly cache = new Map<number, HourPartition>();
  /** One object per distinct hour, so callers may key maps by it. */
  private readonly hours = new Map<string, HourPartition>();
  private readonly format: Intl.DateTimeFormat | null;
  readonly stepMs = QUARTER_MS;

  constructor(readonly timezone: string) {
    this.format = timezone === 'UTC' ? null : new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23',
    });
  }

  partitionOf(timestamp: number): HourPartition {
    const bucket = this.format ? Math.floor(timestamp / QUARTER_MS) : Math.floor(timestamp / HOUR_MS);
    let hit = this.cache.get(bucket);
    if (!hit) {
      const computed = this.compute(timestamp);
      const key = `${computed.dt}|${computed.hr}`;
      hit = this.hours.get(key) ?? computed;
      this.hours.set(key, hit);
      if (this.cache.size > 100_000) this.cache.clear();
      this.cache.set(bucket, hit);
    }
    return hit;
  }

  keyOf(partition: HourPartition): string {
    return `${partition.dt}T${partition.hr}`;
  }

  private compute(timestamp: number): HourPartition {
    if (!this.format) {
      const iso = new Date(timestamp).toISOString();
      return { dt: iso.slice(0, 10), hr: iso.slice(11, 13) };
    }
    const parts = Object.fromEntries(this.format.formatToParts(new Date(timestamp)).map((p) => [p.type, p.value]));
    return { dt: `${parts.year}-${parts.month}-${parts.day}`, hr: parts.hour };
  }
}

export function hourPath(partition: HourPartition): string {
  return `dt=${partition.dt}/hr=${partition.hr}`;
}

/**
 * Where one format's hour directories start inside the table. A job writing one format keeps them at the table
 * root; a job writing two gives each its own tree (`avro/`, `parquet/`), because Hive and every other reader
 * take one format per table location.
 */
export function formatRoot(formats: readonly string[], format: string): string {
  return formats.length > 1 ? `${format}/` : '';
}

/** Where sluice keeps a table's state, beside its data; readers of the data skip it (its name starts with `_`). */
export const STATE_DIR = '_sluice';
export const SUCCESS_MARKER = '_SUCCESS';

export function runDir(runId: string): string {
  return `${STATE_DIR}/runs/${runId}`;
}

/** A run's files wait under its own directory until the commit moves them to their final path. */
export function tmpPath(runId: string, finalPath: string): string {
  return `${runDir(runId)}/tmp/${finalPath}`;
}

export function checkpointDir(partition: number): string {
  return `${STATE_DIR}/checkpoints/${partition}`;
}

function pad(offset: number): string {
  return String(offset).padStart(20, '0');
}

/** `<start>-<end>.json`, 20 digits each: name order is offset order. */
export function checkpointName(partition: number, start: number, end: number): string {
  return `${checkpointDir(partition)}/${pad(start)}-${pad(end)}.json`;
}

export const CHECKPOINT_FILE = /^\d{20}-\d{20}\.json$/;

/** Acknowledged retention gaps (`sluice ack-gap`), one create-only file per gap, named like checkpoints. */
export const GAPS_DIR = `${STATE_DIR}/gaps`;

export function gapAcknowledgementName(partition: number, start: number, end: number): string {
  return `${GAPS_DIR}/${partition}/${pad(start)}-${pad(end)}.json`;
}

export function indexDir(partition: number): string {
  return `${STATE_DIR}/index/${partition}`;
}

/** Index files are never rewritten in place: each is named by the checkpoint directory's entry count it covers. */
export function indexName(partition: number, directoryEntries: number): string {
  return `${indexDir(partition)}/${pad(directoryEntries)}.json`;
}

const EXTENSIONS: Record<'avro' | 'parquet', string> = { avro: 'avro', parquet: 'parquet' };

/** Output names are a function of the plan alone, so a retried run writes the same files. */
export function dataFileName(topic: string, range: { partition: number; start: number; end: number }, seq: number, format: 'avro' | 'parquet'): string {
  return `${topic}+${range.partition}+${range.start}+${range.end}+${seq}.${EXTENSIONS[format]}`;
}

/** A data file's path in the table: format tree, hour directory, name. */
export function dataFilePath(formats: readonly string[], hour: HourPartition, topic: string, range: { partition: number; start: number; end: number }, seq: number, format: 'avro' | 'parquet'): string {
  return `${formatRoot(formats, format)}${hourPath(hour)}/${dataFileName(topic, range, seq, format)}`;
}

/** A data file's path in the table: format tree, partition directory (`country=US/dt=2026-11-21`), name. */
export function dataFilePathIn(formats: readonly string[], directory: string, topic: string, range: { partition: number; start: number; end: number }, seq: number, format: 'avro' | 'parquet'): string {
  return `${formatRoot(formats, format)}${directory}/${dataFileName(topic, range, seq, format)}`;
}

/** The `_SUCCESS` marker of one partition directory in a format tree. */
export function markerPathIn(formats: readonly string[], directory: string, format: string): string {
  return `${formatRoot(formats, format)}${directory}/${SUCCESS_MARKER}`;
}

export function deadLetterPath(topic: string, range: { partition: number; start: number; end: number }): string {
  return `_dead_letter/${topic}+${range.partition}+${range.start}+${range.end}.jsonl`;
}

export function hourKeyPath(key: string): string {
  return hourPath({ dt: key.slice(0, 10), hr: key.slice(11, 13) });
}

export function markerPath(formats: readonly string[], key: string, format: string): string {
  return `${formatRoot(formats, format)}${hourKeyPath(key)}/${SUCCESS_MARKER}`;
}

/** A run's id names its directory: its start time (sortable) and a random tail. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

export const HISTORY_DIR = `${STATE_DIR}/history`;

/** A table's schema history: one directory per generation, `<generation, 6 digits>/`. */
export const SCHEMAS_DIR = `${STATE_DIR}/schemas`;
export const SCHEMA_GENERATION_DIR = /^\d{6,}$/;

export function schemaGenerationDir(generation: number): string {
  return `${SCHEMAS_DIR}/${String(generation).padStart(6, '0')}`;
}

/** The generation's schema, created once and never rewritten. */
export function schemaFile(generation: number): string {
  return `${schemaGenerationDir(generation)}/schema.json`;
}

export function schemaStartsDir(generation: number): string {
  return `${schemaGenerationDir(generation)}/starts`;
}

/**
 * Where the generation starts in a partition: `<partition>-<offset, 20 digits>.json`, one per partition, created
 * by the run holding that partition's lock (so shards never write the same file). The name carries the offset, so
 * the history is read with one listing per generation.
 */
export function schemaStartName(generation: number, partition: number, offset: number): string {
  return `${schemaStartsDir(generation)}/${partition}-${pad(offset)}.json`;
}

export const SCHEMA_START_FILE = /^(\d+)-(\d{20})\.json$/;

/**
 * One file per month (UTC) in which lines are written, per writer: appends stay small to read back, and old months
 * can be deleted whole. A writer is named by the lowest partition its run locked: two runs with the same lowest
 * partition share it, so never write at once (concurrent APPENDs to one HDFS file fight over its lease). Partition
 * 0 (every run of an unsharded job) keeps the plain name `runs-YYYY-MM.jsonl`; other shards add `.p<partition>`.
 */
export function historyFile(time: Date, lowestPartition = 0): string {
  return `${HISTORY_DIR}/runs-${time.toISOString().slice(0, 7)}${lowestPartition === 0 ? '' : `.p${lowestPartition}`}.jsonl`;
}

export function startOfPreviousMonth(time: Date): Date {
  return new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth() - 1, 1));
}

/**
 * A reload's own directory: its new files staged under `new/<final path>`, the files they replace moved to
 * `old/<final path>`, and `swap.json`, whose existence is the reload's commit point.
 */
export const RELOADS_DIR = `${STATE_DIR}/reloads`;

export function reloadDir(runId: string): string {
  return `${RELOADS_DIR}/${runId}`;
}
