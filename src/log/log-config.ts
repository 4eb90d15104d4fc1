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
}

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
});

interface KeySpec {
  field: keyof LogConfig;
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
};

export const TOPIC_CONFIG_KEYS: readonly string[] = Object.keys(KEYS);

export type { TopicConfigOverrides } from '../ports/partition-store';

/** Checks Kafka-style overrides ("retention.ms" → "3600000") and lays them over `defaults`. */
export function resolveLogConfig(overrides: TopicConfigOverrides, defaults: Readonly<LogConfig> = DEFAULT_LOG_CONFIG): LogConfig {
  const config: LogConfig = { ...defaults };
  for (const [key, raw] of Object.entries(overrides)) {
    const spec = KEYS[key];
    if (!spec) throw new InvalidConfigError(key, raw, `unknown topic config; known: ${TOPIC_CONFIG_KEYS.join(', ')}`);
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
      throw new InvalidConfigError(key, raw, 'must be an integer');
    }
    if (value < spec.min || (value < 0 && value !== -1)) {
      throw new InvalidConfigError(key, raw, `must be at least ${spec.min}`);
    }
    config[spec.field] = value;
  }
  return config;
}
