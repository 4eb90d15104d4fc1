import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { LogConfig, resolveLogConfig, usableOverrides } from './log-config';
import { PartitionLog } from './partition-log';
import { TopicStore } from './topic-store';
import { partitionDirName } from './file-names';
import { reconcileTopicDirs } from './data-dir-scan';
import { LOG_START_CHECKPOINT_FILE, readLogStarts, readRecoveryPoints } from './log-checkpoints';
import { OpenFileCache } from './open-file-cache';
import { LogCleaner } from './cleaner/log-cleaner';
import { OpenTopic, TopicTable } from './topic-table';

export interface TopicLoading {
  dataDir: string;
  store: TopicStore;
  table: TopicTable;
  defaults: LogConfig;
  files: OpenFileCache;
  cleaner: LogCleaner;
  /** True when the previous stop was clean, so partitions may skip recovery. */
  openedClean: boolean;
  maxPartitions: number | undefined;
  now: () => number;
  report: (line: string) => void;
}

/**
 * Reads every topic and opens its partitions into `table`. Nothing a client
 * could have created stops the start: a directory that cannot be opened is
 * reported, skipped, and answers KAFKA_STORAGE_ERROR until the next start.
 */
export function loadTopics(loading: TopicLoading): void {
  const { dataDir, store, table, defaults, report } = loading;
  const attempt = (what: string, step: () => void): boolean => attemptReported(what, step, report);
  const recoveryPoints = readRecoveryPoints(dataDir);
  let logStarts = new Map<string, number>();
  attempt(`reading ${LOG_START_CHECKPOINT_FILE}`, () => {
    logStarts = readLogStarts(dataDir);
  });
  const known = new Map(store.loadAll().map((t) => [t.name, t]));
  const changed = reconcileTopicDirs(dataDir, known, loading.now, attempt);
  for (const metadata of known.values()) {
    if (metadata.topicId === '') {
      metadata.topicId = randomUUID();
      changed.add(metadata.name);
    }
    if (changed.has(metadata.name)) attempt(`saving the metadata of ${metadata.name}`, () => store.save(metadata));
    const { kept, refused } = usableOverrides(metadata.config, defaults);
    for (const why of refused) report(`topic ${metadata.name}: stored config ${why}; set aside, the default applies until the config is altered`);
    metadata.config = kept;
    const config = resolveLogConfig(metadata.config, defaults);
    const topic: OpenTopic = { metadata, logs: [], unavailable: new Map() };
    for (let p = 0; p < metadata.partitions; p++) {
      const dirName = partitionDirName(metadata.name, p);
      try {
        topic.logs.push(PartitionLog.open(path.join(dataDir, dirName), config, {
          cleanShutdown: loading.openedClean,
          recoveryPoint: recoveryPoints.get(dirName) ?? 0,
          mayHaveBeenCleaned: loading.cleaner.hasCleaned(dirName),
          logStartOffset: logStarts.get(dirName),
          now: loading.now,
          files: loading.files,
        }));
      } catch (error) {
        report(`partition directory ${dirName} cannot be opened and is skipped: ${(error as Error).message}`);
        topic.logs.push(undefined);
        topic.unavailable.set(p, (error as Error).message);
      }
    }
    table.add(topic);
  }
  const cap = loading.maxPartitions;
  if (cap !== undefined && table.partitionCount > cap) {
    report(`${table.partitionCount} partitions are stored, more than max.partitions (${cap}): no topic can be created until some are deleted`);
  }
}

/** Runs `step`; a failure is reported, not thrown. True when it succeeded. */
function attemptReported(what: string, step: () => void, report: (line: string) => void): boolean {
  try {
    step();
    return true;
  } catch (error) {
    report(`${what} failed, skipped: ${(error as Error).message}`);
    return false;
  }
}
