import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OffsetIndex } from '../../src/log/offset-index';
import { TimeIndex } from '../../src/log/time-index';
import { useTempDir } from '../helpers/temp-dir';

describe('offset index', () => {
  const tmp = useTempDir();

  it('finds the last entry at or before an offset, else the segment start', () => {
    const index = new OffsetIndex(path.join(tmp(), 'a.index'), 100, 1024);
    index.append(109, 4100);
    index.append(119, 8300);
    index.append(129, 12500);
    assert.deepEqual(index.lookup(100), { offset: 100, position: 0 });
    assert.deepEqual(index.lookup(108), { offset: 100, position: 0 });
    assert.deepEqual(index.lookup(109), { offset: 109, position: 4100 });
    assert.deepEqual(index.lookup(125), { offset: 119, position: 8300 });
    assert.deepEqual(index.lookup(10_000), { offset: 129, position: 12500 });
    index.close();
  });

  it('stores 4-byte relative offsets and 4-byte positions, and reloads them', () => {
    const file = path.join(tmp(), 'b.index');
    const index = new OffsetIndex(file, 1000, 1024);
    index.append(1005, 77);
    index.close();
    assert.deepEqual([...fs.readFileSync(file)], [0, 0, 0, 5, 0, 0, 0, 77]);
    const reopened = new OffsetIndex(file, 1000, 1024);
    assert.deepEqual(reopened.lastEntry(), { offset: 1005, position: 77 });
    reopened.close();
  });

  it('drops a torn trailing entry on open and truncates from an offset', () => {
    const file = path.join(tmp(), 'c.index');
    const index = new OffsetIndex(file, 0, 1024);
    for (let i = 1; i <= 5; i++) index.append(i * 10, i * 1000);
    index.close();
    fs.appendFileSync(file, Buffer.from([1, 2, 3]));
    const reopened = new OffsetIndex(file, 0, 1024);
    assert.equal(reopened.entries, 5);
    reopened.truncateFrom(30);
    assert.equal(reopened.entries, 2);
    assert.deepEqual(reopened.lastEntry(), { offset: 20, position: 2000 });
    reopened.close();
    assert.equal(fs.statSync(file).size, 16);
  });

  it('reports full at segment.index.bytes', () => {
    const index = new OffsetIndex(path.join(tmp(), 'd.index'), 0, 24);
    index.append(1, 1);
    index.append(2, 2);
    assert.equal(index.isFull, false);
    index.append(3, 3);
    assert.equal(index.isFull, true);
    index.close();
  });
});

describe('time index', () => {
  const tmp = useTempDir();

  it('only grows, and finds the last entry strictly before a timestamp', () => {
    const index = new TimeIndex(path.join(tmp(), 'a.timeindex'), 50, 1024);
    index.maybeAppend(1000, 59);
    index.maybeAppend(900, 69); // older: ignored, as in Kafka
    index.maybeAppend(2000, 79);
    index.maybeAppend(2000, 89); // equal: ignored
    assert.equal(index.entries, 2);
    assert.equal(index.lookupBefore(1000), undefined);
    assert.deepEqual(index.lookupBefore(1001), { timestamp: 1000, offset: 59 });
    assert.deepEqual(index.lookupBefore(5000), { timestamp: 2000, offset: 79 });
    index.truncateFrom(79);
    assert.equal(index.entries, 1);
    index.close();
  });

  it('writes 8-byte timestamps with 4-byte relative offsets', () => {
    const file = path.join(tmp(), 'b.timeindex');
    const index = new TimeIndex(file, 10, 1024);
    index.maybeAppend(2 ** 40 + 3, 12);
    index.close();
    assert.deepEqual([...fs.readFileSync(file)], [0, 0, 1, 0, 0, 0, 0, 3, 0, 0, 0, 2]);
    const reopened = new TimeIndex(file, 10, 1024);
    assert.deepEqual(reopened.lastEntry(), { timestamp: 2 ** 40 + 3, offset: 12 });
    reopened.close();
  });
});
