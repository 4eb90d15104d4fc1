import type { PartitionSummary } from './partition-index';
import type { CommitManifest } from './records';
import type { TableStore } from './table';

export class CommitError extends Error {
  constructor(readonly runId: string, detail: string) {
    super(`run ${runId}: ${detail}`);
    this.name = 'CommitError';
  }
}

const MANIFEST = 'commit.json';

function parentOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
}

/**
 * Moves every file of a run from its temporary place to its final one, then
 * records the ranges. Safe to repeat after a crash at any point: a file already
 * in place (same size) counts as moved, a checkpoint already written by this run
 * counts as written. Every rename's answer is read. The partition indexes are written after the checkpoints and
 * before the run directory goes: a crash between leaves the run to be rolled forward again, and the index, which
 * no longer matches the checkpoint directory, to be rebuilt.
 */
export async function applyCommit(table: TableStore, manifest: CommitManifest): Promise<void> {
  for (const range of manifest.ranges) {
    for (const file of range.files) {
      const from = table.path(table.tmpPath(manifest.runId, file.path));
      const to = table.path(file.path);
      await table.sink.mkdirs(parentOf(to));
      if (await table.sink.rename(from, to)) continue;
      const [source, target] = await Promise.all([table.sink.status(from), table.sink.status(to)]);
      if (!source && target?.type === 'file' && target.length === file.bytes) continue; // moved before a crash
      throw new CommitError(manifest.runId, `could not move ${from} to ${to} (source ${source ? 'present' : 'missing'}, target ${target ? `present, ${target.length} bytes` : 'missing'}, expected ${file.bytes} bytes)`);
    }
  }
  const partitions = [...new Set(manifest.ranges.map((r) => r.partition))];
  const before = new Map<number, PartitionSummary>();
  for (const partition of partitions) before.set(partition, await table.partitionSummary(partition));
  const added = [];
  for (const range of manifest.ranges) if (await table.writeCheckpoint(range)) added.push(range);
  for (const partition of partitions) await table.recordCheckpoints(partition, before.get(partition)!, added.filter((r) => r.partition === partition));
  await table.deleteRun(manifest.runId);
}

/** Writes the manifest: the moment a run is committed. Before it, a crash rolls the run back; after it, forward. */
export async function writeManifest(table: TableStore, manifest: CommitManifest): Promise<void> {
  const placed = await table.writeJsonOnce(`${table.runDir(manifest.runId)}/${MANIFEST}`, manifest);
  if (!placed) throw new CommitError(manifest.runId, 'a commit manifest for this run already exists');
}

export interface RecoveryOutcome {
  rolledForward: string[];
  rolledBack: string[];
}

/** Finishes or abandons runs a crash interrupted, using what each persisted. */
export async function recoverUnfinishedRuns(table: TableStore): Promise<RecoveryOutcome> {
  const outcome: RecoveryOutcome = { rolledForward: [], rolledBack: [] };
  for (const runId of await table.unfinishedRuns()) {
    const manifest = `${table.runDir(runId)}/${MANIFEST}`;
    if (await table.exists(manifest)) {
      await applyCommit(table, await table.readJson<CommitManifest>(manifest));
      outcome.rolledForward.push(runId);
    } else {
      await table.deleteRun(runId);
      outcome.rolledBack.push(runId);
    }
  }
  return outcome;
}
