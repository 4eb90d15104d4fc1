// Committed Avro files never change (a compaction writes new ones and deletes the old), so each one's conversion to
// Parquet (the columns queries named so far, the others NULL, with the view's partition columns) is kept under
// <cacheDir>/avro-as-parquet, keyed by the file's path, size, mtime, ctime and inode and the table's schema: a later
// query over the same file and columns reads Parquet with DuckDB's native reader. A changed file gets a new key and its old entries are deleted when the new one is
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

/** A file's entries share `<prefix>-<version>-`; each entry holds some columns (its `.json` lists them), the rest NULL. */
function versionOf(table: AvroTableSource, file: LocalDataFile): string {
  const stat = fs.statSync(file.localPath);
  return `${hash(file.localPath)}-${hash(JSON.stringify([stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino, table.outputSchema, table.partitions ?? []]))}`;
}

function columnsIn(cache: AvroParquetCache, name: string): string[] | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(cache.dir, name.replace(/\.parquet$/, '.json')), 'utf8')) as string[];
  } catch {
    return null;
  }
}

/** Files of a query missing from the cache that are converted with the same columns (all when undefined). */
export interface CacheMisses {
  columns: string[];
  /** Whether `columns` are all the table's (the view then reads them all). */
  all: boolean;
  files: LocalDataFile[];
  versions: string[];
}

/**
 * For each of `files`, its cached conversion holding at least `table.columns` (all when undefined) if there is one
 * (touched: it was used), else undefined; the misses grouped by the columns their conversion is to hold (the
 * query's and those the file's older entry held, so entries grow to what queries name).
 */
export function lookUpCached(cache: AvroParquetCache, table: AvroTableSource, files: readonly LocalDataFile[]): { cached: (string | undefined)[]; misses: CacheMisses[] } {
  fs.mkdirSync(cache.dir, { recursive: true });
  const all = (table.outputSchema.fields ?? []).map((f) => f.name);
  const needed = table.columns ?? all;
  const names = fs.readdirSync(cache.dir).filter((n) => n.endsWith('.parquet'));
  const now = new Date();
  const cached: (string | undefined)[] = [];
  const misses = new Map<string, CacheMisses>();
  for (const [index, file] of files.entries()) {
    const version = versionOf(table, file);
    const held = new Set<string>();
    let hit: string | undefined;
    for (const name of names.filter((n) => n.startsWith(`${version}-`))) {
      const columns = columnsIn(cache, name);
      if (columns === null) continue;
      columns.forEach((c) => held.add(c));
      if (needed.every((c) => columns.includes(c))) hit = name;
    }
    cached[index] = hit === undefined ? undefined : path.join(cache.dir, hit);
    if (hit !== undefined) {
      fs.utimesSync(path.join(cache.dir, hit), now, now);
      continue;
    }
    const columns = all.filter((c) => held.has(c) || needed.includes(c));
    const key = JSON.stringify(columns.length === all.length ? null : columns);
    const group = misses.get(key) ?? { columns, all: columns.length === all.length, files: [], versions: [] };
    group.files.push(file);
    group.versions.push(version);
    misses.set(key, group);
  }
  return { cached, misses: [...misses.values()] };
}

/**
 * Writes the misses' conversions: `convert` writes each file's to its target, and each is renamed into the cache
 * only once complete (a crash leaves temporary names, never a partial entry). The entries written, for the caller's
 * `evict`.
 */
export async function writeCached(cache: AvroParquetCache, misses: CacheMisses, convert: (targets: string[]) => Promise<void>): Promise<string[]> {
  const key = JSON.stringify(misses.all ? null : misses.columns);
  const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const entries = misses.versions.map((version) => path.join(cache.dir, `${version}-${hash(key)}.parquet`));
  const targets = entries.map((e) => e + suffix);
  try {
    await convert(targets);
    for (const [k, version] of misses.versions.entries()) {
      dropOlderEntries(cache, version.split('-')[0]);
      fs.renameSync(targets[k], entries[k]);
      const listing = entries[k].replace(/\.parquet$/, '.json');
      fs.writeFileSync(listing + suffix, JSON.stringify(misses.columns));
      fs.renameSync(listing + suffix, listing);
    }
  } finally {
    for (const target of targets) fs.rmSync(target, { force: true });
  }
  return entries;
}

/** Every entry of the file `prefix` names (older versions, fewer columns). */
function dropOlderEntries(cache: AvroParquetCache, prefix: string): void {
  for (const name of fs.readdirSync(cache.dir)) {
    if (name.startsWith(`${prefix}-`) && (name.endsWith('.parquet') || name.endsWith('.json'))) fs.rmSync(path.join(cache.dir, name), { force: true });
  }
}

/** Deletes least recently used entries (never those this query reads) until the directory fits its bound. */
export function evict(cache: AvroParquetCache, keep: Set<string>): void {
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
    fs.rmSync(entry.file.replace(/\.parquet$/, '.json'), { force: true });
    total -= entry.bytes;
  }
}
