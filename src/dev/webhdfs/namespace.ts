import * as fs from 'node:fs';
import * as path from 'node:path';
import { WebHdfsError, alreadyExists, fileNotFound, illegalArgument } from './remote-exception';
import { Caller, InodeMeta, SUPERGROUP, checkAccess, checkOwner, checkStickyBit } from './permissions';
import { Inode, contentSummaryOf, fileStatusOf, sortedNames, sortsAfter } from './file-status';
import type { ContentSummary, FileStatus } from '../../ports/webhdfs-wire';
import { isWithin, joinPath, parentOf } from './params';

export const DEFAULT_BLOCK_SIZE = 128 * 1024 * 1024;
export const DEFAULT_REPLICATION = 3;

/** Where a path's walk from `/` ended: the inode itself, or the deepest existing ancestor. */
interface Resolved {
  target?: Inode;
  deepest: Inode;
  /** Set when an ancestor of the path is a file. */
  blockedBy?: Inode;
}

/** An open file being written; HDFS's lease on its path. */
export interface WriteLease {
  readonly fd: number;
}

export interface CreateRequest {
  overwrite: boolean;
  permission: number;
  replication?: number;
  blockSize?: number;
  clientAddress: string;
}

/**
 * The HDFS file tree: content in a local directory (HDFS path /a/b is <root>/a/b), owner, group and mode in memory
 * keyed by path. Every method is synchronous, so each NameNode operation is atomic with respect to the others.
 * Entries found on disk without metadata (written by someone else, or before a restart) belong to the superuser,
 * directories 777 and files 644.
 */
export class Namespace {
  private readonly metas = new Map<string, InodeMeta>();
  private nextFileId = 16386;
  /** Paths open for writing (HDFS's leases): a second writer gets AlreadyBeingCreatedException. */
  private readonly writers = new Map<string, WriteLease>();
  private readonly realRoot: string;

  constructor(
    readonly root: string,
    readonly superuser: string,
    readonly listingLimit: number,
  ) {
    fs.mkdirSync(root, { recursive: true });
    this.realRoot = fs.realpathSync(root);
    this.metas.set('/', { owner: superuser, group: SUPERGROUP, permission: 0o777, fileId: 16385, replication: 0, blockSize: 0 });
  }

  localPath(hdfsPath: string): string {
    return path.join(this.root, ...hdfsPath.split('/').filter((s) => s !== ''));
  }

  lookup(hdfsPath: string): Inode | undefined {
    const local = this.localPath(hdfsPath);
    let stats: fs.Stats;
    try {
      stats = fs.lstatSync(local);
    } catch {
      return undefined;
    }
    const isDirectory = stats.isDirectory();
    return { path: hdfsPath, local, stats, isDirectory, meta: this.metaOf(hdfsPath, isDirectory) };
  }

  private metaOf(hdfsPath: string, isDirectory: boolean): InodeMeta {
    let meta = this.metas.get(hdfsPath);
    if (!meta) {
      meta = isDirectory
        ? { owner: this.superuser, group: SUPERGROUP, permission: 0o777, fileId: this.nextFileId++, replication: 0, blockSize: 0 }
        : { owner: this.superuser, group: SUPERGROUP, permission: 0o644, fileId: this.nextFileId++, replication: DEFAULT_REPLICATION, blockSize: DEFAULT_BLOCK_SIZE };
      this.metas.set(hdfsPath, meta);
    }
    return meta;
  }

  /** A symlink put under the root by hand (HDFS has none) is followed only while it stays inside the root. */
  followInside(inode: Inode): Inode {
    if (!inode.stats.isSymbolicLink()) return inode;
    let real: string | null = null;
    try {
      real = fs.realpathSync(inode.local);
    } catch {
      // Leads nowhere: writing through it would create whatever it names.
    }
    if (real === null || !isWithin(real, this.realRoot)) throw new WebHdfsError('AccessControlException', `Permission denied: ${inode.path} is a symlink leading outside the emulator's root`);
    const stats = fs.statSync(real);
    return { ...inode, stats, isDirectory: stats.isDirectory() };
  }

  /** Walks from `/`, checking EXECUTE (traverse) on every existing ancestor directory, as Hadoop does. */
  resolve(caller: Caller, hdfsPath: string): Resolved {
    let inode = this.lookup('/')!;
    for (const name of hdfsPath.split('/').filter((s) => s !== '')) {
      if (!inode.isDirectory) return { deepest: inode, blockedBy: inode };
      checkAccess(caller, inode.path, inode.meta, true, 'EXECUTE');
      const next = this.lookup(joinPath(inode.path, name));
      if (!next) return { deepest: inode };
      inode = next;
    }
    return { target: inode, deepest: inode };
  }

  /** The inode, or Hadoop's FileNotFoundException with `message`. */
  existing(caller: Caller, hdfsPath: string, message = `File does not exist: ${hdfsPath}`): Inode {
    const target = this.resolve(caller, hdfsPath).target;
    if (!target) throw fileNotFound(message);
    return target;
  }

  fileStatus(caller: Caller, hdfsPath: string): Required<FileStatus> {
    return fileStatusOf(this.existing(caller, hdfsPath), '');
  }

  /** LISTSTATUS / LISTSTATUS_BATCH: a directory's children after `startAfter`, at most `limit`; a file lists itself. */
  list(caller: Caller, hdfsPath: string, startAfter?: string, limit = Infinity): { entries: Required<FileStatus>[]; remaining: number } {
    const inode = this.existing(caller, hdfsPath, `File ${hdfsPath} does not exist.`);
    if (!inode.isDirectory) return { entries: [fileStatusOf(inode, '')], remaining: 0 };
    checkAccess(caller, inode.path, inode.meta, true, 'READ_EXECUTE');
    let names = sortedNames(inode.local);
    if (startAfter !== undefined) names = names.filter((name) => sortsAfter(name, startAfter));
    const page = names.slice(0, limit);
    const entries = page.flatMap((name) => {
      const child = this.lookup(joinPath(hdfsPath, name));
      return child ? [fileStatusOf(child, name)] : [];
    });
    return { entries, remaining: names.length - page.length };
  }

  contentSummary(caller: Caller, hdfsPath: string): Required<ContentSummary> {
    const inode = this.existing(caller, hdfsPath, `File does not exist: ${hdfsPath}`);
    return contentSummaryOf(inode, (p) => this.metaOf(p, false).replication);
  }

  /** Creates the directory and missing parents; true also when it exists (as HDFS). */
  mkdirs(caller: Caller, hdfsPath: string, permission: number): boolean {
    const resolved = this.resolve(caller, hdfsPath);
    if (resolved.blockedBy) throw notADirectory(resolved.blockedBy.path);
    if (resolved.target) {
      if (!resolved.target.isDirectory) throw alreadyExists(`Path is not a directory: ${hdfsPath}`);
      return true;
    }
    checkAccess(caller, resolved.deepest.path, resolved.deepest.meta, true, 'WRITE');
    this.makeMissingDirectories(caller, resolved.deepest, hdfsPath, permission);
    return true;
  }

  /** Parents get the requested mode plus u+wx, so their creator can keep going (HDFS's rule). */
  private makeMissingDirectories(caller: Caller, deepest: Inode, hdfsPath: string, permission: number): void {
    const group = deepest.meta.group;
    const missing = hdfsPath.slice(deepest.path === '/' ? 1 : deepest.path.length + 1).split('/');
    let current = deepest.path;
    missing.forEach((name, i) => {
      current = joinPath(current, name);
      fs.mkdirSync(this.localPath(current));
      const mode = i === missing.length - 1 ? permission : permission | 0o300;
      this.metas.set(current, { owner: caller.user, group, permission: mode, fileId: this.nextFileId++, replication: 0, blockSize: 0 });
    });
  }

  /**
   * CREATE's step 2: checks, makes missing parents, opens the file (exclusively unless overwriting) and registers it
   * as being written. Returns the open descriptor and the lease to give `closeWriter` when the upload ends.
   */
  openForCreate(caller: Caller, hdfsPath: string, request: CreateRequest): WriteLease {
    const resolved = this.resolve(caller, hdfsPath);
    if (resolved.blockedBy) throw notADirectory(resolved.blockedBy.path);
    const existing = resolved.target;
    if (existing) {
      if (existing.isDirectory) throw alreadyExists(`${hdfsPath} already exists as a directory`);
      if (this.writers.has(hdfsPath)) throw beingCreated(hdfsPath, request.clientAddress);
      if (!request.overwrite) throw alreadyExists(`${hdfsPath} for client ${request.clientAddress} already exists`);
      checkAccess(caller, hdfsPath, existing.meta, false, 'WRITE');
      this.followInside(existing);
    }
    const ancestor = existing ? this.lookup(parentOf(hdfsPath))! : resolved.deepest;
    checkAccess(caller, ancestor.path, ancestor.meta, true, 'WRITE');
    const parent = parentOf(hdfsPath);
    if (!existing && ancestor.path !== parent) this.makeMissingDirectories(caller, ancestor, parent, 0o755);
    const fd = fs.openSync(this.localPath(hdfsPath), request.overwrite ? 'w' : 'wx');
    this.metas.set(hdfsPath, {
      owner: caller.user,
      group: this.lookup(parent)!.meta.group,
      permission: request.permission,
      fileId: this.nextFileId++,
      replication: request.replication ?? DEFAULT_REPLICATION,
      blockSize: request.blockSize ?? DEFAULT_BLOCK_SIZE,
    });
    return this.lease(hdfsPath, fd);
  }

  /** APPEND's step 2: the file must exist and be writable by the caller and not be open by another writer. */
  openForAppend(caller: Caller, hdfsPath: string, clientAddress: string): WriteLease {
    const inode = this.followInside(this.existing(caller, hdfsPath));
    if (inode.isDirectory) throw fileNotFound(`Path is not a file: ${hdfsPath}`);
    if (this.writers.has(hdfsPath)) throw beingCreated(hdfsPath, clientAddress);
    checkAccess(caller, hdfsPath, inode.meta, false, 'WRITE');
    return this.lease(hdfsPath, fs.openSync(inode.local, 'a'));
  }

  private lease(hdfsPath: string, fd: number): WriteLease {
    const lease = { fd };
    this.writers.set(hdfsPath, lease);
    return lease;
  }

  /** Ends a write lease wherever its file has moved meanwhile (HDFS lets open files be renamed). */
  closeWriter(lease: WriteLease): void {
    for (const [hdfsPath, held] of this.writers) if (held === lease) this.writers.delete(hdfsPath);
  }

  /** OPEN: the file's local path and length, after the READ check. */
  openForRead(caller: Caller, hdfsPath: string, notFoundMessage?: string): Inode {
    const inode = this.followInside(this.existing(caller, hdfsPath, notFoundMessage));
    if (inode.isDirectory) throw fileNotFound(`Path is not a file: ${hdfsPath}`);
    checkAccess(caller, hdfsPath, inode.meta, false, 'READ');
    return inode;
  }

  delete(caller: Caller, hdfsPath: string, recursive: boolean): boolean {
    const target = this.resolve(caller, hdfsPath).target;
    if (!target || hdfsPath === '/') return false;
    if (target.isDirectory && !recursive && fs.readdirSync(target.local).length > 0) {
      throw new WebHdfsError('PathIsNotEmptyDirectoryException', `\`${hdfsPath} is non empty': Directory is not empty`);
    }
    const parent = this.lookup(parentOf(hdfsPath))!;
    checkAccess(caller, parent.path, parent.meta, true, 'WRITE_EXECUTE');
    checkStickyBit(caller, parent, target);
    if (target.isDirectory) this.checkSubtree(caller, target);
    fs.rmSync(target.local, { recursive: true, force: true });
    this.forgetSubtree(hdfsPath);
    return true;
  }

  /** Deleting a directory needs ALL on every directory below it (Hadoop's subAccess). */
  private checkSubtree(caller: Caller, dir: Inode): void {
    if (caller.superuser) return;
    checkAccess(caller, dir.path, dir.meta, true, 'ALL');
    for (const name of fs.readdirSync(dir.local)) {
      const child = this.lookup(joinPath(dir.path, name));
      if (child?.isDirectory) this.checkSubtree(caller, child);
    }
  }

  forgetSubtree(hdfsPath: string): void {
    for (const key of [...this.metas.keys()]) if (isWithin(key, hdfsPath) && key !== '/') this.metas.delete(key);
    for (const key of [...this.writers.keys()]) if (isWithin(key, hdfsPath)) this.writers.delete(key);
  }

  /** Moves the metadata of `from` and everything below it to `to` (after the local rename). */
  moveSubtree(from: string, to: string): void {
    for (const [key, meta] of [...this.metas.entries()]) {
      if (!isWithin(key, from)) continue;
      this.metas.delete(key);
      this.metas.set(to + key.slice(from.length), meta);
    }
    for (const [writer, lease] of [...this.writers]) {
      if (isWithin(writer, from)) {
        this.writers.delete(writer);
        this.writers.set(to + writer.slice(from.length), lease);
      }
    }
  }

  setPermission(caller: Caller, hdfsPath: string, permission: number): void {
    const inode = this.existing(caller, hdfsPath);
    checkOwner(caller, hdfsPath, inode.meta);
    inode.meta.permission = permission;
  }

  setOwner(caller: Caller, hdfsPath: string, owner?: string, group?: string): void {
    if (owner === undefined && group === undefined) throw illegalArgument('Both owner and group are empty.');
    const inode = this.existing(caller, hdfsPath);
    checkOwner(caller, hdfsPath, inode.meta);
    if (!caller.superuser) {
      if (owner !== undefined && owner !== caller.user) {
        throw new WebHdfsError('AccessControlException', `User ${caller.user} is not a super user (non-super user cannot change owner).`);
      }
      if (group !== undefined && !caller.groups.includes(group)) {
        throw new WebHdfsError('AccessControlException', `User ${caller.user} does not belong to ${group}`);
      }
    }
    if (owner !== undefined) inode.meta.owner = owner;
    if (group !== undefined) inode.meta.group = group;
  }
}

export function notADirectory(hdfsPath: string): WebHdfsError {
  return new WebHdfsError('ParentNotDirectoryException', `${hdfsPath} (is not a directory)`);
}

function beingCreated(hdfsPath: string, clientAddress: string): WebHdfsError {
  return new WebHdfsError(
    'AlreadyBeingCreatedException',
    `Failed to CREATE_FILE ${hdfsPath} for DFSClient_webhdfs on ${clientAddress} because this file lease is currently owned by another writer`,
  );
}
