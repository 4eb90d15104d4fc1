import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { CLEAN_SHUTDOWN_FILE, LogManager } from '../../src/log/log-manager';
import { PartitionLog } from '../../src/log/partition-log';
import { InvalidConfigError } from '../../src/log/errors';
import { resolveLogConfig } from '../../src/log/log-config';
import { buildRecordBatch, compressBatch } from '../../src/protocol/records';
import { ATTRIBUTES_POS, BASE_SEQUENCE_POS, CRC_POS, PRODUCER_EPOCH_POS, PRODUCER_ID_POS, batchSizeAt, computeBatchCrc } from '../../src/protocol/record-batch';
import { inspectPartitionDir } from '../../src/log/segment-inspector';
import { useTempDir } from '../helpers/temp-dir';
import { readAll } from '../helpers/read-log';

const COMPACTED = { 'cleanup.policy': 'compact', 'segment.bytes': '400', 'delete.retention.ms': '0' };

function keyed(entries: [string, string | null][], timestamp = Date.now()): Buffer {
  return buildRecordBatch(entries.map(([key, value]) => ({ key: Buffer.from(key), value: value === null ? null : Buffer.from(value), timestamp })));
}

/** Writes 12 keys, each overwritten 5 times, then tombstones for k0..k2; returns what each key must end with. */
function produceHistory(log: PartitionLog): Map<string, { offset: number; value: string | null }> {
  const latest = new Map<string, { offset: number; value: string | null }>();
  for (let round = 0; round < 5; round++) {
    for (let k = 0; k < 12; k += 3) {
      const entries: [string, string][] = [0, 1, 2].map((j) => [`k${k + j}`, `v${round}-${k + j}`]);
      const result = log.append(keyed(entries));
      entries.forEach(([key, value], i) => latest.set(key, { offset: result.baseOffset + i, value }));
    }
  }
  const result = log.append(keyed([['k0', null], ['k1', null], ['k2', null]]));
  ['k0', 'k1', 'k2'].forEach((key, i) => latest.set(key, { offset: result.baseOffset + i, value: null }));
  return latest;
}

describe('log cleaner (cleanup.policy=compact)', () => {
  const tmp = useTempDir();

  it('parses the cleaner and compression configs with Kafka names, defaults and ranges', () => {
    const defaults = resolveLogConfig({});
    assert.deepEqual(defaults.cleanupPolicy, ['delete']);
    assert.equal(defaults.deleteRetentionMs, 86_400_000);
    assert.equal(defaults.minCleanableDirtyRatio, 0.5);
    assert.equal(defaults.minCompactionLagMs, 0);
    assert.equal(defaults.compressionType, 'producer');
    const set = resolveLogConfig({ 'cleanup.policy': 'delete,compact', 'max.compaction.lag.ms': '9223372036854775807', 'min.cleanable.dirty.ratio': '0.1', 'compression.type': 'zstd' });
    assert.deepEqual(set.cleanupPolicy, ['delete', 'compact']);
    assert.equal(set.maxCompactionLagMs, Number.MAX_SAFE_INTEGER);
    assert.equal(set.minCleanableDirtyRatio, 0.1);
    assert.equal(set.compressionType, 'zstd');
    const bads: Record<string, string>[] = [{ 'cleanup.policy': 'compacted' }, { 'min.cleanable.dirty.ratio': '1.5' }, { 'compression.type': 'brotli' }, { 'delete.retention.ms': '-1' }, { 'min.compaction.lag.ms': '10', 'max.compaction.lag.ms': '5' }];
    for (const bad of bads) {
      assert.throws(() => resolveLogConfig(bad), InvalidConfigError, JSON.stringify(bad));
    }
  });

  it('keeps the latest value per key with its offset, sets tombstones a delete horizon and drops them at the next cleaning past it', async () => {
    const manager = LogManager.open(tmp());
    manager.createTopic('c', 1, COMPACTED);
    const log = manager.partition('c', 0);
    const latest = produceHistory(log);
    log.roll();
    log.append(keyed([['k3', 'active']]));
    const before = readAll(log);
    assert.ok(log.segmentCount > 4, `${log.segmentCount} segments`);
    const endBefore = log.logEndOffset;

    const segmentsBefore = log.segmentCount;
    const [first] = await manager.cleanNow();
    assert.ok(first.recordsRemoved > 30, `removed ${first.recordsRemoved}`);
    assert.ok(log.segmentCount < segmentsBefore, `small cleaned neighbours are merged: ${segmentsBefore} → ${log.segmentCount} segments`);
    const afterFirst = readAll(log);
    assert.equal(log.logEndOffset, endBefore, 'log end unchanged');
    assert.equal(log.logStartOffset, 0, 'log start unchanged');
    const activeBase = log.describeSegments().at(-1)!.baseOffset;
    // Records from the active segment on are untouched; before it, only each key's latest survives.
    for (const r of afterFirst.records) {
      const original = before.records.find((b) => b.offset === r.offset);
      assert.deepEqual(r, original, `offset ${r.offset} kept as it was`);
      const newest = before.records.filter((b) => b.key === r.key && b.offset < activeBase).at(-1)!;
      if (r.offset < activeBase) assert.equal(newest.offset, r.offset, `${r.key}@${r.offset} is the latest for its key before the active segment`);
    }
    for (const [key, { offset }] of latest) assert.ok(afterFirst.records.some((r) => r.offset === offset), `${key}'s latest (offset ${offset}) is kept`);
    const tombstones = afterFirst.records.filter((r) => r.value === null);
    assert.equal(tombstones.length, 3, 'tombstones stay until the cleaning after their horizon');

    // More data makes the log dirty again; the tombstones' horizon (delete.retention.ms=0) has passed.
    log.append(keyed([['k5', 'later']]));
    log.roll();
    log.append(keyed([['k6', 'later']]));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await manager.cleanNow();
    const afterSecond = readAll(log);
    assert.deepEqual(afterSecond.records.filter((r) => r.value === null), [], 'expired tombstones are gone');
    assert.deepEqual([...new Set(afterSecond.records.map((r) => r.key))].sort(), ['k10', 'k11', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9']);
    const offsets = afterSecond.records.map((r) => r.offset);
    assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b), 'offsets only grow');
    assert.equal(new Set(offsets).size, offsets.length, 'no offset twice');
    manager.close();

    for (const clean of [true, false]) {
      if (!clean) fs.rmSync(path.join(tmp(), CLEAN_SHUTDOWN_FILE));
      const reopened = LogManager.open(tmp());
      assert.deepEqual(readAll(reopened.partition('c', 0)).records, afterSecond.records, `same records after a ${clean ? 'clean' : 'crash'} reopen`);
      reopened.close();
    }
    const batches = inspectPartitionDir(path.join(tmp(), 'c-0')).flatMap((s) => s.batches);
    assert.deepEqual(batches.filter((b) => b.status !== 'ok'), [], 'every stored batch checks out');
    assert.match(fs.readFileSync(path.join(tmp(), 'cleaner-offset-checkpoint'), 'utf8'), /^0\n1\nc 0 \d+\n$/);
  });

  it('leaves topics with cleanup.policy=delete alone, and respects min.cleanable.dirty.ratio on timer passes', async () => {
    const manager = LogManager.open(tmp());
    manager.createTopic('d', 1, { 'segment.bytes': '600' });
    manager.createTopic('r', 1, { ...COMPACTED, 'min.cleanable.dirty.ratio': '1' });
    produceHistory(manager.partition('d', 0));
    produceHistory(manager.partition('r', 0));
    assert.deepEqual(await manager.cleanNow(false), [], 'ratio 1 is never exceeded; delete topics are not compacted');
    const forced = await manager.cleanNow(true);
    assert.deepEqual(forced.map((c) => c.topic), ['r']);
    manager.close();
  });

  it('cleans on its own timer (log.cleaner.backoff.ms), waits out min.compaction.lag.ms and is forced by max.compaction.lag.ms', async () => {
    const manager = LogManager.open(tmp(), { cleanerBackoffMs: 20 });
    manager.createTopic('timer', 1, COMPACTED);
    manager.createTopic('young', 1, { ...COMPACTED, 'min.compaction.lag.ms': '3600000' });
    manager.createTopic('overdue', 1, { ...COMPACTED, 'min.cleanable.dirty.ratio': '1', 'max.compaction.lag.ms': '1' });
    const sizes = new Map<string, number>();
    for (const topic of ['timer', 'young', 'overdue']) {
      produceHistory(manager.partition(topic, 0));
      sizes.set(topic, readAll(manager.partition(topic, 0)).records.length);
    }
    manager.startBackgroundTasks();
    const held = (topic: string) => readAll(manager.partition(topic, 0)).records.length;
    for (let i = 0; i < 100 && (held('timer') === sizes.get('timer') || held('overdue') === sizes.get('overdue')); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(held('timer') < sizes.get('timer')!, `the timer's pass cleaned: ${held('timer')} of ${sizes.get('timer')}`);
    assert.ok(held('overdue') < sizes.get('overdue')!, 'past max.compaction.lag.ms a log is cleaned whatever its ratio');
    assert.equal(held('young'), sizes.get('young'), 'nothing younger than min.compaction.lag.ms is cleaned');
    manager.close();
  });

  it('lets appends, rolls and reads go on while a cleaning is under way, and loses none of them', async () => {
    const manager = LogManager.open(tmp());
    manager.createTopic('busy', 1, COMPACTED);
    const log = manager.partition('busy', 0);
    produceHistory(log);
    log.roll();
    const cleaning = manager.cleanNow();
    const added: number[] = [];
    for (let i = 0; i < 30; i++) {
      added.push(log.append(keyed([[`new-${i}`, `n${i}`]])).baseOffset);
      if (i % 10 === 9) log.roll();
      assert.ok(readAll(log).records.length > 0);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const [result] = await cleaning;
    assert.ok(result.segmentsRewritten > 0);
    const records = readAll(log).records;
    for (const [i, offset] of added.entries()) assert.deepEqual(records.find((r) => r.offset === offset), { offset, key: `new-${i}`, value: `n${i}` });
    manager.close();
  });

  it('finishes a committed swap and discards an unfinished cleaned file at open', async () => {
    const manager = LogManager.open(tmp());
    manager.createTopic('c', 1, COMPACTED);
    produceHistory(manager.partition('c', 0));
    const original = readAll(manager.partition('c', 0)).records;
    manager.close();
    const dir = path.join(tmp(), 'c-0');
    const first = path.join(dir, '00000000000000000000.log');
    // A cleaned file with garbage: it was never committed, so it must simply go.
    fs.writeFileSync(first + '.cleaned', Buffer.alloc(100, 7));
    // A committed swap holding only the first batch of segment 0: it must replace the segment.
    const data = fs.readFileSync(first);
    const firstBatch = data.subarray(0, batchSizeAt(data, 0));
    fs.writeFileSync(first + '.swap', firstBatch);
    const reopened = LogManager.open(tmp());
    const records = readAll(reopened.partition('c', 0)).records;
    const secondSegmentBase = reopened.partition('c', 0).describeSegments()[1].baseOffset;
    assert.deepEqual(records.filter((r) => r.offset < secondSegmentBase), original.filter((r) => r.offset < 3));
    assert.deepEqual(records.filter((r) => r.offset >= secondSegmentBase), original.filter((r) => r.offset >= secondSegmentBase));
    assert.deepEqual(fs.readdirSync(dir).filter((f) => /cleaned|swap/.test(f)), []);
    reopened.close();
  });

  it('finishes a group interrupted after its commit, or after its rename, without doubling the merged segments; a stale group note changes nothing', async () => {
    for (const stage of ['swap', 'renamed', 'stale'] as const) {
      const dir = path.join(tmp(), stage);
      const manager = LogManager.open(dir);
      manager.createTopic('g', 1, COMPACTED);
      const log = manager.partition('g', 0);
      produceHistory(log);
      const original = readAll(log).records;
      const [first, second, third] = log.describeSegments();
      manager.close();
      const partition = path.join(dir, 'g-0');
      const file = (base: number, suffix = '') => path.join(partition, String(base).padStart(20, '0') + '.log' + suffix);
      const merged = Buffer.concat([fs.readFileSync(file(first.baseOffset)), fs.readFileSync(file(second.baseOffset))]);
      const digest = createHash('sha256').update(merged).digest('hex');
      fs.writeFileSync(file(first.baseOffset, '.group'), `${merged.length} ${digest}\n${second.baseOffset}\n`);
      if (stage === 'swap') fs.writeFileSync(file(first.baseOffset, '.swap'), merged);
      if (stage === 'renamed') fs.writeFileSync(file(first.baseOffset), merged);
      const reopened = LogManager.open(dir);
      const bases = reopened.partition('g', 0).describeSegments().map((d) => d.baseOffset);
      assert.equal(bases.includes(second.baseOffset), stage === 'stale', `${stage}: the merged segment is gone, unless the note was stale`);
      assert.ok(bases.includes(third.baseOffset));
      assert.deepEqual(readAll(reopened.partition('g', 0)).records, original, `${stage}: every record once`);
      assert.deepEqual(fs.readdirSync(partition).filter((f) => /cleaned|swap|group/.test(f)), []);
      reopened.close();
    }
  });

  it('drops aborted transactional records, keeps markers, and keeps a producer\'s last batch (maybe empty)', async () => {
    const manager = LogManager.open(tmp());
    manager.createTopic('t', 1, COMPACTED);
    const log = manager.partition('t', 0);
    const withProducer = (batch: Buffer, producerId: number, transactional: boolean, sequence: number): Buffer => {
      const out = Buffer.from(batch);
      out.writeBigInt64BE(BigInt(producerId), PRODUCER_ID_POS);
      out.writeInt16BE(0, PRODUCER_EPOCH_POS);
      out.writeInt32BE(sequence, BASE_SEQUENCE_POS);
      out.writeInt16BE((out.readInt16BE(ATTRIBUTES_POS) & 0x07) | (transactional ? 0x10 : 0), ATTRIBUTES_POS);
      out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_POS);
      return out;
    };
    log.append(withProducer(keyed([['a', 'committed']]), 7, true, 0));
    log.writeTxnMarker({ producerId: 7, producerEpoch: 0, commit: true, coordinatorEpoch: 0 });
    log.append(withProducer(keyed([['a', 'aborted']]), 8, true, 0));
    log.writeTxnMarker({ producerId: 8, producerEpoch: 0, commit: false, coordinatorEpoch: 0 });
    log.append(withProducer(keyed([['b', 'idempotent-1']]), 9, false, 0));
    log.append(withProducer(keyed([['b', 'idempotent-2']]), 9, false, 1));
    log.append(keyed([['b', 'plain']]));
    log.roll();
    log.append(keyed([['z', 'active']]));
    await manager.cleanNow();
    const { records, batches } = readAll(log);
    assert.deepEqual(records.filter((r) => r.key === 'a' || r.key === 'b').map((r) => `${r.key}=${r.value}`), ['a=committed', 'b=plain']);
    assert.ok(batches.includes(1) && batches.includes(3), `both markers kept: ${batches}`);
    assert.ok(batches.includes(2) && batches.includes(5), `producers 8's and 9's last batches kept (empty) for their state: ${batches}`);
    const stored = inspectPartitionDir(path.join(tmp(), 't-0')).flatMap((segment) => segment.batches);
    assert.deepEqual(stored.filter((b) => b.status !== 'ok'), []);
    const emptyBatches = stored.filter((b) => b.recordsCount === 0).length;
    assert.equal(emptyBatches, 2);
    manager.close();
  });

  it('cleans compressed batches and keeps their codec', async () => {
    const manager = LogManager.open(tmp());
    manager.createTopic('z', 1, COMPACTED);
    const log = manager.partition('z', 0);
    for (let i = 0; i < 4; i++) log.append(compressBatch(keyed([['x', `x${i}`], ['y', `y${i}`]]), 4));
    log.roll();
    log.append(keyed([['x', 'last']]));
    log.roll();
    log.append(keyed([['q', 'active']]));
    await manager.cleanNow();
    const { records } = readAll(log);
    assert.deepEqual(records.map((r) => `${r.offset}:${r.key}=${r.value}`), ['7:y=y3', '8:x=last', '9:q=active']);
    const codecs = inspectPartitionDir(path.join(tmp(), 'z-0')).flatMap((s) => s.batches.map((b) => b.compression));
    assert.deepEqual(codecs, ['zstd', 'none', 'none']);
    manager.close();
  });
});
