import * as fs from 'node:fs';
import * as path from 'node:path';
import { LogConfig } from './log-config';
import { LogSegment, RecoveryResult } from './segment';
import { LOG_SUFFIX, parseSegmentFileName } from './file-names';
import { LogStorageError } from './errors';
import { finishInterruptedSwaps } from './cleaner/segment-swap';
import type { OpenFileCache } from './open-file-cache';

export interface RecoveryReport {
  segment: number;
  result: RecoveryResult;
}

/** Called with what recovery did, so a broker can log it. Silent by default. */
export type RecoveryListener = (dir: string, report: RecoveryReport) => void;

let recoveryListener: RecoveryListener = () => undefined;

export function onRecovery(listener: RecoveryListener): void {
  recoveryListener = listener;
}

/**
 * Opens a partition directory's segments in offset order, the way Kafka's
 * LogLoader does: a log cleaner's swap interrupted by a crash is finished
 * (or its unfinished output discarded) first; index files without a .log are removed; after a clean stop
 * only the indexes are checked (and rebuilt if they disagree with the log);
 * otherwise every segment from the one holding the recovery point is
 * validated batch by batch, cut at the first bad byte, and the segments after
 * a cut are dropped because their offsets could no longer follow on. Offsets
 * may skip only in a log the cleaner may have rewritten (`allowOffsetGaps`). Segments
 * whose offsets do not follow on for any other reason stop the open: an
 * operator decides, nothing is deleted.
 */
export function loadSegments(dir: string, config: LogConfig, cleanShutdown: boolean, recoveryPoint: number, openFiles: OpenFileCache, allowOffsetGaps = false): LogSegment[] {
  finishInterruptedSwaps(dir);
  const files = fs.readdirSync(dir);
  const bases = new Set<number>();
  for (const file of files) {
    const parsed = parseSegmentFileName(file);
    if (parsed?.suffix === LOG_SUFFIX) bases.add(parsed.baseOffset);
  }
  for (const file of files) {
    const parsed = parseSegmentFileName(file);
    if (parsed && parsed.suffix !== LOG_SUFFIX && !bases.has(parsed.baseOffset)) fs.rmSync(path.join(dir, file));
  }
  const sorted = [...bases].sort((a, b) => a - b);
  if (sorted.length === 0) return [LogSegment.open(dir, 0, config, openFiles)];

  const segments: LogSegment[] = [];
  try {
    openInOrder(dir, config, sorted, cleanShutdown ? sorted.length : firstSegmentToRecover(sorted, recoveryPoint), openFiles, segments, allowOffsetGaps);
  } catch (error) {
    for (const s of segments) s.close();
    throw error;
  }
  return segments;
}

function openInOrder(dir: string, config: LogConfig, sorted: number[], firstToRecover: number, openFiles: OpenFileCache, segments: LogSegment[], allowOffsetGaps: boolean): void {
  for (let i = 0; i < sorted.length; i++) {
    const segment = LogSegment.open(dir, sorted[i], config, openFiles);
    const previous = segments[segments.length - 1];
    segments.push(segment);
    // A gap is damage, except where the log cleaner may have emptied the end of the previous segment.
    if (previous && (allowOffsetGaps ? previous.nextOffset > segment.baseOffset : previous.nextOffset !== segment.baseOffset)) {
      throw new LogStorageError(segment.logPath, `starts at offset ${segment.baseOffset} but the previous segment ends at ${previous.nextOffset}`);
    }
    if (i < firstToRecover) {
      if (!segment.indexesAreConsistent()) segment.recover(false, config.maxMessageBytes);
      continue;
    }
    const result = segment.recover(true, config.maxMessageBytes, allowOffsetGaps);
    segment.flush();
    if (result.truncatedBytes > 0) {
      recoveryListener(dir, { segment: segment.baseOffset, result });
      for (const later of sorted.slice(i + 1)) LogSegment.open(dir, later, config, openFiles).deleteFiles();
      break;
    }
  }
}

function firstSegmentToRecover(sortedBases: number[], recoveryPoint: number): number {
  let index = 0;
  for (let i = 0; i < sortedBases.length; i++) if (sortedBases[i] <= recoveryPoint) index = i;
  return index;
}
