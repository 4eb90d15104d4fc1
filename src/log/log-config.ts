import { InvalidConfigError } from './errors';
import type { TopicConfigOverrides } from '../ports/partition-store';

/** Per-topic log settings; keys mirror Kafka's topic configs (segment.bytes → segmentBytes). */
export interface LogConfig {
  segmentBytes: number;
  segmentMs: number;
  segmentIndexBytes: number;
  retentionMs: number; // -1: keep forever
  retentionBytes: number; // -1: no size limit
  maxMessageBytes: number;
  flushMessages: number; // flush after this many unflushed records; 1 flushes every append
  flushMs: number; // flush at least this often; -1 disables the timer
  indexIntervalBytes: number;
  cleanupPolicy: readonly CleanupPolicy[];
  deleteRetentionMs: number; // how long a tombstone outlives the cleaning that first saw it
  minCleanableDirtyRatio: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  compressionType: TopicCompressionType;
}

export type CleanupPolicy = 'delete' | 'compact';
export type TopicCompressionType = 'producer' | 'uncompressed' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
export const TOPIC_COMPRESSION_TYPES: readonly TopicCompressionType[] = ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'];

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 3600 * 1000,
  segmentIndexBytes: 10 * 1024 * 1024,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  maxMessageBytes: 1024 * 1024 + 12,
  flushMessages: Number.MAX_SAFE_INTEGER,
  flushMs: 1000,
  indexIntervalBytes: 4096,
  cleanupPolicy: Object.freeze(['delete'] as CleanupPolicy[]),
  deleteRetentionMs: 24 * 3600 * 1000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  // Kafka's default is Long.MAX_VALUE; the largest safe integer is as good as never.
  maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
  compressionType: 'producer',
});

type IntegerField = { [K in keyof LogConfig]: LogConfig[K] extends number ? K : never }[keyof LogConfig];

interface KeySpec {
  field: IntegerField;
  min: number;
}

/** Kafka topic config names and the smallest value each accepts (-1 marks "unlimited" where allowed). */
const KEYS: Record<string, KeySpec> = {
  'segment.bytes': { field: 'segmentBytes', min: 14 },
  'segment.ms': { field: 'segmentMs', min: 1 },
  'segment.index.bytes': { field: 'segmentIndexBytes', min: 8 },
  'retention.ms': { field: 'retentionMs', min: -1 },
  'retention.bytes': { field: 'retentionBytes', min: -1 },
  'max.message.bytes': { field: 'maxMessageBytes', min: 0 },
  'flush.messages': { field: 'flushMessages', min: 1 },
  'flush.ms': { field: 'flushMs', min: -1 },
  'index.interval.bytes': { field: 'indexIntervalBytes', min: 0 },
  'delete.retention.ms': { field: 'deleteRetentionMs', min: 0 },
  'min.compaction.lag.ms': { field: 'minCompactionLagMs', min: 0 },
  'max.compaction.lag.ms': { field: 'maxCompactionLagMs', min: 1 },
};

/** Configs that are not plain integers: each parses its raw value into `config` or throws InvalidConfigError. */
const OTHER_KEYS: Record<string, (config: LogConfig, key: string, raw: string) => void> = {
  'cleanup.policy': (config, key, raw) => {
    // Kafka's ValidList.in("compact", "delete"): a comma-separated list, order and repeats immaterial.
    const items = raw.split(',').map((item) => item.trim().toLowerCase()).filter((item) => item !== '');
    const bad = items.find((item) => item !== 'compact' && item !== 'delete');
    if (bad !== undefined) throw new InvalidConfigError(key, raw, `${JSON.stringify(bad)} is not one of compact, delete`);
    config.cleanupPolicy = (['delete', 'compact'] as const).filter((policy) => items.includes(policy));
  },
  'min.cleanable.dirty.ratio': (config, key, raw) => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new InvalidConfigError(key, raw, 'must be a number between 0 and 1');
    config.minCleanableDirtyRatio = value;
  },
  'compression.type': (config, key, raw) => {
    const value = raw.trim().toLowerCase() as TopicCompressionType;
    if (!TOPIC_COMPRESSION_TYPES.includes(value)) throw new InvalidConfigError(key, raw, `must be one of ${TOPIC_COMPRESSION_TYPES.join(', ')}`);
    config.compressionType = value;
  },
};

export const TOPIC_CONFIG_KEYS: readonly string[] = [...Object.keys(KEYS), ...Object.keys(OTHER_KEYS)];

/** Java longs beyond 2^53 (Long.MAX_VALUE is the usual "never") are held as the largest safe integer. */
function parseLong(raw: string): number | undefined {
  if (!/^-?\d+$/.test(raw.trim())) return undefined;
  const value = BigInt(raw.trim());
  if (value > 9223372036854775807n || value < -9223372036854775808n) return undefined;
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (value < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(value);
}

export type { TopicConfigOverrides } from '../ports/partition-store';

/** Checks Kafka-style overrides ("retention.ms" → "3600000") and lays them over `defaults`. */
export function resolveLogConfig(overrides: TopicConfigOverrides, defaults: Readonly<LogConfig> = DEFAULT_LOG_CONFIG): LogConfig {
  const config: LogConfig = { ...defaults };
  for (const [key, raw] of Object.entries(overrides)) {
    const other = OTHER_KEYS[key];
    if (other) {
      other(config, key, raw);
      continue;
    }
    const spec = KEYS[key];
    if (!spec) throw new InvalidConfigError(key, raw, `unknown topic config; known: ${TOPIC_CONFIG_KEYS.join(', ')}`);
    const value = parseLong(raw);
    if (value === undefined) throw new InvalidConfigError(key, raw, 'must be an integer');
    if (value < spec.min || (value < 0 && value !== -1)) {
      throw new InvalidConfigError(key, raw, `must be at least ${spec.min}`);
    }
    config[spec.field] = value;
  }
  if (config.minCompactionLagMs > config.maxCompactionLagMs) {
    throw new InvalidConfigError('min.compaction.lag.ms', String(config.minCompactionLagMs), `must not exceed max.compaction.lag.ms (${config.maxCompactionLagMs})`);
  }
  return config;
}

export function isCompacted(config: Readonly<LogConfig>): boolean {
  return config.cleanupPolicy.includes('compact');
}

/** Time and size retention apply only to topics whose cleanup.policy includes delete. */
export function deletesByRetention(config: Readonly<LogConfig>): boolean {
  return config.cleanupPolicy.includes('delete');
}
