import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32c } from '../protocol/crc32c';
import { writeFileAtomically } from './atomic-file';
import { offsetFileStem } from './file-names';
import type { ProducerEntry, ProducerStateSnapshot } from './producer-state';
import type { AbortedTransaction } from '../ports/partition-store';

export const SNAPSHOT_SUFFIX = '.snapshot';
/** Snapshots kept per partition; older ones go when a new one is written. */
const SNAPSHOTS_KEPT = 2;
const FORMAT_VERSION = 1;

/**
 * Kafka's `<offset>.snapshot` files: the producer state as of that offset,
 * written at segment roll and clean shutdown, so that a start replays only
 * the log after the newest snapshot. sluice's format is JSON behind a
 * CRC-32C line (Kafka's is binary); it also carries the aborted transactions,
 * which Kafka keeps in per-segment `.txnindex` files.
 */
export function snapshotOffsets(dir: string): number[] {
  return fs
    .readdirSync(dir)
    .map((name) => /^(\d{20})\.snapshot$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

export function snapshotPath(dir: string, offset: number): string {
  return path.join(dir, offsetFileStem(offset) + SNAPSHOT_SUFFIX);
}

export function writeSnapshot(dir: string, offset: number, snapshot: ProducerStateSnapshot): void {
  const body = JSON.stringify({ version: FORMAT_VERSION, offset, ...snapshot });
  writeFileAtomically(snapshotPath(dir, offset), `${crc32c(Buffer.from(body))}\n${body}`);
  const offsets = snapshotOffsets(dir);
  for (const old of offsets.slice(0, Math.max(0, offsets.length - SNAPSHOTS_KEPT))) fs.rmSync(snapshotPath(dir, old), { force: true });
}

function isEntry(value: unknown): value is ProducerEntry {
  const e = value as ProducerEntry;
  return typeof e?.producerId === 'number' && typeof e.producerEpoch === 'number' && Array.isArray(e.batches) && typeof e.currentTxnFirstOffset === 'number';
}

function isAborted(value: unknown): value is AbortedTransaction {
  const t = value as AbortedTransaction;
  return typeof t?.producerId === 'number' && typeof t.firstOffset === 'number' && typeof t.lastOffset === 'number';
}

/** The snapshot in the file, or undefined when it is damaged (the caller rebuilds from the log instead). */
export function readSnapshot(dir: string, offset: number): ProducerStateSnapshot | undefined {
  let text: string;
  try {
    text = fs.readFileSync(snapshotPath(dir, offset), 'utf8');
  } catch {
    return undefined;
  }
  const newline = text.indexOf('\n');
  const body = text.slice(newline + 1);
  if (newline < 0 || String(crc32c(Buffer.from(body))) !== text.slice(0, newline)) return undefined;
  try {
    const parsed = JSON.parse(body) as { version: number; offset: number; producers: unknown[]; aborted: unknown[] };
    if (parsed.version !== FORMAT_VERSION || parsed.offset !== offset) return undefined;
    if (!Array.isArray(parsed.producers) || !parsed.producers.every(isEntry)) return undefined;
    if (!Array.isArray(parsed.aborted) || !parsed.aborted.every(isAborted)) return undefined;
    return { producers: parsed.producers, aborted: parsed.aborted };
  } catch {
    return undefined;
  }
}

export function deleteSnapshot(dir: string, offset: number): void {
  fs.rmSync(snapshotPath(dir, offset), { force: true });
}
