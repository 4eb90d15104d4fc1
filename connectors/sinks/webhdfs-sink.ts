import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Sink, SinkEntry, SinkError, SinkFileExistsError } from '../../src/ports/sink';
import { WebHdfsClient, WebHdfsClientOptions } from '../webhdfs/webhdfs-client';
import { parseWebHdfsLocation, WebHdfsTarget } from '../webhdfs/webhdfs-location';
import { isWebHdfsFailure, WebHdfsError, WebHdfsLengthMismatchError } from '../webhdfs/errors';

/** Whole-operation attempts for uploads and small writes, on top of the client's own retries of each call. */
const WRITE_ATTEMPTS = 4;

function isRemote(error: unknown, exception: string): boolean {
  return error instanceof WebHdfsError && error.exception === exception;
}

/**
 * A directory in HDFS, through WebHDFS. Uploads go to a hidden sibling name, are checked for
 * length and renamed into place, so a cut upload never shows under the name asked for (a
 * DataNode closes a truncated file at whatever path it was writing).
 */
export class WebHdfsSink implements Sink {
  readonly client: WebHdfsClient;
  readonly target: WebHdfsTarget;

  constructor(readonly location: string, overrides: Partial<WebHdfsClientOptions> = {}) {
    this.target = parseWebHdfsLocation(location);
    const { nameNodes, user, doas, delegation, dataNodeHosts } = this.target;
    this.client = new WebHdfsClient({ nameNodes, user, doas, delegation, dataNodeHosts, ...overrides });
  }

  get description(): string {
    return `HDFS ${this.target.root} through WebHDFS at ${this.target.nameNodes.join(', ')}`;
  }

  localPath(): null {
    return null;
  }

  /** The absolute HDFS path of a sink path. */
  hdfsPath(sinkPath: string): string {
    if (sinkPath.split('/').includes('..')) throw new SinkError(sinkPath, 'resolve', 'leads outside the sink root');
    return path.posix.join(this.target.root, sinkPath).replace(/\/+$/, '') || '/';
  }

  async upload(localFile: string, sinkPath: string): Promise<void> {
    const length = fs.statSync(localFile).size;
    const target = this.hdfsPath(sinkPath);
    await this.client.mkdirs(path.posix.dirname(target));
    for (let attempt = 1; ; attempt++) {
      const staging = `${path.posix.dirname(target)}/.${path.posix.basename(target)}.${randomBytes(4).toString('hex')}.uploading`;
      try {
        // A private name, so overwriting is safe and lets the client retry a cut body by itself.
        await this.client.create(staging, { file: localFile, length }, { overwrite: true });
        const written = await this.client.getFileStatus(staging);
        if (written?.length !== length) throw new WebHdfsLengthMismatchError(staging, length, written?.length ?? -1);
        if (await this.client.rename(staging, target)) return;
        throw new SinkFileExistsError(sinkPath);
      } catch (error) {
        await this.client.delete(staging, false).catch(() => undefined);
        // A DataNode may still hold the lease of an attempt the client gave up on: the next attempt takes a new name.
        const leaseHeld = isRemote(error, 'AlreadyBeingCreatedException');
        if (attempt >= WRITE_ATTEMPTS || !(leaseHeld || (isWebHdfsFailure(error) && error.retriable))) throw error;
      }
    }
  }

  /**
   * Creates a file only if nothing is there: this is what the job lock rests on. When an attempt's
   * answer is lost, the file found afterwards is ours if it holds our bytes (or a cut-off prefix
   * of them, which is removed and written again).
   */
  async writeFile(sinkPath: string, data: Buffer): Promise<void> {
    const target = this.hdfsPath(sinkPath);
    let unsure = false;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.create(target, data, { overwrite: false });
        return;
      } catch (error) {
        if (isRemote(error, 'FileAlreadyExistsException')) {
          if (!unsure) throw new SinkFileExistsError(sinkPath);
          const found = await this.client.open(target);
          if (found.equals(data)) return;
          if (found.length >= data.length || !data.subarray(0, found.length).equals(found)) throw new SinkFileExistsError(sinkPath);
          await this.client.delete(target, false);
        } else if (attempt >= WRITE_ATTEMPTS || !isWebHdfsFailure(error) || !error.retriable) {
          throw error;
        }
        unsure = true;
      }
    }
  }

  /** Adds to the end of a file, creating it when missing; a lost answer is settled by the file's length. */
  async append(sinkPath: string, data: Buffer): Promise<void> {
    const target = this.hdfsPath(sinkPath);
    for (let attempt = 1; ; attempt++) {
      const before = await this.client.getFileStatus(target);
      try {
        if (before) await this.client.append(target, data);
        else await this.client.create(target, data, { overwrite: false });
        return;
      } catch (error) {
        if (!before && isRemote(error, 'FileAlreadyExistsException')) continue;
        if (!isWebHdfsFailure(error) || !error.retriable || attempt >= WRITE_ATTEMPTS) throw error;
        const after = await this.client.getFileStatus(target);
        const base = before?.length ?? 0;
        if (after?.length === base + data.length) return;
        if (after && after.length !== base) throw new SinkError(sinkPath, 'append', `a cut append left ${after.length - base} of ${data.length} bytes`);
      }
    }
  }

  async readFile(sinkPath: string): Promise<Buffer> {
    try {
      return await this.client.open(this.hdfsPath(sinkPath));
    } catch (error) {
      if (isRemote(error, 'FileNotFoundException')) throw new SinkError(sinkPath, 'read', 'no such file', 'FileNotFoundException');
      throw error;
    }
  }

  /** HDFS's legacy rename moves a file INTO an existing directory; the Sink contract answers false instead. */
  async rename(from: string, to: string): Promise<boolean> {
    const target = this.hdfsPath(to);
    if ((await this.client.getFileStatus(target))?.type === 'DIRECTORY') return false;
    return this.client.rename(this.hdfsPath(from), target);
  }

  async delete(sinkPath: string, recursive: boolean): Promise<boolean> {
    try {
      return await this.client.delete(this.hdfsPath(sinkPath), recursive);
    } catch (error) {
      if (isRemote(error, 'PathIsNotEmptyDirectoryException')) throw new SinkError(sinkPath, 'delete', 'is a non-empty directory', 'PathIsNotEmptyDirectoryException');
      throw error;
    }
  }

  async mkdirs(sinkPath: string): Promise<void> {
    if (!(await this.client.mkdirs(this.hdfsPath(sinkPath)))) throw new SinkError(sinkPath, 'mkdirs', 'HDFS answered false');
  }

  async status(sinkPath: string): Promise<SinkEntry | null> {
    const found = await this.client.getFileStatus(this.hdfsPath(sinkPath));
    if (!found) return null;
    if (found.type === 'DIRECTORY') return { path: sinkPath, type: 'directory', length: 0, ...(found.childrenNum === undefined ? {} : { children: found.childrenNum }) };
    return { path: sinkPath, type: 'file', length: found.length };
  }

  async list(dir: string): Promise<SinkEntry[]> {
    const entries = await this.client.listStatus(this.hdfsPath(dir));
    if (!entries || (entries.length === 1 && entries[0].pathSuffix === '')) return [];
    return entries.map((entry) => ({
      path: dir ? `${dir}/${entry.pathSuffix}` : entry.pathSuffix,
      type: entry.type === 'DIRECTORY' ? 'directory' : 'file',
      length: entry.type === 'DIRECTORY' ? 0 : entry.length,
    }));
  }
}
