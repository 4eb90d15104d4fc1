import type { TableStore } from './table';
import { checkpointDir, indexDir, SCHEMA_GENERATION_DIR, SCHEMAS_DIR, schemaStartsDir } from './layout';

const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * What a writer killed mid-write leaves beside the file it meant to place: `writeJsonOnce`'s `<name>.<rand>.tmp`,
 * the index's `.<entries>.<rand>.tmp`, the WebHDFS sink's `.<name>.<rand>.uploading`.
 */
const STAGING = /(\.[0-9a-f]{8}\.tmp|\.[0-9a-f]{8}\.uploading)$/;

/**
 * Removes the staging files killed writers left in the state directories of `partitions` (checkpoints, index,
 * and their schema-generation starts `<p>-<offset>.json`; a run's own directory goes whole with the run). Only a holder of a partition's lock writes
 * there, so the caller must hold the locks of `partitions`. Returns the table-relative paths removed.
 */
export async function removeStrayFiles(table: TableStore, partitions: readonly number[]): Promise<string[]> {
  const removed: string[] = [];
  const sweep = async (dir: string, isStray: (name: string) => boolean) => {
    for (const entry of await table.sink.list(table.path(dir))) {
      const name = nameOf(entry.path);
      if (entry.type !== 'file' || !isStray(name)) continue;
      if (await table.sink.delete(table.path(`${dir}/${name}`), false).catch(() => false)) removed.push(`${dir}/${name}`);
    }
  };
  for (const partition of partitions) {
    // The checkpoint directory grows with history: it is listed only when it holds more entries than the index
    // counts checkpoints (its status and the index are what planning reads anyway).
    const status = await table.sink.status(table.path(checkpointDir(partition)));
    if (status && (status.children ?? Infinity) > (await table.partitionSummary(partition)).checkpoints) {
      await sweep(checkpointDir(partition), (name) => STAGING.test(name));
    }
    await sweep(indexDir(partition), (name) => STAGING.test(name));
  }
  // A generation's starts are written by the run holding that partition's lock: `<p>-<offset>.json.<rand>.tmp`.
  const generations = (await table.sink.list(table.path(SCHEMAS_DIR))).filter((e) => e.type === 'directory' && SCHEMA_GENERATION_DIR.test(nameOf(e.path)));
  for (const generation of generations) {
    const starts = schemaStartsDir(Number(nameOf(generation.path)));
    await sweep(starts, (name) => STAGING.test(name) && partitions.some((p) => name.startsWith(`${p}-`)));
  }
  return removed;
}
