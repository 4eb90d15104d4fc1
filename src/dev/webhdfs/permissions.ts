import { WebHdfsError } from './remote-exception';

/** The user a request acts as, after user.name, doas and delegation tokens are resolved. */
export interface Caller {
  user: string;
  groups: string[];
  superuser: boolean;
}

/** Ownership and mode of one inode, kept by the namespace. */
export interface InodeMeta {
  owner: string;
  group: string;
  /** Mode bits including the sticky bit (0o1000). */
  permission: number;
  fileId: number;
  replication: number;
  blockSize: number;
}

/** Hadoop's FsAction names, as they appear in AccessControlException messages. */
export type Access = 'READ' | 'WRITE' | 'EXECUTE' | 'READ_EXECUTE' | 'WRITE_EXECUTE' | 'ALL';

const ACCESS_BITS: Record<Access, number> = { READ: 4, WRITE: 2, EXECUTE: 1, READ_EXECUTE: 5, WRITE_EXECUTE: 3, ALL: 7 };

export const STICKY_BIT = 0o1000;
export const SUPERGROUP = 'supergroup';

/** `drwxr-xr-x`, with `t`/`T` for the sticky bit, as `hdfs dfs -ls` and Hadoop's messages print it. */
export function modeString(isDirectory: boolean, permission: number): string {
  let text = isDirectory ? 'd' : '-';
  for (const shift of [6, 3, 0]) {
    const bits = (permission >> shift) & 7;
    text += (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (bits & 1 ? 'x' : '-');
  }
  if (permission & STICKY_BIT) text = text.slice(0, 9) + (text[9] === 'x' ? 't' : 'T');
  return text;
}

/** The octal string FileStatus carries: "644", "755", "1777". */
export function permissionString(permission: number): string {
  return permission.toString(8);
}

/** POSIX owner/group/other check; the superuser passes everything. */
export function permits(caller: Caller, meta: InodeMeta, access: Access): boolean {
  if (caller.superuser) return true;
  const wanted = ACCESS_BITS[access];
  let granted: number;
  if (caller.user === meta.owner) granted = (meta.permission >> 6) & 7;
  else if (caller.groups.includes(meta.group)) granted = (meta.permission >> 3) & 7;
  else granted = meta.permission & 7;
  return (granted & wanted) === wanted;
}

function inodeText(path: string, meta: InodeMeta, isDirectory: boolean): string {
  return `"${path}":${meta.owner}:${meta.group}:${modeString(isDirectory, meta.permission)}`;
}

/** Throws Hadoop's AccessControlException unless `caller` has `access` on the inode. */
export function checkAccess(caller: Caller, path: string, meta: InodeMeta, isDirectory: boolean, access: Access): void {
  if (permits(caller, meta, access)) return;
  throw new WebHdfsError(
    'AccessControlException',
    `Permission denied: user=${caller.user}, access=${access}, inode=${inodeText(path, meta, isDirectory)}`,
  );
}

/** In a sticky directory only the entry's owner, the directory's owner or the superuser may delete or move an entry. */
export function checkStickyBit(
  caller: Caller,
  parent: { path: string; meta: InodeMeta },
  child: { path: string; meta: InodeMeta; isDirectory: boolean },
): void {
  if (caller.superuser || !(parent.meta.permission & STICKY_BIT)) return;
  if (caller.user === parent.meta.owner || caller.user === child.meta.owner) return;
  throw new WebHdfsError(
    'AccessControlException',
    `Permission denied by sticky bit: user=${caller.user}, path=${inodeText(child.path, child.meta, child.isDirectory)}, ` +
      `parent=${inodeText(parent.path, parent.meta, true)}`,
  );
}

/** Only the owner (or the superuser) may change an inode's mode or group. */
export function checkOwner(caller: Caller, path: string, meta: InodeMeta): void {
  if (caller.superuser || caller.user === meta.owner) return;
  throw new WebHdfsError('AccessControlException', `Permission denied. user=${caller.user} is not the owner of inode=${path}`);
}
