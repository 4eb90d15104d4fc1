import { InvalidConfigError } from './errors';
import type { TopicConfigOverrides } from '../ports/partition-store';
import { ParsedConfigValue, TOPIC_CONFIG_CATALOGUE, TopicConfigEntry, parseConfigValue, renderConfigValue } from './topic-config-catalogue';

export type CleanupPolicy = 'delete' | 'compact';
export type BrokerCompressionType = 'producer' | 'uncompressed' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
export type TimestampType = 'CreateTime' | 'LogAppendTime';

/**
 * Per-topic log settings; each field is one Kafka topic config (segment.bytes → segmentBytes),
 * listed with its type and range in ./topic-config-catalogue. Longs past 2^53 (Kafka's Long.MAX_VALUE
 * defaults) are held as Number.MAX_SAFE_INTEGER: "no limit".
 */
export interface LogConfig {
  segmentBytes: number;
  segmentMs: number;
  segmentJitterMs: number;
  segmentIndexBytes: number;
  retentionMs: number; // -1: keep forever
  retentionBytes: number; // -1: no size limit
  maxMessageBytes: number;
  flushMessages: number; // flush after this many unflushed records; 1 flushes every append
  flushMs: number; // flush at least this often; -1 (programmatic only) disables the timer
  indexIntervalBytes: number;
  fileDeleteDelayMs: number;
  cleanupPolicy: readonly CleanupPolicy[];
  deleteRetentionMs: number;
  minCleanableDirtyRatio: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  compressionType: BrokerCompressionType;
  compressionGzipLevel: number;
  compressionLz4Level: number;
  compressionZstdLevel: number;
  messageTimestampType: TimestampType;
  messageTimestampBeforeMaxMs: number;
  messageTimestampAfterMaxMs: number;
  messageTimestampDifferenceMaxMs: number;
  messageDownconversionEnable: boolean;
  messageFormatVersion: string;
  minInsyncReplicas: number;
  uncleanLeaderElectionEnable: boolean;
  preallocate: boolean;
  leaderReplicationThrottledReplicas: readonly string[];
  followerReplicationThrottledReplicas: readonly string[];
  remoteStorageEnable: boolean;
  remoteLogCopyDisable: boolean;
  remoteLogDeleteOnDisable: boolean;
  localRetentionMs: number;
  localRetentionBytes: number;
}

/** The LogConfig field of each topic config name. */
export const CONFIG_FIELDS: Readonly<Record<string, keyof LogConfig>> = {
  'segment.bytes': 'segmentBytes',
  'segment.ms': 'segmentMs',
  'segment.jitter.ms': 'segmentJitterMs',
  'segment.index.bytes': 'segmentIndexBytes',
  'retention.ms': 'retentionMs',
  'retention.bytes': 'retentionBytes',
  'max.message.bytes': 'maxMessageBytes',
  'flush.messages': 'flushMessages',
  'flush.ms': 'flushMs',
  'index.interval.bytes': 'indexIntervalBytes',
  'file.delete.delay.ms': 'fileDeleteDelayMs',
  'cleanup.policy': 'cleanupPolicy',
  'delete.retention.ms': 'deleteRetentionMs',
  'min.cleanable.dirty.ratio': 'minCleanableDirtyRatio',
  'min.compaction.lag.ms': 'minCompactionLagMs',
  'max.compaction.lag.ms': 'maxCompactionLagMs',
  'compression.type': 'compressionType',
  'compression.gzip.level': 'compressionGzipLevel',
  'compression.lz4.level': 'compressionLz4Level',
  'compression.zstd.level': 'compressionZstdLevel',
  'message.timestamp.type': 'messageTimestampType',
  'message.timestamp.before.max.ms': 'messageTimestampBeforeMaxMs',
  'message.timestamp.after.max.ms': 'messageTimestampAfterMaxMs',
  'message.timestamp.difference.max.ms': 'messageTimestampDifferenceMaxMs',
  'message.downconversion.enable': 'messageDownconversionEnable',
  'message.format.version': 'messageFormatVersion',
  'min.insync.replicas': 'minInsyncReplicas',
  'unclean.leader.election.enable': 'uncleanLeaderElectionEnable',
  preallocate: 'preallocate',
  'leader.replication.throttled.replicas': 'leaderReplicationThrottledReplicas',
  'follower.replication.throttled.replicas': 'followerReplicationThrottledReplicas',
  'remote.storage.enable': 'remoteStorageEnable',
  'remote.log.copy.disable': 'remoteLogCopyDisable',
  'remote.log.delete.on.disable': 'remoteLogDeleteOnDisable',
  'local.retention.ms': 'localRetentionMs',
  'local.retention.bytes': 'localRetentionBytes',
};

/** Every topic config name Kafka 3.9 documents, sorted. */
export const TOPIC_CONFIG_KEYS: readonly string[] = Object.keys(CONFIG_FIELDS).sort();

function kafkaDefaults(): LogConfig {
  const config: Record<string, ParsedConfigValue> = {};
  for (const [name, field] of Object.entries(CONFIG_FIELDS)) {
    const entry = catalogueEntry(name);
    config[field] = parseConfigValue(entry, entry.kafkaDefault);
  }
  return config as unknown as LogConfig;
}

/** Kafka's defaults, except flush.ms: sluice flushes every second unless told otherwise. */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({ ...kafkaDefaults(), flushMs: 1000 });

export type { TopicConfigOverrides } from '../ports/partition-store';

export function catalogueEntry(name: string): TopicConfigEntry {
  const entry = TOPIC_CONFIG_CATALOGUE.get(name);
  if (!entry) throw new Error(`${name} is in CONFIG_FIELDS but not in the catalogue`);
  return entry;
}

/** The value of a topic config in `config`, rendered as Kafka renders it. */
export function renderedValue(config: Readonly<LogConfig>, name: string): string {
  const field = CONFIG_FIELDS[name];
  return renderConfigValue(catalogueEntry(name), config[field] as ParsedConfigValue);
}

function parseOverride(key: string, raw: string): ParsedConfigValue {
  const field = CONFIG_FIELDS[key];
  if (field === undefined) throw new InvalidConfigError(key, raw, `Unknown topic config name: ${key}`);
  if (typeof raw !== 'string') throw new InvalidConfigError(key, String(raw), 'a topic config value must be a string');
  try {
    return parseConfigValue(catalogueEntry(key), raw);
  } catch (error) {
    throw new InvalidConfigError(key, raw, (error as Error).message);
  }
}

/**
 * Checks Kafka-style overrides ("retention.ms" → "3600000") and lays them over `defaults`;
 * InvalidConfigError (INVALID_CONFIG) names the first bad key and why.
 */
export function resolveLogConfig(overrides: TopicConfigOverrides, defaults: Readonly<LogConfig> = DEFAULT_LOG_CONFIG): LogConfig {
  const config: Record<string, unknown> = { ...defaults };
  for (const [key, raw] of Object.entries(overrides)) config[CONFIG_FIELDS[key] ?? key] = parseOverride(key, raw);
  const resolved = config as unknown as LogConfig;
  checkTogether(resolved, overrides);
  return resolved;
}

/** Kafka's checks across settings (LogConfig.validateValues and the broker's own). */
function checkTogether(config: LogConfig, overrides: TopicConfigOverrides): void {
  if (config.minCompactionLagMs > config.maxCompactionLagMs) {
    throw new InvalidConfigError(
      'min.compaction.lag.ms',
      String(config.minCompactionLagMs),
      `conflict topic config setting min.compaction.lag.ms (${config.minCompactionLagMs}) > max.compaction.lag.ms (${config.maxCompactionLagMs})`,
    );
  }
  if (config.remoteStorageEnable && overrides['remote.storage.enable'] !== undefined) {
    throw new InvalidConfigError('remote.storage.enable', 'true', 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.');
  }
}

/**
 * The stored overrides a topic can still use, and the ones it cannot (a value an older sluice accepted, or a
 * hand-edited file): a start sets those aside, with the reason, instead of failing.
 */
export function usableOverrides(overrides: TopicConfigOverrides, defaults: Readonly<LogConfig>): { kept: TopicConfigOverrides; refused: string[] } {
  const kept: TopicConfigOverrides = {};
  const refused: string[] = [];
  for (const [key, value] of Object.entries(overrides)) {
    try {
      resolveLogConfig({ ...kept, [key]: value }, defaults);
      kept[key] = value;
    } catch (error) {
      refused.push((error as Error).message);
    }
  }
  return { kept, refused };
}

/** The overrides in Kafka's rendering ("  100 " → "100", "TRUE" → "true", "compact, delete" → "compact,delete"). */
export function normalizeOverrides(overrides: TopicConfigOverrides): TopicConfigOverrides {
  const normalized: TopicConfigOverrides = {};
  for (const [key, raw] of Object.entries(overrides)) normalized[key] = renderConfigValue(catalogueEntry(key), parseOverride(key, raw));
  return normalized;
}

/** Whether the log cleaner compacts a topic with `config` (cleanup.policy includes compact). */
export function isCompacted(config: Readonly<LogConfig>): boolean {
  return config.cleanupPolicy.includes('compact');
}

/** Whether retention (the delete policy) applies to a topic with `config`. */
export function deletesOldSegments(config: Readonly<LogConfig>): boolean {
  return config.cleanupPolicy.includes('delete');
}

/** The effective limits on CreateTime timestamps (the deprecated difference setting fills in unset ones, as in Kafka). */
export function timestampBounds(config: Readonly<LogConfig>): { beforeMaxMs: number; afterMaxMs: number } {
  const unset = Number.MAX_SAFE_INTEGER;
  return {
    beforeMaxMs: config.messageTimestampBeforeMaxMs !== unset ? config.messageTimestampBeforeMaxMs : config.messageTimestampDifferenceMaxMs,
    afterMaxMs: config.messageTimestampAfterMaxMs !== unset ? config.messageTimestampAfterMaxMs : config.messageTimestampDifferenceMaxMs,
  };
}

/** How long a segment may stay active (Kafka's LogConfig.maxSegmentMs): compacted topics roll by max.compaction.lag.ms too. */
export function maxSegmentMs(config: Readonly<LogConfig>): number {
  return config.cleanupPolicy.includes('compact') && config.maxCompactionLagMs > 0 ? Math.min(config.maxCompactionLagMs, config.segmentMs) : config.segmentMs;
}

/** A segment's random roll jitter (Kafka's randomSegmentJitter): below min(segment.jitter.ms, segment.ms). */
export function segmentJitter(config: Readonly<LogConfig>, random: () => number = Math.random): number {
  return config.segmentJitterMs === 0 ? 0 : Math.floor(random() * Math.min(config.segmentJitterMs, config.segmentMs));
}
