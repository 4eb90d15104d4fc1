// A reload's file swap: the files it writes again under their recorded names replace whatever the hours hold now
// (the loaded files, or a compaction's outputs), as one SwapRecord of kind 'reload' (file-swap.ts). Also the
// recovery of reloads of the earlier mechanism (`_sluice/reloads/<runId>/`) a crash left unfinished.
import { TableState } from './table-state';
import { RELOADS_DIR, reloadDir } from './layout';
import type { TableStore } from './table';
import type { CommittedFile, RangeCheckpoint } from './records';
import { FileSegment, SwapGroup, swapTmpPath } from './file-swap';
import { LiveFile, recordsByPartition, seqOf } from './compaction-plan';

export class ReloadSwapError extends Error {
  constructor(readonly runId: string, detail: string) {
    super(`reload ${runId}: ${detail}`);
    this.name = 'ReloadSwapError';
  }
}

/** The table as a reload writes it: `loadRange` stages each file in the reload's swap directory instead of a run's. */
export class ReloadTableState extends TableState {
  override tmpPath(runId: string, finalPath: string): string {
    return swapTmpPath(runId, finalPath);
  }
}

/** A data file a reload wrote again, with the range that wrote it. */
export interface ReloadedFile {
  range: RangeCheckpoint;
  file: CommittedFile;
}

const directoryOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * What the reload replaces: every file the table holds now (`live`) in the hours with rows of the reloaded
 * partitions. A file that also holds rows of another partition (a compaction's output) can only be replaced with
 * that partition reloaded too: refused, before anything is read.
 */
export function filesToReplace(runId: string, live: Iterable<LiveFile>, partitions: readonly number[], hours: ReadonlySet<string>): LiveFile[] {
  const replaced: LiveFile[] = [];
  for (const file of live) {
    if (!hours.has(file.hour) || !file.segments.some((s) => partitions.includes(s.partition))) continue;
    const others = [...new Set(file.segments.map((s) => s.partition).filter((p) => !partitions.includes(p)))];
    if (others.length > 0) throw new ReloadSwapError(runId, `${file.path} (written by ${file.writtenBy ?? 'a load'}) also holds records of ${others.length === 1 ? 'partition' : 'partitions'} ${others.join(', ')}: reload those partitions with it (leave out --partitions). Nothing was changed`);
    replaced.push(file);
  }
  return replaced;
}

/**
 * The swap's groups, one per format and hour directory: the reloaded files in place of `replaced`
 * (`filesToReplace`). Each directory must get back the records of each partition it holds now; otherwise
 * nothing is changed.
 */
export function reloadSwapGroups(runId: string, replacedFiles: readonly LiveFile[], reloaded: readonly ReloadedFile[]): SwapGroup[] {
  const groups = new Map<string, { replaced: LiveFile[]; written: ReloadedFile[] }>();
  const groupOf = (format: string, path: string) => {
    const key = `${format}|${directoryOf(path)}`;
    if (!groups.has(key)) groups.set(key, { replaced: [], written: [] });
    return groups.get(key)!;
  };
  for (const file of replacedFiles) groupOf(file.format, file.path).replaced.push(file);
  for (const each of reloaded) groupOf(each.file.format, each.file.path).written.push(each);
  const result: SwapGroup[] = [];
  for (const [key, { replaced, written }] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const segmentsOf = (each: ReloadedFile): FileSegment[] => [{ partition: each.range.partition, rangeStart: each.range.start, seq: seqOf(each.file.path), records: each.file.records }];
    const before = recordsByPartition(replaced);
    const after = recordsByPartition(written.map((w) => ({ segments: segmentsOf(w) })));
    for (const partition of new Set([...before.keys(), ...after.keys()])) {
      if ((before.get(partition) ?? 0) === (after.get(partition) ?? 0)) continue;
      throw new ReloadSwapError(runId, `${key.split('|')[1] || 'the table root'} (${key.split('|')[0]}) holds ${plural(before.get(partition) ?? 0, 'record')} of partition ${partition}, and reading them again gave ${after.get(partition) ?? 0}. Nothing was changed`);
    }
    const generations = new Set([...replaced.map((f) => f.schemaGeneration), ...written.map((w) => w.range.schemaGeneration)]);
    const [generation] = generations;
    const hour = (written[0]?.file.hour ?? replaced[0]?.hour)!;
    result.push({
      format: key.split('|')[0] as 'avro' | 'parquet', hour, ...(generations.size === 1 && generation !== undefined ? { schemaGeneration: generation } : {}),
      replaced: replaced.map((f) => ({ path: f.path, records: f.records, bytes: f.bytes })),
      written: written.map((w) => ({ path: w.file.path, records: w.file.records, bytes: w.file.bytes, segments: segmentsOf(w) })),
    });
  }
  return result;
}

// The earlier mechanism: files swapped in under `_sluice/reloads/<runId>/swap.json`, finished by the next run.

interface LegacyReloadFile {
  partition: number;
  path: string;
  records: number;
  bytes: number;
}

interface LegacySwapManifest {
  runId: string;
  files: LegacyReloadFile[];
}

const stagedPath = (runId: string, finalPath: string) => `${reloadDir(runId)}/new/${finalPath}`;
const asidePath = (runId: string, finalPath: string) => `${reloadDir(runId)}/old/${finalPath}`;
const manifestPath = (runId: string) => `${reloadDir(runId)}/swap.json`;
const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));

/**
 * Puts one staged file in place: the file there now (damaged, or missing) moves to `old/`, the new one to its name.
 * Repeatable: a file whose staged copy is gone was swapped in before.
 */
async function swapIn(table: TableStore, runId: string, file: LegacyReloadFile): Promise<void> {
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

async function applyLegacySwap(table: TableStore, manifest: LegacySwapManifest, files: readonly LegacyReloadFile[]): Promise<boolean> {
  for (const file of files) await swapIn(table, manifest.runId, file);
  // The directory (and the replaced files in old/) goes once every file of the manifest is in place.
  for (const file of manifest.files) if (await table.exists(stagedPath(manifest.runId, file.path))) return false;
  await table.sink.delete(table.path(reloadDir(manifest.runId)), true);
  return true;
}

async function abandonReload(table: TableStore, runId: string): Promise<void> {
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
    const manifest = await table.readJson<LegacySwapManifest>(manifestPath(runId)).catch(() => null);
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
    if (await applyLegacySwap(table, manifest, mine)) outcome.finished.push(runId);
  }
  return outcome;
}
