import { strict as assert } from 'node:assert';
import { murmur2, partitionForKey } from '../../src/client/murmur2';

describe('murmur2 partitioner', () => {
  it('matches the Java client on the vectors in Kafka\'s UtilsTest', () => {
    const cases: [string | number[], number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      [[0x61, 0x62, 0x63], 479470107],
    ];
    for (const [input, expected] of cases) {
      const bytes = typeof input === 'string' ? Buffer.from(input) : Buffer.from(input);
      assert.equal(murmur2(bytes), expected, String(input));
    }
  });

  it('maps keys to partitions in range, the same way every time', () => {
    for (let i = 0; i < 1000; i++) {
      const key = Buffer.from(`user-${i}`);
      const p = partitionForKey(key, 7);
      assert.ok(p >= 0 && p < 7);
      assert.equal(partitionForKey(key, 7), p);
    }
  });
});
