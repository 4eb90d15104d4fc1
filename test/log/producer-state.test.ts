import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PartitionLog } from '../../src/log/partition-log';
import { DEFAULT_LOG_CONFIG, LogConfig } from '../../src/log/log-config';
import { loadProducerState } from '../../src/log/producer-state-loader';
import { snapshotOffsets, snapshotPath } from '../../src/log/producer-snapshot';
import { KafkaErrors } from '../../src/protocol/error-codes';
import { KafkaError } from '../../src/protocol/error-codes';
import { asProducerBatch, makeBatch } from '../helpers/batches';
import { useTempDir } from '../helpers/temp-dir';

const PID = 9;

function config(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides };
}

// Stamped now: a producer whose last batch is older than producer.id.expiration.ms is forgotten at the next snapshot.
const batch = (seq: number, count = 2, transactional = false) => asProducerBatch(makeBatch(`s${seq}`, count, { timestamp: Date.now() }), PID, 0, seq, transactional);

function assertRefused(action: () => unknown, code: number): void {
  assert.throws(action, (error: unknown) => error instanceof KafkaError && error.code === code);
}

describe('producer state across restarts (<offset>.snapshot files and log replay)', () => {
  const tmp = useTempDir();

  for (const stop of ['clean', 'unclean'] as const) {
    it(`still recognises retried batches and sequence gaps after a${stop === 'clean' ? ' clean' : 'n unclean'} stop`, () => {
      const log = PartitionLog.open(tmp(), config());
      for (let i = 0; i < 4; i++) log.append(batch(i * 2));
      if (stop === 'clean') log.close();
      const reopened = PartitionLog.open(tmp(), config(), { cleanShutdown: stop === 'clean' });
      assert.equal(reopened.append(batch(4)).baseOffset, 4, 'a retry answered with its original offset');
      assert.equal(reopened.logEndOffset, 8, 'and not stored again');
      assertRefused(() => reopened.append(batch(12)), KafkaErrors.OUT_OF_ORDER_SEQUENCE_NUMBER.code);
      assert.equal(reopened.append(batch(8)).baseOffset, 8);
      reopened.close();
    });
  }

  it('writes a snapshot at each roll, so an unclean start replays only the active segment', () => {
    const log = PartitionLog.open(tmp(), config({ segmentBytes: 400 }));
    for (let i = 0; i < 20; i++) log.append(batch(i * 2));
    const segments = log.describeSegments();
    assert.ok(segments.length >= 4, `${segments.length} segments`);
    const active = segments[segments.length - 1];
    assert.ok(snapshotOffsets(tmp()).includes(active.baseOffset), `a snapshot at the active segment's base ${active.baseOffset}: ${snapshotOffsets(tmp())}`);
    // What an unclean start would load, from the files as the crash left them.
    const loaded = loadProducerState(tmp(), 'p', log);
    assert.equal(loaded.replayedBatches, (active.nextOffset - active.baseOffset) / 2, 'only the batches after the newest snapshot are replayed');
    const reopened = PartitionLog.open(tmp(), config({ segmentBytes: 400 }));
    assert.equal(reopened.append(batch(38)).baseOffset, 38, 'the newest batch is still recognised');
  });

  it('rebuilds from the log when the snapshot is damaged, and drops snapshots past a log end that recovery cut back', () => {
    const log = PartitionLog.open(tmp(), config());
    for (let i = 0; i < 3; i++) log.append(batch(i * 2));
    log.close();
    fs.writeFileSync(snapshotPath(tmp(), 6), 'garbage\n{}');
    fs.writeFileSync(snapshotPath(tmp(), 50), fs.readFileSync(snapshotPath(tmp(), 6)));
    const reopened = PartitionLog.open(tmp(), config());
    assert.equal(reopened.append(batch(4)).baseOffset, 4, 'state rebuilt from the log');
    assert.ok(!fs.existsSync(snapshotPath(tmp(), 50)), 'the snapshot past the log end is gone');
    assert.deepEqual(snapshotOffsets(tmp()), [6], 'a fresh snapshot replaces the damaged one');
  });

  it('forgets, at the next snapshot, producers silent for producer.id.expiration.ms (a day) without an open transaction', () => {
    let clock = 1_700_000_000_000;
    const log = PartitionLog.open(tmp(), config(), { now: () => clock });
    log.append(asProducerBatch(makeBatch('old', 1, { timestamp: clock }), 1, 0, 0));
    log.append(asProducerBatch(makeBatch('open', 1, { timestamp: clock }), 2, 0, 0, true));
    clock += 86_400_001;
    log.append(asProducerBatch(makeBatch('recent', 1, { timestamp: clock }), 3, 0, 0));
    log.close();
    const reopened = PartitionLog.open(tmp(), config(), { cleanShutdown: true, now: () => clock });
    assert.deepEqual(reopened.activeProducers().map((p) => p.producerId).sort(), [2, 3]);
    assert.equal(reopened.append(asProducerBatch(makeBatch('again', 1, { timestamp: clock }), 1, 0, 7)).baseOffset, 3, 'a forgotten producer starts afresh');
    reopened.close();
  });

  it('keeps open and aborted transactions (last stable offset, aborted list) across an unclean stop', () => {
    const log = PartitionLog.open(tmp(), config());
    log.append(asProducerBatch(makeBatch('plain', 1, { timestamp: Date.now() }), 1, 0, 0));
    log.append(batch(0, 2, true));
    log.writeTxnMarker({ producerId: PID, producerEpoch: 0, commit: false, coordinatorEpoch: 0 });
    log.append(batch(2, 2, true));
    assert.equal(log.lastStableOffset, 4);
    const reopened = PartitionLog.open(tmp(), config());
    assert.equal(reopened.lastStableOffset, 4, 'the open transaction still holds the last stable offset');
    assert.deepEqual(reopened.abortedTransactions(0, 10), [{ producerId: PID, firstOffset: 1, lastOffset: 3 }]);
    reopened.writeTxnMarker({ producerId: PID, producerEpoch: 0, commit: true, coordinatorEpoch: 0 });
    assert.equal(reopened.lastStableOffset, reopened.logEndOffset);
    assert.deepEqual(reopened.abortedTransactions(0, 10).length, 1, 'a commit adds nothing to the aborted list');
    reopened.close();
    assert.ok(fs.readdirSync(tmp()).some((f) => f === path.basename(snapshotPath(tmp(), 7))));
  });
});
