import { strict as assert } from 'node:assert';
import { nativeAddon } from '../../src/protocol/native-addon';
import { appendBatchRecords, RecordColumns } from '../../src/protocol/record-columns';
import { buildRecordBatch, RecordInput } from '../../src/protocol/records';

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}

/** What a read of the batch gives: its columns, or the error's message. */
function read(batch: Buffer, withNative: boolean, from = -Infinity, to = Infinity): unknown {
  const columns = new RecordColumns();
  columns.push(7, 8, -1); // a record already there: the batch's go after it
  try {
    appendBatchRecords(columns, batch, 0, from, to, withNative);
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
  const rows = [];
  for (let i = 0; i < columns.length; i++) rows.push({ ...columns.record(i), keyBuffer: columns.keyBuffers[i], valueBuffer: columns.valueBuffers[i] });
  return { length: columns.length, buffers: columns.buffers.length, rows };
}

describe('the native record loop against the JS one', () => {
  it('is built (npm run build:native)', () => assert.ok(nativeAddon()?.appendRecords));

  it('reads every batch, whole or mutated, as the JS loop reads it, errors included', () => {
    const random = seeded(12);
    let native = 0;
    let errors = 0;
    for (let n = 0; n < 3000; n++) {
      const count = 1 + Math.floor(random() * 20);
      const records: RecordInput[] = [];
      for (let r = 0; r < count; r++) {
        const size = Math.floor(random() * (random() < 0.1 ? 400 : 40));
        records.push({
          key: random() < 0.3 ? null : Buffer.from(`k${r}`),
          value: random() < 0.1 ? null : Buffer.alloc(size, 0x61 + (r % 26)),
          timestamp: 1_767_225_600_000 + Math.floor(random() * 1e6) - 5e5,
          ...(random() < 0.03 ? { headers: [{ key: 'h', value: Buffer.from('v') }] } : {}),
        });
      }
      const batch = buildRecordBatch(records, Math.floor(random() * 1e9));
      if (n % 7 === 3) batch.writeInt16BE(batch.readInt16BE(21) | 0x08, 21); // LogAppendTime
      const mutants = [batch];
      for (let m = 0; m < 3; m++) {
        const copy = Buffer.from(batch);
        const at = 61 + Math.floor(random() * (copy.length - 61));
        copy[at] = random() < 0.5 ? Math.floor(random() * 256) : copy[at] ^ (1 << Math.floor(random() * 8));
        mutants.push(copy);
      }
      for (const bytes of mutants) {
        const [from, to] = random() < 0.3 ? [bytes.readBigInt64BE(0) + 2n, bytes.readBigInt64BE(0) + 9n].map(Number) : [-Infinity, Infinity];
        const expected = read(bytes, false, from, to);
        assert.deepEqual(read(bytes, true, from, to), expected, `batch ${n}`);
        if (typeof expected === 'string') errors++;
        const body = Buffer.from(bytes);
        if (typeof expected !== 'string' && nativeAddon()!.appendRecords(body, 61, body.length, body.readInt32BE(57), 0, 0, 0, -Infinity, Infinity,
          new Float64Array(100), new Float64Array(100), new Int32Array(100), new Int32Array(100), new Int32Array(100), new Int32Array(100), 0) >= 0) native++;
      }
    }
    // Most batches have no headers and take the native loop; a fair share of mutants are errors the JS loop names.
    assert.ok(native > 5000 && errors > 500, `native ${native}, errors ${errors}`);
  });
});
