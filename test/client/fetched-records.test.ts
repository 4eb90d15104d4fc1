import { strict as assert } from 'node:assert';
import { recordsFrom } from '../../src/client/fetched-records';
import { buildControlBatch } from '../../src/protocol/control-batch';
import { writeBaseOffset } from '../../src/protocol/record-batch';
import { makeBatch } from '../helpers/batches';

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
