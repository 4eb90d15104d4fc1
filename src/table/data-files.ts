// The committed data of a table: files under a format tree's `dt=…/hr=…/` directories, and the hours they fill.
import type { Sink } from '../ports/sink';
import { formatRoot } from './layout';
import type { TableReader } from './table';

/** A committed data file of a table, by its path in the sink and its hour partition. */
export interface DataFile {
  sinkPath: string;
  dt: string;
  hr: string;
  bytes: number;
}

/** Hive skips names starting with `_` or `.`: state, dead letters, backfills, markers, staging files. */
function hidden(name: string): boolean {
  return name.startsWith('_') || name.startsWith('.');
}

function partitionValue(dirPath: string, key: 'dt' | 'hr'): string | null {
  const name = dirPath.split('/').pop()!;
  return name.startsWith(`${key}=`) && name.length > key.length + 1 ? name.slice(key.length + 1) : null;
}

/**
 * The `.<format>` files under `dataRoot`'s `dt=…/hr=…/` directories, sorted. Files appear there only when a run
 * commits, so this is committed data; `_sluice/`, `_backfill/`, `_dead_letter/` are never entered.
 */
export async function listDataFiles(sink: Sink, dataRoot: string, format: string): Promise<DataFile[]> {
  const extension = `.${format}`;
  const files: DataFile[] = [];
  for (const day of await sink.list(dataRoot)) {
    const dt = partitionValue(day.path, 'dt');
    if (day.type !== 'directory' || dt === null) continue;
    for (const hour of await sink.list(day.path)) {
      const hr = partitionValue(hour.path, 'hr');
      if (hour.type !== 'directory' || hr === null) continue;
      for (const file of await sink.list(hour.path)) {
        const name = file.path.split('/').pop()!;
        if (file.type === 'file' && !hidden(name) && name.endsWith(extension)) files.push({ sinkPath: file.path, dt, hr, bytes: file.length });
      }
    }
  }
  return files.sort((a, b) => (a.sinkPath < b.sinkPath ? -1 : a.sinkPath > b.sinkPath ? 1 : 0));
}

export interface HourPartitionValue {
  dt: string;
  hr: string;
}

/**
 * The hours holding committed files of one format tree, sorted: read from every checkpoint (not the index), so a
 * run still under `_sluice/runs/` and the backfills (their own state under `_backfill/`) add nothing.
 */
export async function committedHours(table: TableReader, formats: readonly string[], format: string): Promise<HourPartitionValue[]> {
  const prefix = formatRoot(formats, format);
  const hours = new Map<string, HourPartitionValue>();
  for (const partition of await table.checkpointedPartitions()) {
    for (const range of await table.checkpoints(partition)) {
      for (const file of range.files) {
        if (file.format !== format || !file.path.startsWith(prefix)) continue;
        const match = /^dt=([^/]+)\/hr=([^/]+)\/[^/]+$/.exec(file.path.slice(prefix.length));
        if (match) hours.set(`${match[1]}/${match[2]}`, { dt: match[1], hr: match[2] });
      }
    }
  }
  return [...hours.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, hour]) => hour);
}
