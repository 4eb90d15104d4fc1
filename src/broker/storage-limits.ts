import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { MIN_OPEN_FILES } from '../log/open-file-cache';

/** Kafka's sizing guidance (KIP-578): no more than about 4,000 partitions per broker. */
export const PARTITION_CEILING = 4000;
/** Assumed when the limit cannot be read: the usual soft limit on Linux. */
const FALLBACK_OPEN_FILE_LIMIT = 1024;
/** A segment's .log, .index and .timeindex. */
const FILES_PER_ACTIVE_SEGMENT = 3;

export interface StorageLimits {
  /** The process's open-file limit (RLIMIT_NOFILE) when read, else undefined. */
  openFileLimit: number | undefined;
  /** Segment files that may hold a descriptor at once. */
  maxOpenFiles: number;
  /** Partitions of all topics together (sluice's max.partitions). */
  maxPartitions: number;
}

function parseLimit(text: string): number | undefined {
  if (text === 'unlimited') return Number.MAX_SAFE_INTEGER;
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * The soft limit on open files, as Node 20 has no getrlimit: /proc/self/limits
 * on Linux, else `ulimit -n` in a child shell (which inherits the limit).
 */
export function readOpenFileLimit(): number | undefined {
  try {
    const match = /^Max open files\s+(\S+)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    const limit = match ? parseLimit(match[1]) : undefined;
    if (limit !== undefined) return limit;
  } catch {
    // not Linux: ask a shell
  }
  try {
    return parseLimit(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 5000 }).trim());
  } catch {
    return undefined;
  }
}

/**
 * Defaults from the open-file limit L: half of L for segment files (the rest
 * is for connections and everything else), and as many partitions as can keep
 * their active segment's three files open together, at most PARTITION_CEILING.
 * Explicit settings win.
 */
export function storageLimits(settings: { maxOpenFiles?: number; maxPartitions?: number }, openFileLimit = readOpenFileLimit()): StorageLimits {
  const limit = openFileLimit ?? FALLBACK_OPEN_FILE_LIMIT;
  const maxOpenFiles = settings.maxOpenFiles ?? Math.max(MIN_OPEN_FILES, Math.floor(Math.min(limit, Number.MAX_SAFE_INTEGER) / 2));
  const maxPartitions = settings.maxPartitions ?? Math.max(1, Math.min(PARTITION_CEILING, Math.floor(maxOpenFiles / FILES_PER_ACTIVE_SEGMENT)));
  if (!Number.isInteger(maxPartitions) || maxPartitions < 1) throw new RangeError(`max.partitions must be a positive integer, not ${maxPartitions}`);
  return { openFileLimit, maxOpenFiles, maxPartitions };
}
