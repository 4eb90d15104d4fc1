// Replacing a set of committed data files by another, as one step for sluice's readers: compaction (and any
// later rewrite of an hour's files) goes through here. See DESIGN.md, "Swapping files".
import { STATE_DIR } from './layout';
import type { TableReader, TableStore } from './table';

/** Where the rows of a written file come from, in file order: a run of rows of one partition. */
export interface FileSegment {
  partition: number;
  /** The start of the checkpointed range the rows were loaded by (of the first such range, for rows of many). */
  rangeStart: number;
  /** The rolled file's number within its range and hour. */
  seq: number;
  /** Rows of that (range, rolled file) that come before this segment: 0 unless a compaction split the file's rows. */
  skipped?: number;
  records: number;
}

/** A data file a swap removes or places. Paths are table-relative, as in checkpoints. */
export interface SwappedFile {
  path: string;
  records: number;
  bytes: number;
  /** For a file a swap writes: its rows by partition, in file order. */
  segments?: FileSegment[];
}

/** One hour directory of one format tree: the files that go and the files that replace them. */
export interface SwapGroup {
  format: 'avro' | 'parquet';
  /** "2026-11-21T05" */
  hour: string;
  /** The schema generation every file of the group was written with; absent for tables older than the history. */
  schemaGeneration?: number;
  replaced: SwappedFile[];
  written: SwappedFile[];
}

/** `_sluice/swaps/<id>.json`: written once, atomically; its existence is the swap's commit. */
export interface SwapRecord {
  id: string;
  /** What made it: `sluice compact`, or `sluice reload` (its files keep their recorded names: see `applySwap`). */
  kind: 'compaction' | 'reload';
  job: string;
  /** Commit order: one more than the highest of the swaps committed before it (ids only sort to the second). */
  sequence: number;
  createdAt: string;
  /** The partition locks the swap was made under: whoever holds all of them may finish or undo it. */
  partitions: number[];
  groups: SwapGroup[];
}

export class SwapError extends Error {
  constructor(readonly swapId: string, detail: string) {
    super(`file swap ${swapId}: ${detail}`);
    this.name = 'SwapError';
  }
}

export const SWAPS_DIR = `${STATE_DIR}/swaps`;
const RECORD_FILE = /^(.+)\.json$/;
const STAGED_RECORD = /\.json\.[0-9a-f]{8}\.tmp$/;

/** A swap's working directory: its new files wait under `tmp/` until the record is written. */
export function swapDir(id: string): string {
  return `${SWAPS_DIR}/${id}`;
}

export function swapRecordName(id: string): string {
  return `${SWAPS_DIR}/${id}.json`;
}

/** Where a written file waits for the swap's commit. */
export function swapTmpPath(id: string, finalPath: string): string {
  return `${swapDir(id)}/tmp/${finalPath}`;
}

/** Where a file a swap replaces by a file of the same name (a reload) waits between the two renames, until the swap ends. */
export function swapAsidePath(id: string, finalPath: string): string {
  return `${swapDir(id)}/old/${finalPath}`;
}

function parentOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
}

/** Every committed swap, in commit order (swaps of a table are serialized by its locks, and numbered). */
export async function committedSwaps(table: TableReader): Promise<SwapRecord[]> {
  const entries = await table.sink.list(table.path(SWAPS_DIR));
  const ids = entries.filter((e) => e.type === 'file').map((e) => RECORD_FILE.exec(e.path.slice(e.path.lastIndexOf('/') + 1))?.[1]).filter((id): id is string => id !== undefined && !id.includes('.'));
  const swaps = await Promise.all(ids.map((id) => table.readJson<SwapRecord>(swapRecordName(id))));
  return swaps.sort((a, b) => a.sequence - b.sequence || (a.id < b.id ? -1 : 1));
}

/** The sequence number the next swap commits with. */
export function nextSwapSequence(swaps: readonly SwapRecord[]): number {
  return swaps.reduce((max, swap) => Math.max(max, swap.sequence), 0) + 1;
}

/** The commit point: before it the swap never happened, after it the next holder of its locks finishes it. */
export async function commitSwap(table: TableStore, record: SwapRecord): Promise<void> {
  // A path written twice, or replaced twice, could not be told apart when the swap is finished after a crash. A
  // path written and replaced (a reload's file under its recorded name) is moved aside first, so it can.
  const paths = record.groups.flatMap((g) => [...g.written.map((f) => `w ${f.path}`), ...g.replaced.map((f) => `r ${f.path}`)]);
  const twice = paths.find((p, i) => paths.indexOf(p) !== i);
  if (twice !== undefined) throw new SwapError(record.id, `names ${twice.slice(2)} twice`);
  const written = new Set(record.groups.flatMap((g) => g.written.map((f) => f.path)));
  const elsewhere = record.groups.find((g) => g.replaced.some((f) => written.has(f.path) && !g.written.some((w) => w.path === f.path)));
  if (elsewhere) throw new SwapError(record.id, `replaces a file of hour ${elsewhere.hour} that another group writes`);
  if (!(await table.writeJsonOnce(swapRecordName(record.id), record))) throw new SwapError(record.id, 'a record for this swap already exists');
}

/**
 * Finishes a committed swap; safe to repeat after a crash at any point. Hour directory by hour directory, every
 * written file of the group is moved into place before any of its replaced files is deleted: readers rely on it
 * (`visibleFiles`), and readers that only list (Hive) see both for no longer than one group's moves and deletions.
 */
export async function applySwap(table: TableStore, record: SwapRecord): Promise<void> {
  for (const group of record.groups) {
    const replaced = new Set(group.replaced.map((f) => f.path));
    for (const file of group.written) {
      const from = table.path(swapTmpPath(record.id, file.path));
      const to = table.path(file.path);
      await table.sink.mkdirs(parentOf(to));
      // The sink's rename never replaces a file: the one of the same name goes aside first (readers read it there).
      if (replaced.has(file.path) && (await table.sink.status(from)) && (await table.sink.status(to))) {
        const aside = table.path(swapAsidePath(record.id, file.path));
        await table.sink.mkdirs(parentOf(aside));
        if (!(await table.sink.rename(to, aside))) throw new SwapError(record.id, `could not move ${to} aside to ${aside}`);
      }
      if (await table.sink.rename(from, to)) continue;
      const [source, target] = await Promise.all([table.sink.status(from), table.sink.status(to)]);
      if (!source && target?.type === 'file' && target.length === file.bytes) continue; // moved before a crash
      throw new SwapError(record.id, `could not move ${from} to ${to} (source ${source ? 'present' : 'missing'}, target ${target ? `present, ${target.length} bytes` : 'missing'}, expected ${file.bytes} bytes)`);
    }
    const written = new Set(group.written.map((f) => f.path));
    for (const file of group.replaced) if (!written.has(file.path)) await table.sink.delete(table.path(file.path), false);
  }
  await table.sink.delete(table.path(swapDir(record.id)), true);
}

export interface SwapRecovery {
  finished: string[];
  abandoned: string[];
  /** What made each finished swap ('compaction', 'reload'). */
  kinds?: Record<string, SwapRecord['kind']>;
}

/**
 * Finishes or abandons the swaps a crash interrupted, as far as the caller's locks allow (loads and compactions
 * both call it under their partition locks). A swap whose locks a live run holds is never touched. A committed
 * one is finished, an uncommitted one's directory deleted, each only by a caller holding all its partitions: a
 * swap may replace files of every partition of an hour. One without a record names no partitions, so it is left
 * to a caller holding every partition with checkpoints.
 */
export async function recoverUnfinishedSwaps(table: TableStore, ownId: string, allPartitions: () => Promise<readonly number[]>): Promise<SwapRecovery> {
  const outcome: SwapRecovery = { finished: [], abandoned: [], kinds: {} };
  const entries = await table.sink.list(table.path(SWAPS_DIR));
  const names = entries.map((e) => ({ name: e.path.slice(e.path.lastIndexOf('/') + 1), type: e.type }));
  const dirs = names.filter((e) => e.type === 'directory').map((e) => e.name).filter((id) => id !== ownId).sort();
  // A record being staged when its writer was killed (`<id>.json.<rand>.tmp`): the record was never placed.
  const staged = names.filter((e) => e.type === 'file' && STAGED_RECORD.test(e.name) && !e.name.startsWith(`${ownId}.`)).map((e) => e.name);
  if (dirs.length === 0 && staged.length === 0) return outcome;
  const live = new Set((await table.liveLocks()).map((lock) => lock.runId));
  for (const name of staged) {
    if (!live.has(name.slice(0, name.indexOf('.json.')))) await table.sink.delete(table.path(`${SWAPS_DIR}/${name}`), false).catch(() => false);
  }
  const locked = table.lockedPartitions();
  const holds = (partitions: readonly number[]) => partitions.every((p) => locked.includes(p));
  for (const id of dirs) {
    if (live.has(id)) continue;
    const record = await table.readJson<SwapRecord>(swapRecordName(id)).catch(() => null);
    if (record) {
      if (!holds(record.partitions)) continue;
      await applySwap(table, record);
      outcome.finished.push(id);
      outcome.kinds![id] = record.kind;
      continue;
    }
    if (await table.exists(swapRecordName(id))) throw new SwapError(id, `its record ${swapRecordName(id)} could not be read`);
    if (!holds(await allPartitions())) continue;
    await table.sink.delete(table.path(swapDir(id)), true);
    outcome.abandoned.push(id);
  }
  return outcome;
}

/** Swaps committed and not finished (their working directory is still there). */
export async function unfinishedSwaps(table: TableReader, swaps: readonly SwapRecord[]): Promise<SwapRecord[]> {
  const unfinished: SwapRecord[] = [];
  for (const swap of swaps) if (await table.exists(swapDir(swap.id))) unfinished.push(swap);
  return unfinished;
}

/**
 * What sluice's readers take from a listing of data files (table-relative paths): per group of each committed
 * swap, oldest first, the written files when all of them are listed (the replaced ones are then gone or about to
 * go), else the replaced files (none of a group is deleted before all its written files are in place). So a
 * listing of an hour directory taken at any moment of a swap shows each row once. `present`: files missing from
 * the listing that are part of the table all the same, being between a reload's two renames (`readableFiles`).
 */
export function visibleFiles(listed: ReadonlySet<string>, swaps: readonly SwapRecord[], present: ReadonlySet<string> = new Set()): Set<string> {
  const there = (path: string) => listed.has(path) || present.has(path);
  const visible = new Set([...listed, ...present]);
  for (const swap of swaps) {
    for (const group of swap.groups) {
      const placed = group.written.every((f) => there(f.path));
      const written = new Set(group.written.map((f) => f.path));
      const replaced = new Set(group.replaced.map((f) => f.path));
      if (placed) {
        for (const path of replaced) if (!written.has(path)) visible.delete(path);
        // A reload of a compacted hour writes again the names the compaction replaced: they are back.
        for (const path of written) visible.add(path);
      } else {
        for (const path of written) if (!replaced.has(path)) visible.delete(path);
      }
    }
  }
  return visible;
}

/**
 * What to read for a listing: the visible files where they are listed, and (`standIns`, table path → sink path)
 * each file a reload is swapping in under its name that the listing missed, where its copy is now: moved aside,
 * still waiting in `tmp/`, or placed since the listing. Each swap comes with the table whose `_sluice/` holds it (a
 * table many topics share keeps each topic's apart).
 */
export async function readableFiles(listed: ReadonlySet<string>, swaps: readonly { swap: SwapRecord; state: TableReader }[]): Promise<{ visible: Set<string>; standIns: Map<string, string> }> {
  // The latest swap writing each such file under its name: the one under way, if any is (they are serialized).
  const missing = new Map<string, { swap: SwapRecord; state: TableReader }>();
  for (const held of swaps) {
    for (const group of held.swap.groups) {
      const replaced = new Set(group.replaced.map((f) => f.path));
      for (const file of group.written) if (replaced.has(file.path) && !listed.has(file.path)) missing.set(file.path, held);
    }
  }
  const standIns = new Map<string, string>();
  for (const [path, { swap, state }] of missing) {
    for (const copy of [swapAsidePath(swap.id, path), swapTmpPath(swap.id, path), path]) {
      if (!(await state.exists(copy))) continue;
      standIns.set(path, state.path(copy));
      break;
    }
  }
  return { visible: visibleFiles(listed, swaps.map((s) => s.swap), new Set(standIns.keys())), standIns };
}
