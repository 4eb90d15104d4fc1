import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { CRC32C_IMPLEMENTATION, crc32c, crc32cInJs } from '../../src/protocol/crc32c';

describe('crc32c', () => {
  it('matches the Castagnoli check value and RFC 3720 vectors', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32c(Buffer.alloc(32, 0)), 0x8a9136aa);
    assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
    const ascending = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    assert.equal(crc32c(ascending), 0x46dd794e);
  });

  it('agrees between the 8-byte loop and the byte loop for every length and start', () => {
    const data = Buffer.from(Array.from({ length: 40 }, (_, i) => (i * 37 + 11) & 0xff));
    const bytewise = (start: number, end: number) => {
      let crc = -1;
      for (let i = start; i < end; i++) {
        crc ^= data[i];
        for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
      }
      return (crc ^ -1) >>> 0;
    };
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= data.length; end++) assert.equal(crc32c(data, start, end), bytewise(start, end), `${start}..${end}`);
    }
  });

  it('gives the same value natively (@node-rs/crc32, from 256 bytes) as in JS, on views at any offset', () => {
    assert.equal(CRC32C_IMPLEMENTATION, 'native', '@node-rs/crc32 is a dependency; its linux-x64 binary should load');
    const data = randomBytes(300_000);
    for (const [start, end] of [[0, 256], [1, 257], [3, 4099], [7, 110_007], [0, data.length], [255, 300_000]]) {
      assert.equal(crc32c(data, start, end), crc32cInJs(data, start, end), `${start}..${end}`);
      const view = new Uint8Array(data.buffer, data.byteOffset + 5, data.length - 5);
      assert.equal(crc32c(view, start, end - 5), crc32cInJs(view, start, end - 5), `view ${start}..${end - 5}`);
    }
  });
});
