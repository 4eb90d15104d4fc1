import * as path from 'node:path';
import { MAX_FILE_NAME_BYTES } from './atomic-file';

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const DELETE_DIR_SUFFIX = '-delete';

/** Kafka's segment file name: the base offset as 20 zero-padded digits. */
export function offsetFileStem(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

export function segmentFile(dir: string, baseOffset: number, suffix: string): string {
  return path.join(dir, offsetFileStem(baseOffset) + suffix);
}

/** Base offset encoded in a segment file name, or undefined for other files. */
export function parseSegmentFileName(fileName: string): { baseOffset: number; suffix: string } | undefined {
  const match = /^(\d{20})(\.log|\.index|\.timeindex)$/.exec(fileName);
  if (!match) return undefined;
  return { baseOffset: Number(match[1]), suffix: match[2] };
}

export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/**
 * Where a partition directory is renamed while its topic is deleted:
 * `<topic>-<partition>.<id>-delete`, with the topic cut short (as Kafka does)
 * so that the name stays within 255 bytes for a 249-character topic.
 */
export function deleteDirName(topic: string, partition: number, uniqueId: string): string {
  const suffix = `-${partition}.${uniqueId}${DELETE_DIR_SUFFIX}`;
  return topic.slice(0, Math.max(0, MAX_FILE_NAME_BYTES - suffix.length)) + suffix;
}

/** Splits "<topic>-<partition>" at its last dash; undefined when the name is not a partition directory. */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | undefined {
  const match = /^(.+)-(\d+)$/.exec(name);
  if (!match) return undefined;
  return { topic: match[1], partition: Number(match[2]) };
}
