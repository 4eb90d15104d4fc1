import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_LOG_CONFIG, TOPIC_CONFIG_KEYS, normalizeOverrides, resolveLogConfig } from '../../src/log/log-config';
import { TOPIC_CONFIG_CATALOGUE } from '../../src/log/topic-config-catalogue';
import { InvalidConfigError } from '../../src/log/errors';
import { LogManager } from '../../src/log/log-manager';
import { PartitionLog } from '../../src/log/partition-log';
import { makeBatch } from '../helpers/batches';

const refused = (overrides: Record<string, string>, pattern: RegExp) =>
  assert.throws(() => resolveLogConfig(overrides), (e: unknown) => e instanceof InvalidConfigError && e.code === 40 && pattern.test(e.message), JSON.stringify(overrides));

describe('topic config catalogue (Kafka 3.9 names, types, ranges, defaults)', () => {
  it('knows every topic config Kafka 3.9 documents, and accepts each default as an override', () => {
    const expected = [
      'cleanup.policy', 'compression.gzip.level', 'compression.lz4.level', 'compression.type', 'compression.zstd.level', 'delete.retention.ms',
      'file.delete.delay.ms', 'flush.messages', 'flush.ms', 'follower.replication.throttled.replicas', 'index.interval.bytes',
      'leader.replication.throttled.replicas', 'local.retention.bytes', 'local.retention.ms', 'max.compaction.lag.ms', 'max.message.bytes',
      'message.downconversion.enable', 'message.format.version', 'message.timestamp.after.max.ms', 'message.timestamp.before.max.ms',
      'message.timestamp.difference.max.ms', 'message.timestamp.type', 'min.cleanable.dirty.ratio', 'min.compaction.lag.ms', 'min.insync.replicas',
      'preallocate', 'remote.log.copy.disable', 'remote.log.delete.on.disable', 'remote.storage.enable', 'retention.bytes', 'retention.ms',
      'segment.bytes', 'segment.index.bytes', 'segment.jitter.ms', 'segment.ms', 'unclean.leader.election.enable',
    ];
    assert.deepEqual([...TOPIC_CONFIG_KEYS], expected);
    const all = Object.fromEntries(expected.map((name) => [name, TOPIC_CONFIG_CATALOGUE.get(name)!.kafkaDefault]));
    const config = resolveLogConfig(all);
    assert.deepEqual(config.cleanupPolicy, ['delete']);
    assert.equal(config.compressionType, 'producer');
    assert.equal(config.messageTimestampType, 'CreateTime');
    assert.equal(config.minCleanableDirtyRatio, 0.5);
    assert.equal(config.maxCompactionLagMs, Number.MAX_SAFE_INTEGER, 'Long.MAX_VALUE: no limit');
    assert.equal(DEFAULT_LOG_CONFIG.deleteRetentionMs, 86_400_000);
    assert.equal(DEFAULT_LOG_CONFIG.maxMessageBytes, 1_048_588);
  });

  it('accepts what Kafka\'s ConfigDef accepts: trimmed values, any-case booleans, lists with spaces, both policies', () => {
    const config = resolveLogConfig({
      'cleanup.policy': 'compact, delete', preallocate: 'TRUE', 'retention.ms': ' 1000 ', 'min.cleanable.dirty.ratio': '0.25',
      'compression.type': 'zstd', 'message.timestamp.type': 'LogAppendTime', 'message.format.version': '2.8-IV1', 'leader.replication.throttled.replicas': '0:1,1:1',
      'follower.replication.throttled.replicas': '*', 'retention.bytes': '-5', 'local.retention.ms': '-2',
    });
    assert.deepEqual([config.cleanupPolicy, config.preallocate, config.retentionMs, config.minCleanableDirtyRatio], [['compact', 'delete'], true, 1000, 0.25]);
    assert.deepEqual(normalizeOverrides({ 'cleanup.policy': 'compact, delete', preallocate: 'TRUE', 'retention.ms': ' 1000 ' }), { 'cleanup.policy': 'compact,delete', preallocate: 'true', 'retention.ms': '1000' });
    assert.equal(resolveLogConfig({ 'message.timestamp.type': 'CreateTime' }).messageTimestampType, 'CreateTime', 'Kafka\'s default is accepted (it was refused before)');
  });

  it('refuses bad names, types and ranges with INVALID_CONFIG naming the key and why', () => {
    refused({ colour: 'red' }, /colour=red: Unknown topic config name: colour/);
    refused({ 'cleanup.policy': 'shred' }, /cleanup\.policy=shred: .*Invalid value shred/);
    refused({ 'cleanup.policy': 'Compact' }, /may only hold: compact, delete/);
    refused({ 'compression.type': 'brotli' }, /String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer/);
    refused({ 'message.timestamp.type': 'createtime' }, /String must be one of: CreateTime, LogAppendTime/);
    refused({ 'min.insync.replicas': '0' }, /Value must be at least 1/);
    refused({ 'min.cleanable.dirty.ratio': '1.5' }, /no less than 0 and no more than 1/);
    refused({ 'min.cleanable.dirty.ratio': 'half' }, /Not a number of type DOUBLE/);
    refused({ 'segment.bytes': '13' }, /Value must be at least 14/);
    refused({ 'segment.bytes': '4294967296' }, /Not a number of type INT/);
    refused({ 'retention.ms': '-2' }, /Value must be at least -1/);
    refused({ 'retention.ms': '9223372036854775808' }, /Not a number of type LONG/);
    refused({ 'flush.ms': '-1' }, /Value must be at least 0/);
    refused({ preallocate: 'yes' }, /Expected value to be either true or false/);
    refused({ 'compression.gzip.level': '10' }, /-1 .* or between 1 and 9/);
    refused({ 'compression.zstd.level': '23' }, /no more than 22/);
    refused({ 'message.format.version': '9.9' }, /not a valid message format version/);
    refused({ 'leader.replication.throttled.replicas': 'all' }, /\[PartitionId\]:\[BrokerId\]/);
    refused({ 'min.compaction.lag.ms': '10', 'max.compaction.lag.ms': '5' }, /min\.compaction\.lag\.ms \(10\) > max\.compaction\.lag\.ms \(5\)/);
    refused({ 'remote.storage.enable': 'true' }, /Tiered Storage functionality is disabled in the broker/);
    assert.equal(resolveLogConfig({ 'remote.storage.enable': 'false' }).remoteStorageEnable, false);
  });

  it('retention deletes only under cleanup.policy with delete; a compact-only topic keeps its old segments', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-policy-'));
    try {
      const old = Date.now() - 30 * 24 * 3600_000;
      let clock = old;
      const logs = LogManager.open(dir, { now: () => clock });
      logs.createTopic('kept', 1, { 'cleanup.policy': 'compact', 'retention.ms': '1000' });
      logs.createTopic('both', 1, { 'cleanup.policy': 'compact,delete', 'retention.ms': '1000' });
      for (const topic of ['kept', 'both']) {
        logs.partition(topic, 0).append(makeBatch('old', 2, { timestamp: old }));
        logs.partition(topic, 0).roll();
      }
      clock = Date.now();
      logs.enforceRetention();
      assert.equal(logs.partition('kept', 0).logStartOffset, 0, 'compact only: retention does not apply');
      assert.equal(logs.partition('both', 0).logStartOffset, 2, 'compact,delete: retention applies');
      logs.alterTopicConfig('kept', { 'cleanup.policy': 'delete', 'retention.ms': '1000' });
      logs.enforceRetention();
      assert.equal(logs.partition('kept', 0).logStartOffset, 2, 'once delete is in the policy');
      logs.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rolls segments by segment.ms less a random jitter below segment.jitter.ms, and by max.compaction.lag.ms when compacting', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-roll-'));
    try {
      const segmentsAfter = (name: string, overrides: Record<string, string>) => {
        const log = PartitionLog.open(path.join(dir, name), resolveLogConfig({ 'segment.ms': '1000', ...overrides }), { random: () => 0.5 });
        log.append(makeBatch('a', 1, { timestamp: 10_000 }));
        log.append(makeBatch('b', 1, { timestamp: 10_600 }));
        const count = log.segmentCount;
        log.close();
        return count;
      };
      assert.equal(segmentsAfter('plain-0', {}), 1, '600 ms < segment.ms');
      assert.equal(segmentsAfter('jitter-0', { 'segment.jitter.ms': '1000' }), 2, 'jitter 500: rolls after 600 ms');
      assert.equal(segmentsAfter('jitter-small-0', { 'segment.jitter.ms': '200' }), 1, 'jitter 100: not yet');
      assert.equal(segmentsAfter('compact-0', { 'cleanup.policy': 'compact', 'max.compaction.lag.ms': '500' }), 2, 'compacted: max.compaction.lag.ms 500 rolls first');
      assert.equal(segmentsAfter('delete-0', { 'max.compaction.lag.ms': '500' }), 1, 'not compacted: max.compaction.lag.ms does not roll');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a stored config the catalogue refuses (flush.ms=-1 from an older sluice, a hand edit) is set aside at start, never stops it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-oldcfg-'));
    try {
      const first = LogManager.open(dir);
      first.createTopic('old', 1, { 'retention.ms': '1000' });
      first.partition('old', 0).append(makeBatch('kept', 2));
      first.close();
      const file = path.join(dir, '__topics', 'old.json');
      const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
      stored.config = { 'flush.ms': '-1', colour: 'red', 'retention.ms': '1000' };
      fs.writeFileSync(file, JSON.stringify(stored));
      const lines: string[] = [];
      const logs = LogManager.open(dir, { log: (line) => lines.push(line) });
      assert.deepEqual(logs.describeTopic('old').config, { 'retention.ms': '1000' });
      assert.equal(logs.topicConfig('old').flushMs, 1000, 'the default');
      assert.equal(logs.partition('old', 0).logEndOffset, 2, 'the data is there');
      assert.equal(lines.filter((l) => /topic old: stored config .*(flush\.ms=-1|colour=red).*set aside/.test(l)).length, 2, lines.join('\n'));
      logs.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
