import { strict as assert } from 'node:assert';
import { buildRecordBatch, decodeRecords, MalformedRecordError } from '../../src/protocol/records';
import { readBatchHeader, computeBatchCrc, BATCH_HEADER_SIZE } from '../../src/protocol/record-batch';
import { readZigzag, writeZigzag, zigzagSize } from '../../src/protocol/varint';

describe('varint', () => {
  it('round-trips zigzag values across byte-length boundaries', () => {
    const values = [0, -1, 1, 63, -64, 64, 8191, -8192, 2 ** 31 - 1, -(2 ** 31), 2 ** 40, -(2 ** 50)];
    const buffer = Buffer.alloc(16);
    for (const value of values) {
      const end = writeZigzag(buffer, 0, value);
      assert.equal(end, zigzagSize(value), `size of ${value}`);
      assert.deepEqual(readZigzag(buffer, 0, end), { value, next: end });
    }
    assert.deepEqual([...buffer.subarray(0, writeZigzag(buffer, 0, -1))], [1]);
    assert.deepEqual([...buffer.subarray(0, writeZigzag(buffer, 0, 150))], [0xac, 0x02]);
  });

  it('refuses a varint that runs past its end', () => {
    assert.throws(() => readZigzag(Buffer.from([0x80, 0x80]), 0, 2), /runs past the end/);
  });
});

describe('record batch v2', () => {
  it('builds a batch whose header, CRC and records read back', () => {
    const batch = buildRecordBatch(
      [
        { key: Buffer.from('a'), value: Buffer.from('one'), timestamp: 1000 },
        { key: null, value: null, timestamp: 1005, headers: [{ key: 'h', value: Buffer.from('v') }] },
        { value: Buffer.from('three'), timestamp: 999 },
      ],
      42,
    );
    const header = readBatchHeader(batch);
    assert.equal(header.baseOffset, 42);
    assert.equal(header.magic, 2);
    assert.equal(header.recordsCount, 3);
    assert.equal(header.lastOffsetDelta, 2);
    assert.equal(header.baseTimestamp, 1000);
    assert.equal(header.maxTimestamp, 1005);
    assert.equal(header.batchLength, batch.length - 12);
    assert.equal(header.crc, computeBatchCrc(batch, 0, batch.length));
    const records = decodeRecords(batch);
    assert.deepEqual(
      records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString() ?? null]),
      [
        [42, 1000, 'a', 'one'],
        [43, 1005, null, null],
        [44, 999, null, 'three'],
      ],
    );
    assert.deepEqual(records[1].headers.map((h) => [h.key, h.value?.toString()]), [['h', 'v']]);
  });

  it('names the batch and record when a record is malformed', () => {
    const batch = buildRecordBatch([{ value: Buffer.from('x') }, { value: Buffer.from('y') }], 7);
    batch[BATCH_HEADER_SIZE] = 0x7e; // first record's length now claims 63 bytes
    assert.throws(() => decodeRecords(batch), (e: unknown) => e instanceof MalformedRecordError && /offset 7, record 0/.test(e.message));
  });
});
