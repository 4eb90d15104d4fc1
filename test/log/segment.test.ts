import { strict as assert } from 'node:assert';
import { LogSegment } from '../../src/log/segment';
import { validateAppend, assignOffsets } from '../../src/log/append-validation';
import { decodeRecords } from '../../src/protocol/records';
import { readBatchHeader } from '../../src/protocol/record-batch';
import { makeBatch } from '../helpers/batches';
import { useTempDir } from '../helpers/temp-dir';

const settings = { indexIntervalBytes: 100, segmentIndexBytes: 1 << 20 };

function appendBatch(segment: LogSegment, batch: Buffer): void {
  const validated = validateAppend(batch, 1 << 20, 1 << 30);
  segment.append(batch, assignOffsets(batch, validated, segment.nextOffset));
}

describe('log segment', () => {
  const tmp = useTempDir();

  it('appends batches, indexes them sparsely and reads whole batches from any offset', () => {
    const segment = LogSegment.open(tmp(), 0, settings);
    for (let b = 0; b < 20; b++) appendBatch(segment, makeBatch(`b${b}`, 5, { valueBytes: 30, timestamp: 1000 + b }));
    assert.equal(segment.nextOffset, 100);
    assert.ok(segment.offsetIndex.entries >= 10, `index has ${segment.offsetIndex.entries} entries`);
    assert.ok(segment.offsetIndex.entries < 20, 'the first batch is not indexed: the index is sparse');
    for (const offset of [0, 4, 5, 37, 99]) {
      const data = segment.read(offset, 1)!;
      const header = readBatchHeader(data);
      assert.equal(header.baseOffset, offset - (offset % 5), `read(${offset}) starts at its batch`);
      assert.equal(data.length, header.batchLength + 12, 'maxBytes smaller than a batch still returns it whole');
    }
    const twoBatches = segment.read(10, segment.read(10, 1)!.length * 2 + 3)!;
    assert.deepEqual(decodeRecords(twoBatches).map((r) => r.offset), [10, 11, 12, 13, 14]);
    assert.equal(readBatchHeader(twoBatches, twoBatches.length / 2).baseOffset, 15);
    assert.equal(segment.read(100, 1000), undefined);
    segment.close();
  });

  it('reopens with its end offset and timestamps from the index tail', () => {
    const segment = LogSegment.open(tmp(), 500, settings);
    for (let b = 0; b < 7; b++) appendBatch(segment, makeBatch(`b${b}`, 3, { timestamp: 5000 - b }));
    segment.close();
    const reopened = LogSegment.open(tmp(), 500, settings);
    assert.equal(reopened.nextOffset, 521);
    assert.equal(reopened.maxTimestamp, 5000);
    assert.equal(reopened.firstBatchTimestamp, 5000);
    assert.ok(reopened.indexesAreConsistent());
    reopened.close();
  });

  it('finds the first offset at or after a timestamp, to the record', () => {
    const segment = LogSegment.open(tmp(), 0, settings);
    for (let b = 0; b < 10; b++) appendBatch(segment, makeBatch(`b${b}`, 4, { timestamp: 10_000 + b * 100 }));
    assert.equal(segment.offsetForTimestamp(0)?.offset, 0);
    assert.equal(segment.offsetForTimestamp(10_000)?.offset, 0);
    assert.equal(segment.offsetForTimestamp(10_001)?.offset, 4);
    assert.equal(segment.offsetForTimestamp(10_500)?.offset, 20);
    assert.equal(segment.offsetForTimestamp(10_900)?.offset, 36);
    assert.equal(segment.offsetForTimestamp(10_901), undefined);
    segment.close();
  });
});
