import * as fs from 'node:fs';
import * as path from 'node:path';
import { syncDirectory } from '../atomic-file';
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, segmentFile } from '../file-names';

/**
 * How the cleaner replaces a segment so that a kill -9 at any instant leaves
 * either the old segment or the cleaned one, whole (Kafka's replaceSegments):
 *
 *   1. the cleaned batches are written to `<base>.log.cleaned` and fsynced;
 *   2. `.cleaned` is renamed to `<base>.log.swap` and the directory fsynced: the commit point;
 *   3. the old segment's indexes are removed and `.swap` is renamed over `<base>.log`.
 *
 * At open, a `.cleaned` file is an unfinished step 1 and is deleted (the old
 * segment is intact); a `.swap` file was committed, so step 3 is finished.
 * The indexes of the new segment are rebuilt from its log.
 */
export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';

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
  }

  /** Makes the cleaned file durable and closes it. */
  finish(): void {
    fs.fdatasyncSync(this.fd);
    fs.closeSync(this.fd);
    this.finished = true;
  }

  /** Gives up: removes the cleaned file; the old segment stays. */
  abandon(): void {
    if (!this.finished) fs.closeSync(this.fd);
    fs.rmSync(cleanedPath(this.dir, this.baseOffset), { force: true });
  }
}

/** Step 2, the commit point: from here on the cleaned segment replaces the old one, even after a crash. */
export function commitSwap(dir: string, baseOffset: number): void {
  fs.renameSync(cleanedPath(dir, baseOffset), swapPath(dir, baseOffset));
  syncDirectory(dir);
}

/** Step 3: the committed swap takes the old segment's place. The caller has closed the old segment. */
export function installSwap(dir: string, baseOffset: number): void {
  fs.rmSync(segmentFile(dir, baseOffset, INDEX_SUFFIX), { force: true });
  fs.rmSync(segmentFile(dir, baseOffset, TIME_INDEX_SUFFIX), { force: true });
  try {
    fs.renameSync(swapPath(dir, baseOffset), segmentFile(dir, baseOffset, LOG_SUFFIX));
  } catch (error) {
    // The old segment is whole and stays in use; a swap left behind would come back at the next open, even
    // after retention had deleted the segment. So the cleaning is given up (the next pass does it again).
    fs.rmSync(swapPath(dir, baseOffset), { force: true });
    throw error;
  }
  syncDirectory(dir);
}

const LEFTOVER = new RegExp(`^(\\d{20})\\${LOG_SUFFIX}(\\${CLEANED_SUFFIX}|\\${SWAP_SUFFIX})$`);

/** What a crash mid-clean left in `dir`: cleaned files are removed, committed swaps installed. Returns what was done. */
export function finishInterruptedSwaps(dir: string): { discarded: number[]; installed: number[] } {
  const done = { discarded: [] as number[], installed: [] as number[] };
  for (const file of fs.readdirSync(dir)) {
    const match = LEFTOVER.exec(file);
    if (!match) continue;
    const baseOffset = Number(match[1]);
    if (match[2] === CLEANED_SUFFIX) {
      fs.rmSync(path.join(dir, file), { force: true });
      done.discarded.push(baseOffset);
    } else {
      installSwap(dir, baseOffset);
      done.installed.push(baseOffset);
    }
  }
  if (done.discarded.length > 0) syncDirectory(dir);
  return done;
}
