import * as fs from 'node:fs';
import * as path from 'node:path';
import { readOffsetCheckpoint, writeOffsetCheckpoint } from './offset-checkpoint';
import { syncDirectory } from './atomic-file';
import type { OpenPartition } from './topic-table';

export const CLEAN_SHUTDOWN_FILE = '.sluice_cleanshutdown';
export const RECOVERY_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
/** Kafka's file of log start offsets moved up by DeleteRecords (partitions whose start lies past their first segment). */
export const LOG_START_CHECKPOINT_FILE = 'log-start-offset-checkpoint';

/** True when the previous stop left the clean-shutdown marker; the marker is removed so a crash from now on is seen. */
export function takeCleanShutdownMarker(dataDir: string): boolean {
  const marker = path.join(dataDir, CLEAN_SHUTDOWN_FILE);
  const found = fs.existsSync(marker);
  if (found) {
    fs.rmSync(marker);
    syncDirectory(dataDir);
  }
  return found;
}

export function leaveCleanShutdownMarker(dataDir: string): void {
  fs.writeFileSync(path.join(dataDir, CLEAN_SHUTDOWN_FILE), '');
  syncDirectory(dataDir);
}

export function readRecoveryPoints(dataDir: string): Map<string, number> {
  return readOffsetCheckpoint(path.join(dataDir, RECOVERY_CHECKPOINT_FILE));
}

export function readLogStarts(dataDir: string): Map<string, number> {
  return readOffsetCheckpoint(path.join(dataDir, LOG_START_CHECKPOINT_FILE));
}

export function writeRecoveryPoints(dataDir: string, partitions: Iterable<OpenPartition>): void {
  const offsets = [...partitions].map(({ topic, partition, log }) => ({ topic, partition, offset: log.recoveryPoint }));
  writeOffsetCheckpoint(path.join(dataDir, RECOVERY_CHECKPOINT_FILE), offsets);
}

/** Only partitions whose start lies past their first segment are listed; the file is not created while none is. */
export function writeLogStarts(dataDir: string, partitions: Iterable<OpenPartition>): void {
  const moved = [...partitions]
    .filter(({ log }) => log.logStartOffset > log.firstSegmentBase)
    .map(({ topic, partition, log }) => ({ topic, partition, offset: log.logStartOffset }));
  const file = path.join(dataDir, LOG_START_CHECKPOINT_FILE);
  if (moved.length > 0 || fs.existsSync(file)) writeOffsetCheckpoint(file, moved);
}
