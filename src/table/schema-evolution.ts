// How a table's output schema changes between runs: a reader schema that can read everything the table holds
// (BACKWARD_TRANSITIVE, by Avro's resolution rules) becomes a new generation before any file is written with it;
// any other is refused. The reader schema may come from a job's .avsc file or, later, from a registry.
import { Incompatibility, readIncompatibilities } from '../formats/avro-compatibility';
import type { AvroSchemaObject } from '../formats/record-file-writer';
import type { SchemaGeneration } from './schema-history';
import type { TableReader, TableStore } from './table';

/** The compatibility rule a table's schema changes follow (Confluent's name for it). */
export const EVOLUTION_RULE = 'BACKWARD_TRANSITIVE';

export interface ReaderSchema {
  /** The output schema: what the files will carry (the reader schema with the job's metadata columns). */
  schema: AvroSchemaObject;
  /** Where it came from, for messages and the history: the .avsc file, a registry subject and version. */
  source: string;
}

export interface SchemaEvolution {
  generation: SchemaGeneration;
  /** The generation before it, when this run created the generation; null otherwise. */
  replaced: SchemaGeneration | null;
}

/** A reader schema that cannot read what an earlier generation wrote: refused before anything is written. */
export class SchemaEvolutionError extends Error {
  readonly rule = EVOLUTION_RULE;
  constructor(
    readonly table: string,
    readonly source: string,
    readonly writerGeneration: number,
    readonly incompatibilities: Incompatibility[],
  ) {
    const reasons = incompatibilities.map((i) => `${i.type} at ${i.field} (${i.location}): ${i.message}`).join('; ');
    super(
      `table ${table}: the schema of ${source} cannot read the files of schema generation ${writerGeneration} ` +
        `(${EVOLUTION_RULE}: a new schema must read the data of every earlier generation): ${reasons}. Nothing was loaded. ` +
        'Give an added field a default (a nullable one: "type": ["null", …], "default": null), keep removed fields, and change types only as Avro promotes them (int → long → float → double, string ↔ bytes)',
    );
    this.name = 'SchemaEvolutionError';
  }
}

/** JSON with object keys sorted: two schemas are the same generation when these match (field order counts). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sameSchema = (a: AvroSchemaObject, b: AvroSchemaObject) => canonicalJson(a) === canonicalJson(b);

/**
 * What the reader schema would be for the table: the latest generation when it is the same schema, null when it
 * would be a new one. Throws SchemaEvolutionError when it cannot read some generation's data. Reads only.
 */
export async function checkSchemaEvolution(table: TableReader, reader: ReaderSchema, history?: SchemaGeneration[]): Promise<SchemaGeneration | null> {
  const generations = history ?? (await table.schemaHistory());
  const latest = generations[generations.length - 1];
  if (latest && sameSchema(latest.schema, reader.schema)) return latest;
  const checked = new Set<string>();
  for (const generation of generations) {
    const key = canonicalJson(generation.schema);
    if (checked.has(key)) continue;
    checked.add(key);
    const problems = readIncompatibilities(reader.schema, generation.schema);
    if (problems.length > 0) throw new SchemaEvolutionError(table.root, reader.source, generation.generation, problems);
  }
  return null;
}

/**
 * Makes `reader` the table's schema for the ranges a run is about to load, under the run's partition locks and
 * before any of its files is written: a new generation when it differs from the latest (after the
 * BACKWARD_TRANSITIVE check), then for every partition in `nextOffsets` that the generation has not reached yet,
 * its start there. `nextOffsets` are where the run's ranges begin. Returns the generation the files carry.
 *
 * Crash-safe without a commit of its own: a generation recorded by a run that then fails starts where the next run
 * starts too (committed offsets have not moved), and every file is created once, so repeating is harmless.
 */
export async function evolveTableSchema(table: TableStore, reader: ReaderSchema, nextOffsets: ReadonlyMap<number, number>, runId: string): Promise<SchemaEvolution> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const history = await table.schemaHistory();
    let generation = await checkSchemaEvolution(table, reader, history);
    let replaced: SchemaGeneration | null = null;
    if (!generation) {
      const latest = history[history.length - 1] ?? null;
      const number = (latest?.generation ?? 0) + 1;
      const adopted = number === 1 && (await hasCommittedData(table, nextOffsets));
      const record = { generation: number, schema: reader.schema, source: reader.source, runId, createdAt: new Date().toISOString(), ...(adopted ? { adopted } : {}) };
      // Another shard created this generation meanwhile: look again (it is most likely this very schema).
      if (!(await table.writeSchemaGeneration(record))) continue;
      generation = { ...record, starts: new Map() };
      replaced = latest;
    }
    for (const [partition, next] of nextOffsets) {
      if (generation.starts.has(partition)) continue;
      // Generation 1 covers what the partition held before the history existed.
      const offset = generation.generation === 1 ? ((await table.partitionSummary(partition)).ranges[0]?.start ?? next) : next;
      await table.writeSchemaStart(generation.generation, { partition, offset, runId, recordedAt: new Date().toISOString() });
      generation.starts.set(partition, offset);
    }
    return { generation, replaced };
  }
  throw new Error(`table ${table.describe()}: schema generations kept being created by other runs; try again`);
}

async function hasCommittedData(table: TableStore, partitions: ReadonlyMap<number, number>): Promise<boolean> {
  for (const partition of partitions.keys()) if ((await table.committedOffset(partition)) !== null) return true;
  return false;
}

/** Top-level fields `next` has that `previous` lacks, and those whose type changed: for log lines and Hive DDL. */
export function fieldChanges(previous: AvroSchemaObject, next: AvroSchemaObject): { added: string[]; changed: string[]; removed: string[] } {
  const before = new Map((previous.fields ?? []).map((f) => [f.name, canonicalJson(f.type)]));
  const after = new Map((next.fields ?? []).map((f) => [f.name, canonicalJson(f.type)]));
  return {
    added: [...after.keys()].filter((name) => !before.has(name)),
    changed: [...after.keys()].filter((name) => before.has(name) && before.get(name) !== after.get(name)),
    removed: [...before.keys()].filter((name) => !after.has(name)),
  };
}
