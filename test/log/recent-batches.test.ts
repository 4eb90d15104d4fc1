import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { LogSegment } from '../../src/log/segment';
import { RECENT_BATCHES } from '../../src/log/recent-batches';
import { validateAppend, assignOffsets } from '../../src/log/append-validation';
import type { BatchLocation } from '../../src/log/segment-view';
import { readBatchHeader } from '../../src/protocol/record-batch';
import { makeBatch } from '../helpers/batches';
import { useTempDir } from '../helpers/temp-dir';

const settings = { indexIntervalBytes: 4096, segmentIndexBytes: 1 << 20 };

function appendBatch(segment: LogSegment, batch: Buffer): void {
  const validated = validateAppend(batch, 1 << 20, 1 << 30);
  segment.append(batch, assignOffsets(batch, validated, segment.nextOffset));
}

/** What a scan of the whole file finds: the first batch whose last offset is ≥ `offset`. */
function scanned(segment: LogSegment, offset: number): BatchLocation | undefined {
  for (const loc of segment.batchesFrom(0)) if (loc.lastOffset >= offset) return loc;
  return undefined;
}

describe('recent batches: a fetch near the log end finds its batch in memory', () => {
  const tmp = useTempDir();

  it('finds the batch a scan of the file finds, for every offset, before and after a reopen and a recovery', () => {
    const dir = tmp();
    let segment = LogSegment.open(dir, 1000, settings);
    // More batches than are remembered, of 1 to 4 records, so old offsets are answered by the index and a scan.
    const batches = RECENT_BATCHES + 150;
    for (let b = 0; b < batches; b++) appendBatch(segment, makeBatch(`b${b}`, 1 + (b % 4), { valueBytes: 20, timestamp: 10_000 + b }));
    const end = segment.nextOffset;
    const check = (label: string) => {
      for (let offset = 1000; offset <= end + 2; offset++) assert.deepEqual(segment.findBatch(offset), scanned(segment, offset), `${label}: findBatch(${offset})`);
      const tail = segment.read(end - 1, 1)!;
      assert.equal(readBatchHeader(tail).baseOffset + readBatchHeader(tail).lastOffsetDelta, end - 1, `${label}: read at the log end`);
      assert.equal(segment.read(end, 1000), undefined, `${label}: nothing past the end`);
    };
    check('appended');
    segment.close();
    segment = LogSegment.open(dir, 1000, settings);
    check('reopened');
    // A torn tail: recovery truncates it, and what is remembered ends where the file now ends.
    fs.appendFileSync(segment.logPath, Buffer.alloc(30, 7));
    segment.close();
    segment = LogSegment.open(dir, 1000, settings);
    const result = segment.recover(true, 1 << 20);
    assert.equal(result.truncatedBytes, 30);
    check('recovered');
    appendBatch(segment, makeBatch('after', 2, { valueBytes: 20, timestamp: 20_000 }));
    assert.equal(segment.findBatch(end + 1)?.baseOffset, end, 'the batch appended after recovery');
    segment.close();
  });
});
