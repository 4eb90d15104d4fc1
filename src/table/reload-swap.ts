// Replacing committed data files in place (a reload): staged beside, swapped in under a manifest, finished by the
// next run after a crash. Checkpoints are not touched: a swapped-in file has the name, records and size recorded.
import { TableState } from './table-state';
import { RELOADS_DIR, reloadDir } from './layout';
import type { TableStore } from './table';

export class ReloadSwapError extends Error {
  constructor(readonly runId: string, detail: string) {
    super(`reload ${runId}: ${detail}`);
    this.name = 'ReloadSwapError';
  }
}

export interface SwappedFile {
  partition: number;
  /** Table-relative, as the checkpoint names it. */
  path: string;
  records: number;
  bytes: number;
}

/** `_sluice/reloads/<runId>/swap.json`: written once every new file is staged; from then on the swap goes forward. */
export interface SwapManifest {
  runId: string;
  job: string;
  hours: string[];
  createdAt: string;
  files: SwappedFile[];
}

export const stagedPath = (runId: string, finalPath: string) => `${reloadDir(runId)}/new/${finalPath}`;
const asidePath = (runId: string, finalPath: string) => `${reloadDir(runId)}/old/${finalPath}`;
const manifestPath = (runId: string) => `${reloadDir(runId)}/swap.json`;
const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));

/** The table as a reload writes it: `loadRange` stages each file under the reload's directory instead of a run's. */
export class ReloadTableState extends TableState {
  override tmpPath(runId: string, finalPath: string): string {
    return stagedPath(runId, finalPath);
  }
}

/**
 * Puts one staged file in place: the file there now (damaged, or missing) moves to `old/`, the new one to its name.
 * Repeatable: a file whose staged copy is gone was swapped in before.
 */
async function swapIn(table: TableStore, runId: string, file: SwappedFile): Promise<void> {
  const { sink } = table;
  const staged = table.path(stagedPath(runId, file.path));
  const target = table.path(file.path);
  if (!(await sink.status(staged))) {
    const placed = await sink.status(target);
    if (placed?.type === 'file' && placed.length === file.bytes) return;
    throw new ReloadSwapError(runId, `${file.path}: its new copy ${staged} is gone but the file in place is ${placed ? `${placed.length} bytes, not ${file.bytes}` : 'missing'}`);
  }
  if (await sink.status(target)) {
    const aside = table.path(asidePath(runId, file.path));
    await sink.mkdirs(parentOf(aside));
    if (!(await sink.rename(target, aside))) throw new ReloadSwapError(runId, `could not move ${target} aside to ${aside}`);
  }
  await sink.mkdirs(parentOf(target));
  if (!(await sink.rename(staged, target))) throw new ReloadSwapError(runId, `could not move ${staged} to ${target}`);
}

/** The commit point, then the swap: after `swap.json` exists, a crash is finished by the next run (`recoverReloads`). */
export async function commitSwap(table: TableStore, manifest: SwapManifest): Promise<void> {
  if (!(await table.writeJsonOnce(manifestPath(manifest.runId), manifest))) throw new ReloadSwapError(manifest.runId, 'a swap manifest for this reload already exists');
  await applySwap(table, manifest, manifest.files);
}

async function applySwap(table: TableStore, manifest: SwapManifest, files: readonly SwappedFile[]): Promise<boolean> {
  for (const file of files) await swapIn(table, manifest.runId, file);
  // The directory (and the replaced files in old/) goes once every file of the manifest is in place.
  for (const file of manifest.files) if (await table.exists(stagedPath(manifest.runId, file.path))) return false;
  await table.sink.delete(table.path(reloadDir(manifest.runId)), true);
  return true;
}

/** A reload that failed before its manifest: its staged files go, and nothing of the table changed. */
export async function abandonReload(table: TableStore, runId: string): Promise<void> {
  await table.sink.delete(table.path(reloadDir(runId)), true);
}

export interface ReloadRecovery {
  finished: string[];
  abandoned: string[];
}

/**
 * What reloads killed mid-way left, as far as the caller's partition locks allow (a reload holds the locks of every
 * partition it swaps files of, so a directory of a live lock's run is never touched). With its manifest, the swap
 * is finished for the files of locked partitions; without one, the directory goes when no live run owns it.
 */
export async function recoverReloads(table: TableStore): Promise<ReloadRecovery> {
  const outcome: ReloadRecovery = { finished: [], abandoned: [] };
  const dirs = (await table.sink.list(table.path(RELOADS_DIR))).filter((e) => e.type === 'directory').map((e) => e.path.slice(e.path.lastIndexOf('/') + 1));
  if (dirs.length === 0) return outcome;
  const live = new Set((await table.liveLocks()).map((lock) => lock.runId));
  const locked = new Set(table.lockedPartitions());
  for (const runId of dirs.filter((id) => !live.has(id)).sort()) {
    const manifest = await table.readJson<SwapManifest>(manifestPath(runId)).catch(() => null);
    if (!manifest) {
      // The manifest is placed whole by a rename, so one that exists but cannot be read is a failure to read it:
      // its swap may be half done, and abandoning it would lose the files moved aside.
      if (await table.exists(manifestPath(runId))) throw new ReloadSwapError(runId, `its swap manifest ${manifestPath(runId)} could not be read`);
      await abandonReload(table, runId);
      outcome.abandoned.push(runId);
      continue;
    }
    const mine = manifest.files.filter((f) => locked.has(f.partition));
    if (mine.length === 0) continue;
    if (await applySwap(table, manifest, mine)) outcome.finished.push(runId);
  }
  return outcome;
}
