// A table's committed files as paths on this machine: in place for a local sink, copied into a cache
// directory through the Sink interface for a remote one (WebHDFS).
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Sink } from '../ports/sink';
import type { DataFile } from './table-catalog';

export interface LocalDataFile extends DataFile {
  localPath: string;
}

export const DEFAULT_CACHE_DIR = path.join(os.tmpdir(), 'sluice-query-cache');

export interface CopyStats {
  copied: number;
  reused: number;
  bytes: number;
}

/** One directory per sink, named by a hash of its location, so two sinks never share cached files. */
export function cacheRootFor(cacheDir: string, sink: Sink): string {
  return path.join(cacheDir, createHash('sha256').update(sink.location).digest('hex').slice(0, 16));
}

/**
 * Local paths for `files`. Committed data files are never rewritten, so a cached copy with the
 * recorded size is reused; new copies are written beside and renamed, so a cache never holds half a file.
 */
export async function localDataFiles(sink: Sink, files: DataFile[], cacheDir: string, stats: CopyStats): Promise<LocalDataFile[]> {
  const out: LocalDataFile[] = [];
  for (const file of files) {
    const inPlace = sink.localPath(file.sinkPath);
    if (inPlace !== null) {
      out.push({ ...file, localPath: inPlace });
      continue;
    }
    const cached = path.join(cacheRootFor(cacheDir, sink), ...file.sinkPath.split('/'));
    if (fs.existsSync(cached) && fs.statSync(cached).size === file.bytes) {
      stats.reused++;
    } else {
      const bytes = await sink.readFile(file.sinkPath);
      fs.mkdirSync(path.dirname(cached), { recursive: true });
      const partial = `${cached}.${randomBytes(4).toString('hex')}.part`;
      fs.writeFileSync(partial, bytes);
      fs.renameSync(partial, cached);
      stats.copied++;
      stats.bytes += bytes.length;
    }
    out.push({ ...file, localPath: cached });
  }
  return out;
}
