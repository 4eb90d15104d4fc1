import type { PartitionSummary } from './partition-index';
import type { CommitManifest, RunPlan } from './records';
import { checkpointName } from './layout';
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
 *
 * With `only`, just the ranges of those partitions (the ones a recovering run locked): the run directory goes once
 * every range of the manifest has its checkpoint, whichever run wrote the last of them. Returns whether it went.
 */
export async function applyCommit(table: TableStore, manifest: CommitManifest, only?: readonly number[]): Promise<boolean> {
  const ranges = only ? manifest.ranges.filter((r) => only.includes(r.partition)) : manifest.ranges;
  for (const range of ranges) {
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
  const partitions = [...new Set(ranges.map((r) => r.partition))];
  const before = new Map<number, PartitionSummary>();
  for (const partition of partitions) before.set(partition, await table.partitionSummary(partition));
  const added = [];
  for (const range of ranges) if (await table.writeCheckpoint(range)) added.push(range);
  for (const partition of partitions) await table.recordCheckpoints(partition, before.get(partition)!, added.filter((r) => r.partition === partition));
  if (ranges.length < manifest.ranges.length) {
    for (const range of manifest.ranges) {
      if (!ranges.includes(range) && !(await table.exists(checkpointName(range.partition, range.start, range.end)))) return false;
    }
  }
  await table.deleteRun(manifest.runId);
  return true;
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

const partitionsOf = (ranges: readonly { partition: number }[]) => [...new Set(ranges.map((r) => r.partition))];

/**
 * Finishes or abandons runs a crash interrupted, using what each persisted, as far as this run's partition locks
 * allow: shards of a job recover at once, each its own partitions. A run directory whose run holds a live lock is
 * never touched (another shard at work). A dead run that committed (its manifest) is rolled forward for the
 * partitions this run locked; one that had not is rolled back only when this run locked all its partitions (an
 * expired holder still at work then finds its locks gone and cannot commit); otherwise it waits for a run that
 * locks them. A directory with neither plan nor manifest and no live lock belongs to a run that died before
 * planning: nothing of it is referenced.
 */
export async function recoverUnfinishedRuns(table: TableStore, runId: string): Promise<RecoveryOutcome> {
  const outcome: RecoveryOutcome = { rolledForward: [], rolledBack: [] };
  const runs = (await table.unfinishedRuns()).filter((id) => id !== runId);
  if (runs.length === 0) return outcome;
  // Read after the listing: a run's directory appears only once its run holds all its locks, so every live run
  // listed is found here.
  const live = new Set((await table.liveLocks()).map((lock) => lock.runId));
  const locked = table.lockedPartitions();
  const allLocked = (partitions: number[]) => partitions.every((p) => locked.includes(p));
  for (const id of runs) {
    if (live.has(id)) continue;
    const dir = table.runDir(id);
    const manifestPath = `${dir}/${MANIFEST}`;
    const manifest = await table.readJson<CommitManifest>(manifestPath).catch(() => null);
    if (manifest) {
      const mine = partitionsOf(manifest.ranges).filter((p) => locked.includes(p));
      if (mine.length === 0) continue;
      await applyCommit(table, manifest, mine);
      outcome.rolledForward.push(id);
      continue;
    }
    if (await table.exists(manifestPath)) throw new CommitError(id, `the commit manifest ${manifestPath} could not be read`);
    const planPath = `${dir}/plan.json`;
    if (await table.exists(planPath)) {
      // A plan that is not one (torn by a crash while it was written) names no partitions: like no plan at all.
      const plan = await table.readJson<RunPlan>(planPath).catch(() => null);
      if (Array.isArray(plan?.ranges) && !allLocked(partitionsOf(plan.ranges))) continue;
    } else if (!(await table.exists(dir))) {
      continue; // finished by its own run meanwhile
    }
    await table.deleteRun(id);
    outcome.rolledBack.push(id);
  }
  return outcome;
}
