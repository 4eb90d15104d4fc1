import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { syncDirectory, writeFileAtomically } from '../atomic-file';
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, segmentFile } from '../file-names';

/**
 * How the cleaner replaces a group of consecutive segments by one (its first's
 * base offset) so that a kill -9 at any instant leaves either the old segments
 * or the cleaned one, whole (Kafka's replaceSegments):
 *
 *   1. the cleaned batches are written to `<base>.log.cleaned` and fsynced; with
 *      more than one segment, `<base>.log.group` names the later ones (fsynced);
 *   2. `.cleaned` is renamed to `<base>.log.swap` and the directory fsynced: the commit point;
 *   3. the first segment's indexes are removed and `.swap` is renamed over `<base>.log`;
 *   4. the later segments named in `.group` are deleted, then `.group` itself.
 *
 * At open, a `.cleaned` file is an unfinished step 1: it and its `.group` are
 * deleted (the old segments are intact). A `.swap` file was committed: steps 3
 * and 4 are finished. A `.group` alone is finished only if `<base>.log` is the
 * cleaned file it describes (size and SHA-256), i.e. step 3 happened; otherwise
 * it is stale (the cleaning was given up) and only the note goes.
 * The indexes of the new segment are rebuilt from its log.
 */
export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';
export const GROUP_SUFFIX = '.group';

function groupPath(dir: string, baseOffset: number): string {
  return segmentFile(dir, baseOffset, LOG_SUFFIX + GROUP_SUFFIX);
}

interface GroupNote {
  size: number;
  sha256: string;
  members: number[];
}

/** Step 1, for a group: the cleaned file's size and digest, then the base offsets of the segments after the first. */
export function writeGroup(dir: string, baseOffset: number, cleaned: { size: number; sha256: string }, laterBases: readonly number[]): void {
  writeFileAtomically(groupPath(dir, baseOffset), [`${cleaned.size} ${cleaned.sha256}`, ...laterBases].join('\n') + '\n');
}

function readGroup(dir: string, baseOffset: number): GroupNote | undefined {
  const file = groupPath(dir, baseOffset);
  if (!fs.existsSync(file)) return undefined;
  const [head, ...rest] = fs.readFileSync(file, 'utf8').split('\n');
  const match = /^(\d+) ([0-9a-f]{64})$/.exec(head ?? '');
  if (!match) return undefined;
  return { size: Number(match[1]), sha256: match[2], members: rest.filter((line) => /^\d+$/.test(line)).map(Number) };
}

function sha256Of(file: string): string | undefined {
  if (!fs.existsSync(file)) return undefined;
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function deleteSegmentFiles(dir: string, baseOffset: number): void {
  // The log goes last: index files without their log are removed at open anyway.
  for (const suffix of [INDEX_SUFFIX, TIME_INDEX_SUFFIX, LOG_SUFFIX]) fs.rmSync(segmentFile(dir, baseOffset, suffix), { force: true });
}

/**
 * Step 4: the later segments of a group go, then the note naming them. With
 * `verify` (at open), only if `<base>.log` is the cleaned file the note describes.
 */
export function removeGroupMembers(dir: string, baseOffset: number, verify = false): void {
  const note = readGroup(dir, baseOffset);
  if (note) {
    const log = segmentFile(dir, baseOffset, LOG_SUFFIX);
    const installed = !verify || (fs.existsSync(log) && fs.statSync(log).size === note.size && sha256Of(log) === note.sha256);
    if (installed) {
      for (const member of note.members) deleteSegmentFiles(dir, member);
      syncDirectory(dir);
    }
  }
  if (!fs.existsSync(groupPath(dir, baseOffset))) return;
  fs.rmSync(groupPath(dir, baseOffset), { force: true });
  syncDirectory(dir);
}

function cleanedPath(dir: string, baseOffset: number): string {
  return segmentFile(dir, baseOffset, LOG_SUFFIX + CLEANED_SUFFIX);
}

function swapPath(dir: string, baseOffset: number): string {
  return segmentFile(dir, baseOffset, LOG_SUFFIX + SWAP_SUFFIX);
}

/** Step 1: the cleaned copy of one segment, written front to back. */
export class CleanedSegmentWriter {
  private readonly fd: number;
  private position = 0;
  private finished = false;
  private readonly digest = createHash('sha256');

  constructor(readonly dir: string, readonly baseOffset: number) {
    this.fd = fs.openSync(cleanedPath(dir, baseOffset), 'w');
  }

  get size(): number {
    return this.position;
  }

  append(data: Buffer): void {
    let written = 0;
    while (written < data.length) written += fs.writeSync(this.fd, data, written, data.length - written, this.position + written);
    this.position += data.length;
    this.digest.update(data);
  }

  /** Size and SHA-256 of what was written; only once, after `finish`. */
  summary(): { size: number; sha256: string } {
    return { size: this.position, sha256: this.digest.digest('hex') };
  }

  /** Makes the cleaned file durable and closes it. */
  finish(): void {
    fs.fdatasyncSync(this.fd);
    fs.closeSync(this.fd);
    this.finished = true;
  }

  /** Gives up: removes the group note, then the cleaned file; the old segments stay. */
  abandon(): void {
    if (!this.finished) fs.closeSync(this.fd);
    // In this order: a group note without its cleaned file would mean "step 4 under way" at the next open.
    fs.rmSync(groupPath(this.dir, this.baseOffset), { force: true });
    fs.rmSync(cleanedPath(this.dir, this.baseOffset), { force: true });
  }
}

/** Step 2, the commit point: from here on the cleaned segment replaces the old one, even after a crash. */
export function commitSwap(dir: string, baseOffset: number): void {
  fs.renameSync(cleanedPath(dir, baseOffset), swapPath(dir, baseOffset));
  syncDirectory(dir);
}

/** Step 3: the committed swap takes the first segment's place. The caller has closed the old segments. */
export function installSwap(dir: string, baseOffset: number): void {
  fs.rmSync(segmentFile(dir, baseOffset, INDEX_SUFFIX), { force: true });
  fs.rmSync(segmentFile(dir, baseOffset, TIME_INDEX_SUFFIX), { force: true });
  try {
    fs.renameSync(swapPath(dir, baseOffset), segmentFile(dir, baseOffset, LOG_SUFFIX));
  } catch (error) {
    // The old segments are whole and stay in use; a swap left behind would come back at the next open, even
    // after retention had deleted them. So the cleaning is given up (the next pass does it again).
    // The swap first: a group note left alone is then stale, which the open recognises by its digest.
    fs.rmSync(swapPath(dir, baseOffset), { force: true });
    fs.rmSync(groupPath(dir, baseOffset), { force: true });
    throw error;
  }
  syncDirectory(dir);
}

const LEFTOVER = new RegExp(`^(\\d{20})\\${LOG_SUFFIX}(\\${CLEANED_SUFFIX}|\\${SWAP_SUFFIX}|\\${GROUP_SUFFIX})$`);

/** What a crash mid-clean left in `dir`: unfinished cleanings are removed, committed ones finished. */
export function finishInterruptedSwaps(dir: string): { discarded: number[]; installed: number[] } {
  const done = { discarded: [] as number[], installed: [] as number[] };
  const found = new Map<number, Set<string>>();
  for (const file of fs.readdirSync(dir)) {
    const match = LEFTOVER.exec(file);
    if (!match) continue;
    const base = Number(match[1]);
    if (!found.has(base)) found.set(base, new Set());
    found.get(base)!.add(match[2]);
  }
  for (const [base, kinds] of found) {
    if (kinds.has(SWAP_SUFFIX)) {
      // A cleaned file beside a committed swap is a later attempt that never committed.
      fs.rmSync(cleanedPath(dir, base), { force: true });
      installSwap(dir, base);
      removeGroupMembers(dir, base);
      done.installed.push(base);
    } else if (kinds.has(CLEANED_SUFFIX)) {
      fs.rmSync(groupPath(dir, base), { force: true });
      syncDirectory(dir);
      fs.rmSync(cleanedPath(dir, base), { force: true });
      done.discarded.push(base);
    } else {
      removeGroupMembers(dir, base, true);
      done.installed.push(base);
    }
  }
  if (done.discarded.length > 0) syncDirectory(dir);
  return done;
}
