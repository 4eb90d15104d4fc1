import { strict as assert } from 'node:assert';
import { createAvroType, decodeAvroBinary } from '../../src/formats/avro-schema';
import { decodeUtf8Exactly, firstInvalidUtf8Byte, InvalidUtf8Error } from '../../src/formats/utf8';

/** An independent oracle: WHATWG's fatal decoder. */
function validByTextDecoder(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

describe('UTF-8 kept exactly', () => {
  it('names the first byte that is not well-formed UTF-8', () => {
    assert.equal(firstInvalidUtf8Byte(Buffer.from('plain ascii')), -1);
    assert.equal(firstInvalidUtf8Byte(Buffer.from('ünïcode – 日本 😀')), -1);
    assert.equal(firstInvalidUtf8Byte(Buffer.from('caf\xe9', 'latin1')), 3, 'Latin-1 é');
    assert.equal(firstInvalidUtf8Byte(Buffer.from([0xff, 0xfe, 0x7b])), 0);
    assert.equal(firstInvalidUtf8Byte(Buffer.from([0x61, 0xc0, 0xaf])), 1, 'overlong "/"');
    assert.equal(firstInvalidUtf8Byte(Buffer.from([0x61, 0x62, 0xed, 0xa0, 0x80])), 2, 'a UTF-16 surrogate');
    assert.equal(firstInvalidUtf8Byte(Buffer.from([0xf4, 0x90, 0x80, 0x80])), 0, 'above U+10FFFF');
    assert.equal(firstInvalidUtf8Byte(Buffer.from([0x61, 0xe2, 0x82])), 1, 'cut inside a sequence');
    assert.equal(firstInvalidUtf8Byte(Buffer.from([0xe2, 0x28, 0xa1])), 0, 'a continuation byte missing');
  });

  it('agrees with a fatal TextDecoder on 20,000 random byte strings', () => {
    const random = seeded(42);
    const alphabet = [0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x90, 0x8f, 0x9f];
    for (let n = 0; n < 20_000; n++) {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]));
      const bad = firstInvalidUtf8Byte(bytes);
      assert.equal(bad === -1, validByTextDecoder(bytes), bytes.toString('hex'));
      if (bad >= 0) {
        assert.ok(validByTextDecoder(bytes.subarray(0, bad)) || bytes.subarray(0, bad).length === 0, `the bytes before ${bad} are valid: ${bytes.toString('hex')}`);
      }
    }
  });

  it('decodes exactly or throws InvalidUtf8Error naming what and where', () => {
    assert.equal(decodeUtf8Exactly(Buffer.from('ok ü'), 'value'), 'ok ü');
    assert.throws(() => decodeUtf8Exactly(Buffer.from('{"a":"caf\xe9"}', 'latin1'), 'value'), (e: unknown) => e instanceof InvalidUtf8Error && e.message === 'value: invalid UTF-8 at byte 9');
  });

  it('refuses Avro strings and map keys that are not UTF-8, instead of decoding them into U+FFFD', () => {
    const type = createAvroType({ type: 'record', name: 'R', fields: [{ name: 's', type: 'string' }, { name: 'm', type: { type: 'map', values: 'int' } }, { name: 'u', type: ['null', 'string'] }] });
    const good = type.toBuffer({ s: 'ünï', m: { 'clé': 1 }, u: 'x' });
    assert.deepEqual({ ...(decodeAvroBinary(type, good) as object) }, { s: 'ünï', m: { 'clé': 1 }, u: 'x' });
    const latin1 = (text: string) => Buffer.from(text, 'latin1');
    const encode = (s: Buffer, key: Buffer, u: Buffer) => Buffer.concat([Buffer.from([s.length * 2]), s, Buffer.from([2, key.length * 2]), key, Buffer.from([2, 0]), Buffer.from([2, u.length * 2]), u]);
    assert.deepEqual({ ...(decodeAvroBinary(type, encode(Buffer.from('a'), Buffer.from('k'), Buffer.from('u'))) as object) }, { s: 'a', m: { k: 1 }, u: 'u' }, 'the hand-built encoding is right');
    assert.throws(() => decodeAvroBinary(type, encode(latin1('caf\xe9'), Buffer.from('k'), Buffer.from('u'))), /invalid UTF-8 at byte 4/);
    assert.throws(() => decodeAvroBinary(type, encode(Buffer.from('a'), latin1('cl\xe9'), Buffer.from('u'))), /invalid UTF-8 at byte 6/);
    assert.throws(() => decodeAvroBinary(type, encode(Buffer.from('a'), Buffer.from('k'), Buffer.from([0xff]))), /invalid UTF-8 at byte 9/);
  });
});
