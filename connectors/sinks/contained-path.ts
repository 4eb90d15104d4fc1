// Keeping file access inside a root directory on this machine, symlinks included.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function isWithin(target: string, root: string): boolean {
  return target === root || target.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * Whether `target` (an absolute path, lexically inside `realRoot`, the root's real path) ends up outside the root
 * once symlinks are followed: the real path of its deepest existing part must lie inside. A symlink that leads
 * nowhere counts as leading outside, since writing through it would create whatever it names.
 */
export function escapesRoot(target: string, realRoot: string): boolean {
  for (let current = target; ; current = path.dirname(current)) {
    try {
      fs.lstatSync(current);
    } catch {
      if (path.dirname(current) === current) return true;
      continue;
    }
    try {
      return !isWithin(fs.realpathSync(current), realRoot);
    } catch {
      return true;
    }
  }
}

/** A directory that cannot be made: a part of its path is not a directory, or mkdir failed. */
export class DirectoryError extends Error {
  constructor(readonly directory: string, detail: string) {
    super(detail);
    this.name = 'DirectoryError';
  }
}

/**
 * `mkdir -p` one level at a time. Node's recursive mkdirSync loops forever where mkdir answers ENOENT for a parent
 * that exists (inside /proc, for one); here each failure is an error naming the directory.
 */
export function makeDirectories(directory: string): void {
  const missing: string[] = [];
  for (let current = path.resolve(directory); ; current = path.dirname(current)) {
    let stats: fs.Stats | undefined;
    try {
      stats = fs.statSync(current);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new DirectoryError(directory, (error as Error).message);
    }
    if (stats) {
      if (!stats.isDirectory()) throw new DirectoryError(directory, `${current} is not a directory`);
      break;
    }
    missing.push(current);
    if (path.dirname(current) === current) break;
  }
  for (const dir of missing.reverse()) {
    try {
      fs.mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(dir).isDirectory()) continue;
      throw new DirectoryError(directory, (error as Error).message);
    }
  }
}
