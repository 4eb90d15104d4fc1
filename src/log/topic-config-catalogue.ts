// Every topic config Apache Kafka 3.9 documents: its name, type, default, valid values and the broker
// setting that supplies its default (Kafka's LogConfig and ServerTopicConfigSynonyms). Values are checked
// the way Kafka's ConfigDef parses them; the log uses those that change behaviour, the rest are kept
// and reported.

export type TopicConfigType = 'int' | 'long' | 'double' | 'boolean' | 'string' | 'list';

/** The rendering Kafka uses for Long.MAX_VALUE; sluice stores it as Number.MAX_SAFE_INTEGER ("no limit"). */
export const LONG_MAX_TEXT = '9223372036854775807';
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

export interface TopicConfigEntry {
  name: string;
  type: TopicConfigType;
  /** Kafka's default, as DescribeConfigs renders it. */
  kafkaDefault: string;
  /** Why a parsed value is refused, or undefined when it is allowed. */
  check?: (value: never) => string | undefined;
  /** The broker config that sets the default for every topic (Kafka's synonym), if any. */
  brokerSynonym?: string;
  /** The synonym and value DescribeConfigs shows as the DEFAULT_CONFIG source when it differs (retention.ms → log.retention.hours). */
  defaultSynonym?: { name: string; value: string };
  documentation: string;
}

const atLeast = (min: number) => (value: number) => (value < min ? `Value must be at least ${min}` : undefined);
const between = (min: number, max: number) => (value: number) =>
  value < min || value > max ? `Value must be no less than ${min} and no more than ${max}` : undefined;
const oneOf = (...allowed: string[]) => (value: string) => (allowed.includes(value) ? undefined : `String must be one of: ${allowed.join(', ')}`);
const listOf = (...allowed: string[]) => (value: string[]) => {
  const bad = value.find((item) => !allowed.includes(item));
  return bad === undefined ? undefined : `Invalid value ${bad}; the list may only hold: ${allowed.join(', ')}`;
};

/** Kafka's ThrottledReplicaListValidator: "*" or a list of partition:brokerId pairs. */
function throttledReplicas(value: string[]): string | undefined {
  if (value.length === 1 && value[0] === '*') return undefined;
  const bad = value.find((item) => !/^\d+:\d+$/.test(item));
  return bad === undefined ? undefined : 'Must be the literal \'*\' or a list of replicas in the form [PartitionId]:[BrokerId],[PartitionId]:[BrokerId],...';
}

/** message.format.version: a Kafka release or metadata version such as 2.8, 3.0-IV1, 0.10.2 (Kafka's MetadataVersionValidator). */
function formatVersion(value: string): string | undefined {
  const known = /^(0\.(8\.[0-2]|9\.0|10\.[0-2]|11\.0)|1\.[01]|2\.[0-8]|3\.[0-9])(\.\d+)?(-IV\d+)?$/;
  return known.test(value) ? undefined : `${value} is not a valid message format version (for example 2.8, 3.0-IV1)`;
}

function gzipLevel(value: number): string | undefined {
  return value === -1 || (value >= 1 && value <= 9) ? undefined : 'Value must be -1 (the codec\'s default) or between 1 and 9';
}

const entries: TopicConfigEntry[] = [
  { name: 'cleanup.policy', type: 'list', kafkaDefault: 'delete', check: listOf('compact', 'delete'), brokerSynonym: 'log.cleanup.policy',
    documentation: 'How old log segments are cleaned up: "delete" removes them past the retention limits, "compact" keeps the latest value per key; both may be given.' },
  { name: 'compression.type', type: 'string', kafkaDefault: 'producer', check: oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'), brokerSynonym: 'compression.type',
    documentation: 'The codec batches are stored with; "producer" keeps whatever the producer sent, "uncompressed" stores them uncompressed.' },
  { name: 'compression.gzip.level', type: 'int', kafkaDefault: '-1', check: gzipLevel, brokerSynonym: 'compression.gzip.level',
    documentation: 'The gzip level used when compression.type is gzip.' },
  { name: 'compression.lz4.level', type: 'int', kafkaDefault: '9', check: between(1, 17), brokerSynonym: 'compression.lz4.level',
    documentation: 'The lz4 level used when compression.type is lz4.' },
  { name: 'compression.zstd.level', type: 'int', kafkaDefault: '3', check: between(-131072, 22), brokerSynonym: 'compression.zstd.level',
    documentation: 'The zstd level used when compression.type is zstd.' },
  { name: 'delete.retention.ms', type: 'long', kafkaDefault: '86400000', check: atLeast(0), brokerSynonym: 'log.cleaner.delete.retention.ms',
    documentation: 'How long tombstones are kept in a compacted topic after the cleaner reaches them.' },
  { name: 'file.delete.delay.ms', type: 'long', kafkaDefault: '60000', check: atLeast(0), brokerSynonym: 'log.segment.delete.delay.ms',
    documentation: 'How long to wait before deleting a file from the file system.' },
  { name: 'flush.messages', type: 'long', kafkaDefault: LONG_MAX_TEXT, check: atLeast(1), brokerSynonym: 'log.flush.interval.messages',
    documentation: 'Force an fsync of the log after this many messages.' },
  { name: 'flush.ms', type: 'long', kafkaDefault: LONG_MAX_TEXT, check: atLeast(0), brokerSynonym: 'log.flush.interval.ms',
    documentation: 'Force an fsync of the log at least this often (sluice defaults to 1000 ms).' },
  { name: 'follower.replication.throttled.replicas', type: 'list', kafkaDefault: '', check: throttledReplicas,
    documentation: 'Replicas whose replication is throttled on the follower side ([PartitionId]:[BrokerId],... or *).' },
  { name: 'index.interval.bytes', type: 'int', kafkaDefault: '4096', check: atLeast(0), brokerSynonym: 'log.index.interval.bytes',
    documentation: 'How many bytes of log are written between two offset index entries.' },
  { name: 'leader.replication.throttled.replicas', type: 'list', kafkaDefault: '', check: throttledReplicas,
    documentation: 'Replicas whose replication is throttled on the leader side ([PartitionId]:[BrokerId],... or *).' },
  { name: 'local.retention.bytes', type: 'long', kafkaDefault: '-2', check: atLeast(-2), brokerSynonym: 'log.local.retention.bytes',
    documentation: 'With tiered storage, the bytes kept locally before deletion; -2 means retention.bytes.' },
  { name: 'local.retention.ms', type: 'long', kafkaDefault: '-2', check: atLeast(-2), brokerSynonym: 'log.local.retention.ms',
    documentation: 'With tiered storage, how long segments are kept locally; -2 means retention.ms.' },
  { name: 'max.compaction.lag.ms', type: 'long', kafkaDefault: LONG_MAX_TEXT, check: atLeast(1), brokerSynonym: 'log.cleaner.max.compaction.lag.ms',
    documentation: 'The longest a message stays ineligible for compaction.' },
  { name: 'max.message.bytes', type: 'int', kafkaDefault: '1048588', check: atLeast(0), brokerSynonym: 'message.max.bytes',
    documentation: 'The largest record batch size allowed, after compression.' },
  { name: 'message.downconversion.enable', type: 'boolean', kafkaDefault: 'true', brokerSynonym: 'log.message.downconversion.enable',
    documentation: 'Whether the broker converts batches down for consumers that fetch an older message format (deprecated).' },
  { name: 'message.format.version', type: 'string', kafkaDefault: '3.0-IV1', check: formatVersion, brokerSynonym: 'log.message.format.version',
    documentation: 'The message format version to store with (deprecated; ignored from 3.0 on).' },
  { name: 'message.timestamp.after.max.ms', type: 'long', kafkaDefault: LONG_MAX_TEXT, check: atLeast(0), brokerSynonym: 'log.message.timestamp.after.max.ms',
    documentation: 'How far a CreateTime timestamp may lie after the broker\'s time.' },
  { name: 'message.timestamp.before.max.ms', type: 'long', kafkaDefault: LONG_MAX_TEXT, check: atLeast(0), brokerSynonym: 'log.message.timestamp.before.max.ms',
    documentation: 'How far a CreateTime timestamp may lie before the broker\'s time.' },
  { name: 'message.timestamp.difference.max.ms', type: 'long', kafkaDefault: LONG_MAX_TEXT, check: atLeast(0), brokerSynonym: 'log.message.timestamp.difference.max.ms',
    documentation: 'Deprecated: the before/after limits when those are not set.' },
  { name: 'message.timestamp.type', type: 'string', kafkaDefault: 'CreateTime', check: oneOf('CreateTime', 'LogAppendTime'), brokerSynonym: 'log.message.timestamp.type',
    documentation: 'Whether record timestamps are the producer\'s (CreateTime) or the broker\'s append time (LogAppendTime).' },
  { name: 'min.cleanable.dirty.ratio', type: 'double', kafkaDefault: '0.5', check: between(0, 1), brokerSynonym: 'log.cleaner.min.cleanable.ratio',
    documentation: 'How much of a compacted log must be uncleaned before the cleaner runs on it.' },
  { name: 'min.compaction.lag.ms', type: 'long', kafkaDefault: '0', check: atLeast(0), brokerSynonym: 'log.cleaner.min.compaction.lag.ms',
    documentation: 'The shortest a message stays uncompacted.' },
  { name: 'min.insync.replicas', type: 'int', kafkaDefault: '1', check: atLeast(1), brokerSynonym: 'min.insync.replicas',
    documentation: 'With acks=all, how many in-sync replicas must acknowledge a write.' },
  { name: 'preallocate', type: 'boolean', kafkaDefault: 'false', brokerSynonym: 'log.preallocate',
    documentation: 'Whether segment files are preallocated when created.' },
  { name: 'remote.log.copy.disable', type: 'boolean', kafkaDefault: 'false',
    documentation: 'With tiered storage, stop copying segments to remote storage.' },
  { name: 'remote.log.delete.on.disable', type: 'boolean', kafkaDefault: 'false',
    documentation: 'With tiered storage, delete remote data when tiering is turned off.' },
  { name: 'remote.storage.enable', type: 'boolean', kafkaDefault: 'false',
    documentation: 'Use tiered storage for this topic.' },
  { name: 'retention.bytes', type: 'long', kafkaDefault: '-1', brokerSynonym: 'log.retention.bytes',
    documentation: 'The size a partition may grow to before old segments are deleted; -1: no limit.' },
  { name: 'retention.ms', type: 'long', kafkaDefault: '604800000', check: atLeast(-1), brokerSynonym: 'log.retention.ms',
    defaultSynonym: { name: 'log.retention.hours', value: '168' },
    documentation: 'How long a segment is kept before it is deleted; -1: no time limit.' },
  { name: 'segment.bytes', type: 'int', kafkaDefault: '1073741824', check: atLeast(14), brokerSynonym: 'log.segment.bytes',
    documentation: 'The size of one segment file.' },
  { name: 'segment.index.bytes', type: 'int', kafkaDefault: '10485760', check: atLeast(4), brokerSynonym: 'log.index.size.max.bytes',
    documentation: 'The size of the index that maps offsets to file positions.' },
  { name: 'segment.jitter.ms', type: 'long', kafkaDefault: '0', check: atLeast(0), brokerSynonym: 'log.roll.jitter.ms',
    defaultSynonym: { name: 'log.roll.jitter.hours', value: '0' },
    documentation: 'The most random jitter subtracted from segment.ms.' },
  { name: 'segment.ms', type: 'long', kafkaDefault: '604800000', check: atLeast(1), brokerSynonym: 'log.roll.ms',
    defaultSynonym: { name: 'log.roll.hours', value: '168' },
    documentation: 'How long before a segment is rolled even when not full.' },
  { name: 'unclean.leader.election.enable', type: 'boolean', kafkaDefault: 'false', brokerSynonym: 'unclean.leader.election.enable',
    documentation: 'Whether a replica outside the ISR may become leader.' },
];

export const TOPIC_CONFIG_CATALOGUE: ReadonlyMap<string, TopicConfigEntry> = new Map(entries.map((e) => [e.name, e]));

export type ParsedConfigValue = number | boolean | string | string[];

/** Parses `raw` as Kafka's ConfigDef parses a value of `entry`'s type; an Error's message says why not. */
export function parseConfigValue(entry: TopicConfigEntry, raw: string): ParsedConfigValue {
  const text = raw.trim();
  const fail = (why: string): never => {
    throw new Error(`Invalid value ${raw} for configuration ${entry.name}: ${why}`);
  };
  let value: ParsedConfigValue;
  switch (entry.type) {
    case 'int':
    case 'long': {
      if (!/^[-+]?\d+$/.test(text)) fail(`Not a number of type ${entry.type.toUpperCase()}`);
      const big = BigInt(text);
      const [min, max] = entry.type === 'int' ? [BigInt(INT_MIN), BigInt(INT_MAX)] : [LONG_MIN, LONG_MAX];
      if (big < min || big > max) fail(`Not a number of type ${entry.type.toUpperCase()}`);
      value = big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big);
      break;
    }
    case 'double':
      value = Number(text);
      if (text === '' || !Number.isFinite(value)) fail('Not a number of type DOUBLE');
      break;
    case 'boolean':
      if (!/^(true|false)$/i.test(text)) fail('Expected value to be either true or false');
      value = text.toLowerCase() === 'true';
      break;
    case 'string':
      value = text;
      break;
    case 'list':
      value = text === '' ? [] : text.split(/\s*,\s*/);
      break;
  }
  const why = entry.check?.(value as never);
  if (why !== undefined) fail(why);
  return value;
}

/** A parsed value as DescribeConfigs shows it (Kafka's ConfigDef.convertToString). */
export function renderConfigValue(entry: TopicConfigEntry, value: ParsedConfigValue): string {
  if (Array.isArray(value)) return value.join(',');
  if (entry.type === 'long' && typeof value === 'number' && value >= Number.MAX_SAFE_INTEGER) return LONG_MAX_TEXT;
  return String(value);
}
