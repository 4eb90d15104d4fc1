// A format tree's partition directories as the sink holds them, read by the table's template.
import type { Sink, SinkEntry } from '../ports/sink';
import { formatRoot } from './layout';
import type { TableReader } from './table';
import { PartitionTemplate, unescapePathName } from './partition-template';
import { segmentReader, TimeKey, timeKeyOfNames } from './time-partitions';

export interface PartitionDirectory {
  /** In the sink, as listed. */
  sinkPath: string;
  /** Under the format tree: `country=US/dt=2026-11-21/hr=05`. */
  directory: string;
  /** Each partition column with its value as Hive reads it: unescaped, null for the default partition. */
  values: [string, string | null][];
  key: TimeKey;
}

const nameOf = (entry: SinkEntry) => entry.path.slice(entry.path.lastIndexOf('/') + 1);

/** Whether `name` is a directory name this segment could have written. */
function matcher(template: PartitionTemplate, index: number): (name: string) => boolean {
  const segment = template.segments[index];
  if (segment.kind === 'field') return (name) => name.startsWith(`${segment.column}=`) && name.length > segment.column.length + 1;
  const read = segmentReader(segment);
  return (name) => read(name) !== null;
}

/** Directories `depth` segments down from `root` (a sink path), with their names on the way. */
async function walk(sink: Sink, root: string, template: PartitionTemplate, depth: number): Promise<{ entry: SinkEntry; names: string[] }[]> {
  let level: { path: string; names: string[] }[] = [{ path: root, names: [] }];
  let found: { entry: SinkEntry; names: string[] }[] = [];
  for (let i = 0; i < depth; i++) {
    const matches = matcher(template, i);
    found = [];
    for (const parent of level) {
      for (const entry of await sink.list(parent.path)) {
        const name = nameOf(entry);
        if (entry.type === 'directory' && matches(name)) found.push({ entry, names: [...parent.names, name] });
      }
    }
    level = found.map((f) => ({ path: f.entry.path, names: f.names }));
  }
  return found;
}

/** The leaf partition directories under `root` (a format tree, as a sink path), sorted by directory. */
export async function listPartitionDirectories(sink: Sink, root: string, template: PartitionTemplate): Promise<PartitionDirectory[]> {
  const result: PartitionDirectory[] = [];
  for (const { entry, names } of await walk(sink, root, template, template.segments.length)) {
    const parsed = partitionValuesOf(template, names.join('/'));
    if (parsed) result.push({ sinkPath: entry.path, directory: names.join('/'), ...parsed });
  }
  return result.sort((a, b) => (a.directory < b.directory ? -1 : a.directory > b.directory ? 1 : 0));
}

/**
 * The field directories under `root`, each as a prefix of a partition directory (`country=US/`), sorted; `['']` for
 * a template without fields.
 */
export async function listFieldPrefixes(sink: Sink, root: string, template: PartitionTemplate): Promise<string[]> {
  const fieldCount = template.segments.filter((s) => s.kind === 'field').length;
  if (fieldCount === 0) return [''];
  return (await walk(sink, root, template, fieldCount)).map((f) => `${f.names.join('/')}/`).sort();
}

/** The partition values of a directory under a format tree (`country=a%2Fb/dt=…`), or null when the template did not write it. */
export function partitionValuesOf(template: PartitionTemplate, directory: string): { values: [string, string | null][]; key: TimeKey } | null {
  const names = directory.split('/');
  if (names.length !== template.segments.length || !names.every((name, i) => matcher(template, i)(name))) return null;
  const key = timeKeyOfNames(template, names.slice(template.segments.filter((s) => s.kind === 'field').length));
  if (key === null) return null;
  return { key, values: names.map((name, i) => [template.segments[i].column, unescapePathName(name.slice(name.indexOf('=') + 1))]) };
}

/**
 * A data file of the table's newest checkpoint (in the first of `partitions` that has one) whose directory the
 * template could not have written, or null: a table written with another `output.partitioning` would have its old
 * directories ignored by query, hive-ddl and the markers. One index read and one checkpoint read.
 */
export async function fileOutsideTemplate(table: TableReader, formats: readonly string[], template: PartitionTemplate, partitions: readonly number[]): Promise<string | null> {
  for (const partition of partitions) {
    const { lastCheckpoint } = await table.partitionSummary(partition);
    if (lastCheckpoint === null) continue;
    const checkpoint = await table.checkpoint(partition, lastCheckpoint);
    const data = checkpoint.files.filter((f) => f.format !== 'dead-letter');
    if (data.length === 0) continue;
    for (const file of data) {
      const relative = file.path.slice(formatRoot(formats, file.format).length);
      if (partitionValuesOf(template, relative.slice(0, Math.max(0, relative.lastIndexOf('/')))) === null) return file.path;
    }
    return null;
  }
  return null;
}
