import type { LogConfig } from '../../src/log/log-config';
import type { RecordInput } from '../../src/protocol/records';

export const CLEANER_CRASH_TOPIC = 'compacted';
export const CLEANER_CRASH_TOPIC_CONFIG = { 'cleanup.policy': 'compact', 'segment.bytes': '2048', 'min.cleanable.dirty.ratio': '0.01' };

/** Every append flushed before it is reported; small segments so that each cleaning rewrites several. */
export const CLEANER_CRASH_DEFAULTS: Partial<LogConfig> = { flushMessages: 1, retentionMs: -1, indexIntervalBytes: 256 };

const KEYS = 40;

export function keyOf(seq: number, i: number): string {
  return `key-${(seq * 7 + i * 13) % KEYS}`;
}

/** The records of append number `seq`: 1 to 4 of them, every ninth a tombstone; values say where they came from. */
export function cleanerCrashRecords(seq: number): RecordInput[] {
  return Array.from({ length: 1 + (seq % 4) }, (_, i) => ({
    key: Buffer.from(keyOf(seq, i)),
    value: (seq + i) % 9 === 0 ? null : Buffer.from(`${seq}:${i}:`.padEnd(30 + (seq % 50), '#')),
  }));
}
