import * as fs from 'node:fs';
import type { InodeMeta } from './permissions';
import { permissionString } from './permissions';
import type { ContentSummary, FileStatus } from '../../ports/webhdfs-wire';

/** One inode as the namespace sees it: where it lives on disk and its metadata. */
export interface Inode {
  path: string;
  local: string;
  stats: fs.Stats;
  meta: InodeMeta;
  isDirectory: boolean;
}

function childCount(local: string): number {
  try {
    return fs.readdirSync(local).length;
  } catch {
    return 0;
  }
}

export function fileStatusOf(inode: Inode, pathSuffix: string): Required<FileStatus> {
  const { stats, meta, isDirectory } = inode;
  return {
    accessTime: isDirectory ? 0 : Math.floor(stats.atimeMs),
    blockSize: isDirectory ? 0 : meta.blockSize,
    childrenNum: isDirectory ? childCount(inode.local) : 0,
    fileId: meta.fileId,
    group: meta.group,
    length: isDirectory ? 0 : stats.size,
    modificationTime: Math.floor(stats.mtimeMs),
    owner: meta.owner,
    pathSuffix,
    permission: permissionString(meta.permission & 0o1777),
    replication: isDirectory ? 0 : meta.replication,
    storagePolicy: 0,
    type: isDirectory ? 'DIRECTORY' : 'FILE',
  };
}

/** Children names in HDFS order: by their UTF-8 bytes. */
export function sortedNames(local: string): string[] {
  return fs
    .readdirSync(local)
    .map((name) => ({ name, bytes: Buffer.from(name) }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map((entry) => entry.name);
}

/** True when `name` sorts after `startAfter` in HDFS order (LISTSTATUS_BATCH's cursor). */
export function sortsAfter(name: string, startAfter: string): boolean {
  return Buffer.compare(Buffer.from(name), Buffer.from(startAfter)) > 0;
}

/** Directory and file counts and bytes below an inode; spaceConsumed counts every replica, as HDFS does. */
export function contentSummaryOf(
  inode: Inode,
  replicationOf: (hdfsPath: string) => number,
): Required<ContentSummary> {
  const totals = { directoryCount: 0, fileCount: 0, length: 0, spaceConsumed: 0 };
  const visit = (hdfsPath: string, local: string, stats: fs.Stats): void => {
    if (stats.isDirectory()) {
      totals.directoryCount++;
      for (const name of fs.readdirSync(local)) {
        const childLocal = `${local}/${name}`;
        visit(hdfsPath === '/' ? `/${name}` : `${hdfsPath}/${name}`, childLocal, fs.lstatSync(childLocal));
      }
    } else {
      totals.fileCount++;
      totals.length += stats.size;
      totals.spaceConsumed += stats.size * replicationOf(hdfsPath);
    }
  };
  visit(inode.path, inode.local, inode.stats);
  return { ...totals, quota: -1, spaceQuota: -1, typeQuota: {} };
}
