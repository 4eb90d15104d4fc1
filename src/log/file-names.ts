import * as path from 'node:path';

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

/** Splits "<topic>-<partition>" at its last dash; undefined when the name is not a partition directory. */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | undefined {
  const match = /^(.+)-(\d+)$/.exec(name);
  if (!match) return undefined;
  return { topic: match[1], partition: Number(match[2]) };
}
