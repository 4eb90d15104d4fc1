// The committed data of a table: files under a format tree's partition directories (`output.partitioning`), and
// the partitions they fill.
import type { Sink } from '../ports/sink';
import { formatRoot } from './layout';
import { DEFAULT_PARTITIONING, parsePartitionTemplate, PartitionTemplate } from './partition-template';
import { listPartitionDirectories, partitionValuesOf } from './partition-directories';
import type { TableReader } from './table';

const HOURLY = parsePartitionTemplate(DEFAULT_PARTITIONING);

/** A committed data file of a table, by its path in the sink and its partition. */
export interface DataFile {
  sinkPath: string;
  /** Its directory under the format tree: `country=US/dt=2026-11-21`. */
  directory: string;
  /** The partition columns with their values as Hive reads them (unescaped; null for the default partition). */
  partitionValues: [string, string | null][];
  bytes: number;
}

/** Hive skips names starting with `_` or `.`: state, dead letters, backfills, markers, staging files. */
function hidden(name: string): boolean {
  return name.startsWith('_') || name.startsWith('.');
}

/**
 * The `.<format>` files under `dataRoot`'s partition directories, sorted. Files appear there only when a run
 * commits, so this is committed data; `_sluice/`, `_backfill/`, `_dead_letter/` are never entered.
 */
export async function listDataFiles(sink: Sink, dataRoot: string, format: string, template: PartitionTemplate = HOURLY): Promise<DataFile[]> {
  const extension = `.${format}`;
  const files: DataFile[] = [];
  for (const dir of await listPartitionDirectories(sink, dataRoot, template)) {
    for (const file of await sink.list(dir.sinkPath)) {
      const name = file.path.split('/').pop()!;
      if (file.type === 'file' && !hidden(name) && name.endsWith(extension)) {
        files.push({ sinkPath: file.path, directory: dir.directory, partitionValues: dir.values, bytes: file.length });
      }
    }
  }
  return files.sort((a, b) => (a.sinkPath < b.sinkPath ? -1 : a.sinkPath > b.sinkPath ? 1 : 0));
}

export interface CommittedPartition {
  /** Under the format tree, as written (escaped): `country=a%2Fb/dt=2026-11-21`. */
  directory: string;
  values: [string, string | null][];
}

/**
 * The partition directories holding committed files of one format tree, sorted: read from every checkpoint (not the
 * index), so a run still under `_sluice/runs/` and the backfills (their own state under `_backfill/`) add nothing.
 */
export async function committedPartitions(table: TableReader, formats: readonly string[], format: string, template: PartitionTemplate = HOURLY): Promise<CommittedPartition[]> {
  const prefix = formatRoot(formats, format);
  const found = new Map<string, CommittedPartition>();
  for (const partition of await table.checkpointedPartitions()) {
    for (const range of await table.checkpoints(partition)) {
      for (const file of range.files) {
        if (file.format !== format || !file.path.startsWith(prefix)) continue;
        const relative = file.path.slice(prefix.length);
        const directory = relative.slice(0, Math.max(0, relative.lastIndexOf('/')));
        if (found.has(directory)) continue;
        const parsed = partitionValuesOf(template, directory);
        if (parsed) found.set(directory, { directory, values: parsed.values });
      }
    }
  }
  return [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
}
