import { strict as assert } from 'node:assert';
import { recordsFrom } from '../../src/client/fetched-records';
import { buildControlBatch } from '../../src/protocol/control-batch';
import { BATCH_HEADER_SIZE, CRC_POS, computeBatchCrc, writeBaseOffset } from '../../src/protocol/record-batch';
import { asProducerBatch, makeBatch } from '../helpers/batches';
import { compressedBatch } from '../helpers/compressed-batches';

describe('recordsFrom (decoding fetched batches)', () => {
  it('skips transaction markers (control batches) but moves past them', () => {
    const first = makeBatch('a', 2);
    const marker = buildControlBatch({ producerId: 5, producerEpoch: 0, commit: true, coordinatorEpoch: 0 });
    const last = makeBatch('b', 1);
    writeBaseOffset(marker, 0, 2);
    writeBaseOffset(last, 0, 3);
    const { records, nextOffset } = recordsFrom(Buffer.concat([first, marker, last]), 0);
    assert.deepEqual(records.map((r) => `${r.offset}:${r.value?.toString()}`), ['0:a:0', '1:a:1', '3:b:0']);
    assert.equal(nextOffset, 4);
    assert.equal(recordsFrom(marker, 2).nextOffset, 3, 'a fetch holding only a marker still makes progress');
  });
});

describe('recordsFrom under read_committed (the fetch answer\'s aborted transactions)', () => {
  const A = 10; // a transactional producer that aborts twice and commits once
  const B = 11; // another, committing while A's first transaction is open
  const IDEMPOTENT = 12; // a producer id on a batch that is not transactional

  const at = (batch: Buffer, offset: number) => {
    writeBaseOffset(batch, 0, offset);
    return batch;
  };
  const plain = (label: string, count: number, offset: number) => at(makeBatch(label, count), offset);
  const transactional = (batch: Buffer, producerId: number, offset: number) => at(asProducerBatch(batch, producerId, 0, offset, true), offset);
  const txn = (label: string, count: number, producerId: number, offset: number) => transactional(makeBatch(label, count), producerId, offset);
  const marker = (producerId: number, commit: boolean, offset: number) => at(buildControlBatch({ producerId, producerEpoch: 0, commit, coordinatorEpoch: 0 }), offset);

  // offset: 0-1 plain, 2-4 A (aborted), 5-6 B, 7 idempotent, 8 A ABORT, 9-10 B, 11 B COMMIT, 12-13 A, 14 A COMMIT,
  // 15 plain, 16-17 A (aborted), 18 A ABORT
  const log = Buffer.concat([
    plain('p0', 2, 0), txn('a1', 3, A, 2), txn('b1', 2, B, 5), at(asProducerBatch(makeBatch('i', 1), IDEMPOTENT, 0, 0), 7), marker(A, false, 8),
    txn('b2', 2, B, 9), marker(B, true, 11), txn('a2', 2, A, 12), marker(A, true, 14), plain('p1', 1, 15), txn('a3', 2, A, 16), marker(A, false, 18),
  ]);
  // As a broker lists them: A's two aborted transactions, and one of B's that starts after this answer (no effect here).
  const aborted = [{ producerId: A, firstOffset: 16 }, { producerId: B, firstOffset: 100 }, { producerId: A, firstOffset: 2 }];
  const values = (fetched: { records: { offset: number; value: Buffer | null }[] }) => fetched.records.map((r) => `${r.offset}:${r.value?.toString()}`);

  it('drops each aborted transaction from its first offset to its producer\'s ABORT marker, keeping everyone else\'s records', () => {
    const fetched = recordsFrom(log, 0, { abortedTransactions: aborted });
    assert.deepEqual(values(fetched), ['0:p0:0', '1:p0:1', '5:b1:0', '6:b1:1', '7:i:0', '9:b2:0', '10:b2:1', '12:a2:0', '13:a2:1', '15:p1:0']);
    assert.equal(fetched.skippedOffsets, 3 + 2 + 4, 'the aborted records (2-4, 16-17) and the four markers');
    assert.equal(fetched.nextOffset, 19);
    assert.equal(fetched.records.length + fetched.skippedOffsets, 19, 'every offset is a record or skipped');
  });

  it('counts only offsets from the fetch offset on, and before the range\'s end', () => {
    const fromInside = recordsFrom(log, 3, { abortedTransactions: aborted });
    assert.equal(values(fromInside)[0], '5:b1:0', 'the aborted batch holding the fetch offset is dropped whole');
    assert.equal(fromInside.skippedOffsets, 2 + 2 + 4, 'offsets 3-4 of the first aborted batch, not 2');
    assert.equal(fromInside.records.length + fromInside.skippedOffsets, 19 - 3);
    assert.equal(recordsFrom(log, 0, { abortedTransactions: aborted, endOffset: 12 }).skippedOffsets, 3 + 2, 'offsets 2-4 and the markers at 8 and 11');
    assert.equal(recordsFrom(log, 0, { abortedTransactions: aborted, endOffset: 17 }).skippedOffsets, 3 + 3 + 1, 'and the first offset of the batch at 16-17');
  });

  it('keeps aborted records under read_uncommitted, and an answer listing none aborts nothing', () => {
    const uncommitted = recordsFrom(log, 0);
    assert.equal(uncommitted.records.length, 15, 'all 15 data records');
    assert.equal(uncommitted.skippedOffsets, 4, 'the markers only: they are not records');
    assert.equal(recordsFrom(log, 0, { abortedTransactions: null }).records.length, 15);
    assert.equal(recordsFrom(log, 0, { abortedTransactions: [] }).skippedOffsets, 4);
  });

  it('drops an aborted compressed batch without decompressing it, and decodes a committed one', () => {
    const records = [0, 1, 2].map((i) => ({ key: null, value: Buffer.from(`z${i}`), timestamp: 1_700_000_000_000 }));
    const damaged = transactional(compressedBatch(records, 'zstd'), A, 0);
    damaged.fill(0, BATCH_HEADER_SIZE);
    damaged.writeUInt32BE(computeBatchCrc(damaged, 0, damaged.length), CRC_POS);
    const committed = transactional(compressedBatch(records, 'lz4'), B, 3);
    const answer = Buffer.concat([damaged, committed, marker(A, false, 6), marker(B, true, 7)]);
    const fetched = recordsFrom(answer, 0, { abortedTransactions: [{ producerId: A, firstOffset: 0 }], collectUndecodable: true });
    assert.deepEqual(fetched.undecodable, []);
    assert.deepEqual(values(fetched), ['3:z0', '4:z1', '5:z2']);
    assert.equal(fetched.skippedOffsets, 3 + 2);
    const uncommitted = recordsFrom(answer, 0, { collectUndecodable: true });
    assert.deepEqual(uncommitted.undecodable?.map((bad) => bad.baseOffset), [0], 'read_uncommitted has to decode it, and cannot');
    assert.equal(uncommitted.records.length, 3);
  });

  it('checks a batch before asking whether it is aborted: a bad CRC is a dead letter either way', () => {
    const aborting = txn('a', 2, A, 0);
    aborting.writeUInt32BE((aborting.readUInt32BE(CRC_POS) ^ 1) >>> 0, CRC_POS);
    const answer = Buffer.concat([aborting, marker(A, false, 2), plain('p', 1, 3)]);
    const fetched = recordsFrom(answer, 0, { abortedTransactions: [{ producerId: A, firstOffset: 0 }], collectUndecodable: true });
    assert.deepEqual(fetched.undecodable?.map((bad) => [bad.baseOffset, bad.lastOffset]), [[0, 1]]);
    assert.deepEqual(values(fetched), ['3:p:0']);
    assert.equal(fetched.skippedOffsets, 1, 'the marker only');
  });
});
