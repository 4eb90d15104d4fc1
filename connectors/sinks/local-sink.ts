import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sink, SinkEntry, SinkError, SinkFileExistsError } from '../../src/ports/sink';
import { DirectoryError, escapesRoot, makeDirectories } from './contained-path';

function fsyncPath(target: string): void {
  const fd = fs.openSync(target, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A directory on this machine, the embedded default. Every change is fsynced, directories included. Nothing is read
 * or written outside the root, symlinks included.
 */
export class LocalSink implements Sink {
  readonly root: string;
  private readonly realRoot: string;

  constructor(location: string) {
    this.root = path.resolve(location.startsWith('file://') ? fileURLToPath(location) : location);
    try {
      makeDirectories(this.root);
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      throw new SinkError(this.root, 'open', `not a usable directory: ${error.message}`);
    }
    this.realRoot = fs.realpathSync(this.root);
  }

  private makeDirectories(directory: string, sinkPath: string): void {
    try {
      makeDirectories(directory);
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      throw new SinkError(sinkPath, 'mkdirs', `${error.message} (is the sink ${this.root} a usable directory?)`);
    }
  }

  get location(): string {
    return this.root;
  }

  get description(): string {
    return `local directory ${this.root}`;
  }

  localPath(sinkPath: string): string {
    const resolved = path.resolve(this.root, sinkPath);
    if (resolved !== this.root && !resolved.startsWith(this.root + path.sep)) throw new SinkError(sinkPath, 'resolve', 'leads outside the sink root');
    if (escapesRoot(resolved, this.realRoot)) throw new SinkError(sinkPath, 'resolve', `leads outside the sink root ${this.root} through a symlink`);
    return resolved;
  }

  async upload(localFile: string, sinkPath: string): Promise<void> {
    const target = this.localPath(sinkPath);
    if (path.resolve(localFile) === target) return;
    this.makeDirectories(path.dirname(target), sinkPath);
    try {
      fs.copyFileSync(localFile, target, fs.constants.COPYFILE_EXCL);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new SinkFileExistsError(sinkPath);
      throw error;
    }
    fsyncPath(target);
    fsyncPath(path.dirname(target));
  }

  async writeFile(sinkPath: string, data: Buffer): Promise<void> {
    const target = this.localPath(sinkPath);
    this.makeDirectories(path.dirname(target), sinkPath);
    let fd: number;
    try {
      fd = fs.openSync(target, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new SinkFileExistsError(sinkPath);
      throw error;
    }
    try {
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fsyncPath(path.dirname(target));
  }

  async readFile(sinkPath: string): Promise<Buffer> {
    try {
      return fs.readFileSync(this.localPath(sinkPath));
    } catch (error) {
      throw new SinkError(sinkPath, 'read', (error as Error).message, 'FileNotFoundException');
    }
  }

  async append(sinkPath: string, data: Buffer): Promise<void> {
    const target = this.localPath(sinkPath);
    this.makeDirectories(path.dirname(target), sinkPath);
    const created = !fs.existsSync(target);
    const fd = fs.openSync(target, 'a');
    try {
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (created) fsyncPath(path.dirname(target));
  }

  async rename(from: string, to: string): Promise<boolean> {
    const source = this.localPath(from);
    const target = this.localPath(to);
    if (!fs.existsSync(source) || fs.existsSync(target) || !fs.existsSync(path.dirname(target))) return false;
    fs.renameSync(source, target);
    fsyncPath(path.dirname(target));
    if (path.dirname(source) !== path.dirname(target)) fsyncPath(path.dirname(source));
    return true;
  }

  async delete(sinkPath: string, recursive: boolean): Promise<boolean> {
    const target = this.localPath(sinkPath);
    if (!fs.existsSync(target)) return false;
    const isDir = fs.statSync(target).isDirectory();
    if (isDir && !recursive && fs.readdirSync(target).length > 0) throw new SinkError(sinkPath, 'delete', 'is a non-empty directory', 'PathIsNotEmptyDirectoryException');
    fs.rmSync(target, { recursive: true, force: true });
    return true;
  }

  async mkdirs(sinkPath: string): Promise<void> {
    this.makeDirectories(this.localPath(sinkPath), sinkPath);
  }

  async status(sinkPath: string): Promise<SinkEntry | null> {
    const target = this.localPath(sinkPath);
    if (!fs.existsSync(target)) return null;
    const stat = fs.statSync(target);
    if (stat.isDirectory()) return { path: sinkPath, type: 'directory', length: 0, children: fs.readdirSync(target).length };
    return { path: sinkPath, type: 'file', length: stat.size };
  }

  async list(dir: string): Promise<SinkEntry[]> {
    const target = this.localPath(dir);
    if (!fs.existsSync(target) || !fs.statSync(target).isDirectory()) return [];
    const entries: SinkEntry[] = [];
    for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
      const entryPath = dir ? `${dir}/${entry.name}` : entry.name;
      // A file another writer deletes between the listing and its stat (a lock released, a staging file renamed) is gone.
      const length = entry.isDirectory() ? 0 : fs.statSync(path.join(target, entry.name), { throwIfNoEntry: false })?.size;
      if (length === undefined) continue;
      entries.push({ path: entryPath, type: entry.isDirectory() ? 'directory' : 'file', length });
    }
    return entries;
  }
}
