import * as fs from 'node:fs';
import { WebHdfsError, alreadyExists, fileNotFound } from './remote-exception';
import { Caller, checkAccess, checkStickyBit } from './permissions';
import { Namespace } from './namespace';
import { baseName, isWithin, joinPath, parentOf } from './params';
import type { Inode } from './file-status';

export type RenameOptions = 'NONE' | 'OVERWRITE';

/**
 * HDFS's legacy rename, the one WebHDFS uses without `renameoptions`: answers false, with no error, when the source
 * is missing, the destination's parent is missing, the destination is an existing file, the destination directory
 * already holds the source's name, or the destination lies under the source. A destination that is a directory
 * receives the source inside it. Never creates parents.
 */
export function legacyRename(ns: Namespace, caller: Caller, src: string, dst: string): boolean {
  const source = ns.resolve(caller, src).target;
  if (!source || src === '/') return false;
  if (src === dst) return true;
  let target = dst;
  const dstResolved = ns.resolve(caller, dst);
  if (dstResolved.target) {
    if (!dstResolved.target.isDirectory) return false;
    target = joinPath(dst, baseName(src));
    if (ns.lookup(target)) return false;
  }
  if (isWithin(target, src)) return false;
  const targetParent = ns.lookup(parentOf(target));
  if (!targetParent || !targetParent.isDirectory) return false;
  checkMove(ns, caller, source, targetParent);
  move(ns, source, target);
  return true;
}

/** The newer rename (`renameoptions=NONE|OVERWRITE`): every refusal is an exception; OVERWRITE replaces the target. */
export function renameWithOptions(ns: Namespace, caller: Caller, src: string, dst: string, options: RenameOptions): void {
  const source = ns.resolve(caller, src).target;
  if (!source) throw fileNotFound(`rename source ${src} is not found.`);
  if (src === '/') throw new WebHdfsError('IOException', 'Rename source cannot be the root');
  if (src === dst) throw alreadyExists(`The source ${src} and destination ${dst} are the same`);
  if (isWithin(dst, src)) throw new WebHdfsError('IOException', `Rename destination ${dst} is a directory or file under source ${src}`);
  const dstResolved = ns.resolve(caller, dst);
  const existing = dstResolved.target;
  if (existing) {
    if (options !== 'OVERWRITE') throw alreadyExists(`rename destination ${dst} already exists.`);
    if (existing.isDirectory !== source.isDirectory) {
      throw new WebHdfsError('IOException', `Source ${src} and destination ${dst} must both be directories`);
    }
    if (existing.isDirectory && fs.readdirSync(existing.local).length > 0) {
      throw new WebHdfsError('IOException', `rename destination directory is not empty: ${dst}`);
    }
  }
  const parentPath = parentOf(dst);
  const parent = ns.lookup(parentPath);
  if (!parent) throw fileNotFound(`rename destination parent ${parentPath} not found.`);
  if (!parent.isDirectory) throw new WebHdfsError('ParentNotDirectoryException', `rename destination parent ${parentPath} is a file.`);
  checkMove(ns, caller, source, parent);
  if (existing) {
    checkStickyBit(caller, parent, existing);
    fs.rmSync(existing.local, { recursive: true, force: true });
    ns.forgetSubtree(dst);
  }
  move(ns, source, dst);
}

/** WRITE on the source's parent (and its sticky bit) and on the destination's parent. */
function checkMove(ns: Namespace, caller: Caller, source: Inode, targetParent: Inode): void {
  const sourceParent = ns.lookup(parentOf(source.path))!;
  checkAccess(caller, sourceParent.path, sourceParent.meta, true, 'WRITE');
  checkStickyBit(caller, sourceParent, source);
  checkAccess(caller, targetParent.path, targetParent.meta, true, 'WRITE');
}

function move(ns: Namespace, source: Inode, target: string): void {
  fs.renameSync(source.local, ns.localPath(target));
  ns.moveSubtree(source.path, target);
}
