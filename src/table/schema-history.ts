// A table's schema history under `_sluice/schemas/`: every generation of the output schema, and per partition the
// offset where it starts. Files are created once and never rewritten, so WebHDFS and a local directory behave alike.
import type { Sink } from '../ports/sink';
import { SCHEMAS_DIR, SCHEMA_GENERATION_DIR, SCHEMA_START_FILE, schemaFile, schemaStartName, schemaStartsDir } from './layout';
import type { SchemaGenerationRecord, SchemaStart } from './records';

export interface SchemaGeneration extends SchemaGenerationRecord {
  /** Partition → the first offset loaded with this generation (partitions it has not reached yet are absent). */
  starts: Map<number, number>;
}

const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Reads and writes the history through a sink; `path` turns a table-relative path into a sink path. */
export class SchemaHistoryFiles {
  constructor(
    private readonly sink: Sink,
    private readonly path: (relative: string) => string,
    private readonly writeOnce: (relative: string, value: unknown) => Promise<boolean>,
  ) {}

  /**
   * Every generation, oldest first. Costs one listing of the history, then per generation one read and one listing
   * of its starts. A generation directory without its schema file (a crash while creating it) is left out.
   */
  async read(): Promise<SchemaGeneration[]> {
    const entries = await this.sink.list(this.path(SCHEMAS_DIR));
    const numbers = entries.filter((e) => e.type === 'directory' && SCHEMA_GENERATION_DIR.test(nameOf(e.path))).map((e) => Number(nameOf(e.path))).sort((a, b) => a - b);
    const generations = await Promise.all(numbers.map((n) => this.readGeneration(n)));
    return generations.filter((g): g is SchemaGeneration => g !== null);
  }

  private async readGeneration(generation: number): Promise<SchemaGeneration | null> {
    if (!(await this.sink.status(this.path(schemaFile(generation))))) return null;
    const record = JSON.parse((await this.sink.readFile(this.path(schemaFile(generation)))).toString('utf8')) as SchemaGenerationRecord;
    const starts = new Map<number, number>();
    for (const entry of await this.sink.list(this.path(schemaStartsDir(generation)))) {
      const match = SCHEMA_START_FILE.exec(nameOf(entry.path));
      if (entry.type !== 'file' || !match) continue;
      const partition = Number(match[1]);
      const offset = Number(match[2]);
      // Two starts for one partition only if a lock was lost mid-write: the earlier one is where data may begin.
      if (!starts.has(partition) || offset < starts.get(partition)!) starts.set(partition, offset);
    }
    return { ...record, generation, starts };
  }

  /** Creates the generation's schema file; false when that generation already exists (another shard made it). */
  writeGeneration(record: SchemaGenerationRecord): Promise<boolean> {
    return this.writeOnce(schemaFile(record.generation), record);
  }

  /** Records where the generation starts in a partition; only the holder of the partition's lock calls this. */
  async writeStart(generation: number, start: SchemaStart): Promise<void> {
    await this.writeOnce(schemaStartName(generation, start.partition, start.offset), start);
  }
}

/** The generation a partition's offset was loaded with: the newest that started there at or before it (the oldest for data from before the history). */
export function generationAt(history: readonly SchemaGeneration[], partition: number, offset: number): SchemaGeneration | null {
  let found: SchemaGeneration | null = null;
  for (const generation of history) {
    const start = generation.starts.get(partition);
    if (start !== undefined && start <= offset) found = generation;
  }
  return found ?? history[0] ?? null;
}
