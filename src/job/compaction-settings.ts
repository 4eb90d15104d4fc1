// `compaction` of a job file: how `sluice compact` sizes its files, and whether scheduled runs compact.
import type { Fields } from './job-fields';

/**
 * `targetBytes`: the size compacted files aim at; 128 MiB by default, HDFS's default block size
 * (dfs.blocksize), so a file is one block for the NameNode and one split for Hive. `after`: hours after an hour
 * is marked complete (`_SUCCESS`) at which a scheduled run compacts it; null (absent) never compacts on its own.
 */
export interface CompactionSettings {
  targetBytes: number;
  after: number | null;
}

export const DEFAULT_COMPACTION_TARGET_BYTES = 128 * 1024 * 1024;

export const COMPACTION_KEYS = ['targetBytes', 'after'] as const;

/** The job's `compaction` section, checked (`section` is it as read by the job's fields, possibly empty). */
export function readCompactionSettings(section: Fields, given: unknown): CompactionSettings {
  const after = (given as { after?: unknown } | undefined)?.after;
  return {
    targetBytes: section.integer('targetBytes', DEFAULT_COMPACTION_TARGET_BYTES, 1024),
    after: after === undefined || after === null ? null : section.number('after', 0, 0, 24 * 366),
  };
}
