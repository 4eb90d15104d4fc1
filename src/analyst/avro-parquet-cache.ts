// Committed Avro files never change (a compaction writes new ones and deletes the old), so each one's conversion to
// Parquet (every column, with the view's partition columns) is kept under <cacheDir>/avro-as-parquet, keyed by the
// file's path, size, mtime, ctime and inode and the table's schema: a later query over the same file reads Parquet
// with DuckDB's native reader. A changed file gets a new key and its old entries are deleted when the new one is
// written; the directory is kept under maxBytes by deleting the least recently used entries (a hit touches its
// entry), which also drops those of files that are gone.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AvroTableSource } from './avro-decode-pool';
import type { LocalDataFile } from './local-files';

export interface AvroParquetCache {
  dir: string;
  maxBytes: number;
}

/** The cache's default bound: about 12 days of the benchmark's page views (~170 MB of Parquet a day). */
export const DEFAULT_AVRO_CACHE_MAX_BYTES = 2 * 2 ** 30;
export const AVRO_CACHE_SUBDIR = 'avro-as-parquet';

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 20);

function entryOf(cache: AvroParquetCache, table: AvroTableSource, file: LocalDataFile): { prefix: string; entry: string } {
  const stat = fs.statSync(file.localPath);
  const prefix = hash(file.localPath);
  const version = hash(JSON.stringify([stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino, table.outputSchema, table.partitions ?? []]));
  return { prefix, entry: path.join(cache.dir, `${prefix}-${version}.parquet`) };
}

/**
 * The Parquet files holding `files`, in order: cached ones as they are, the others made by `convert` (one target
 * per file, written in place; each is renamed into the cache only once complete).
 */
export async function cachedParquetFiles(
  cache: AvroParquetCache, table: AvroTableSource, files: readonly LocalDataFile[],
  convert: (misses: LocalDataFile[], targets: string[]) => Promise<void>,
): Promise<{ parquetFiles: string[]; converted: number }> {
  fs.mkdirSync(cache.dir, { recursive: true });
  const entries = files.map((file) => entryOf(cache, table, file));
  const now = new Date();
  const misses: number[] = [];
  for (const [i, { entry }] of entries.entries()) {
    try {
      fs.utimesSync(entry, now, now);
    } catch {
      misses.push(i);
    }
  }
  if (misses.length > 0) {
    const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const targets = misses.map((i) => entries[i].entry + suffix);
    try {
      await convert(misses.map((i) => files[i]), targets);
      for (const [k, i] of misses.entries()) {
        dropOlderEntries(cache, entries[i].prefix);
        fs.renameSync(targets[k], entries[i].entry);
      }
    } finally {
      for (const target of targets) fs.rmSync(target, { force: true });
    }
    evict(cache, new Set(entries.map((e) => e.entry)));
  }
  return { parquetFiles: entries.map((e) => e.entry), converted: misses.length };
}

function dropOlderEntries(cache: AvroParquetCache, prefix: string): void {
  for (const name of fs.readdirSync(cache.dir)) {
    if (name.startsWith(`${prefix}-`) && name.endsWith('.parquet')) fs.rmSync(path.join(cache.dir, name), { force: true });
  }
}

/** Deletes least recently used entries (never those this query reads) until the directory fits its bound. */
function evict(cache: AvroParquetCache, keep: Set<string>): void {
  const entries = fs.readdirSync(cache.dir).filter((n) => n.endsWith('.parquet')).map((name) => {
    const file = path.join(cache.dir, name);
    try {
      const stat = fs.statSync(file);
      return { file, bytes: stat.size, used: stat.mtimeMs };
    } catch {
      return { file, bytes: 0, used: 0 };
    }
  });
  let total = entries.reduce((sum, e) => sum + e.bytes, 0);
  for (const entry of entries.sort((a, b) => a.used - b.used)) {
    if (total <= cache.maxBytes) return;
    if (keep.has(entry.file)) continue;
    fs.rmSync(entry.file, { force: true });
    total -= entry.bytes;
  }
}
