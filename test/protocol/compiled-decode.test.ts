import { strict as assert } from 'node:assert';
import { encodeMessage, MessageSchema, Reader } from '../../src/protocol/codec';
import { compiledDecoderOf, decodeByInterpreter } from '../../src/protocol/codec/decode';
import { MESSAGE_SCHEMAS } from '../../src/protocol/generated';
import { nextRandom } from '../helpers/seeded-random';

type Outcome = { ok: true; value: unknown; offset: number } | { ok: false };

function outcome(decode: (reader: Reader) => unknown, bytes: Buffer): Outcome {
  const reader = new Reader(bytes);
  try {
    const value = decode(reader);
    return { ok: true, value, offset: reader.offset };
  } catch {
    return { ok: false };
  }
}

/** Bytes near a valid message: its default encoding with bytes changed, cut short or extended, or random bytes. */
function nearMessage(schema: MessageSchema<unknown>, version: number, random: { seed: number }, i: number): Buffer {
  const valid = encodeMessage(schema, version, {}).toBuffer();
  if (i % 4 === 3) return Buffer.from(Array.from({ length: (nextRandom(random) % 48) + 1 }, () => nextRandom(random) & 0xff));
  const bytes = Buffer.concat([valid, Buffer.from(Array.from({ length: i % 4 === 2 ? nextRandom(random) % 16 : 0 }, () => nextRandom(random) & 0xff))]);
  for (let flips = nextRandom(random) % 3; flips >= 0 && bytes.length > 0; flips--) {
    const at = nextRandom(random) % bytes.length;
    bytes[at] = [0x00, 0xff, 0x01, 0x7f, 0x80, nextRandom(random) & 0xff][nextRandom(random) % 6];
  }
  // Lengths of -1 (null) and below: the only values of a length field with their own meaning.
  const special = [-1, -2, 0x7fff + 1, 1 << 20][nextRandom(random) % 4];
  const at = bytes.length > 4 ? nextRandom(random) % (bytes.length - 3) : -1;
  if (at >= 0 && i % 8 === 0) bytes.writeInt16BE(Math.max(-0x8000, Math.min(0x7fff, special)), at);
  if (at >= 0 && i % 8 === 4) bytes.writeInt32BE(special, at);
  return i % 4 === 1 ? bytes.subarray(0, nextRandom(random) % (bytes.length + 1)) : bytes;
}

describe('the compiled decoder, against the interpreter', () => {
  it('accepts exactly what the interpreter accepts, with the same values and the same end, for every message and version', () => {
    const random = { seed: 0x9e3779b9 };
    let bothAccepted = 0;
    for (const schema of MESSAGE_SCHEMAS) {
      for (let version = schema.versions[0]; version <= schema.versions[1]; version++) {
        const compiled = compiledDecoderOf(schema, version);
        for (let i = 0; i < 120; i++) {
          const bytes = nearMessage(schema, version, random, i);
          const expected = outcome((r) => decodeByInterpreter(schema, version, r), bytes);
          const got = outcome(compiled, bytes);
          const where = `${schema.name} v${version}, bytes ${bytes.toString('hex')}`;
          assert.equal(got.ok, expected.ok, `${where}: the compiled decoder ${got.ok ? 'accepted' : 'refused'} them`);
          if (got.ok && expected.ok) {
            assert.deepStrictEqual(got.value, expected.value, where);
            assert.equal(got.offset, expected.offset, where);
            bothAccepted++;
          }
        }
      }
    }
    assert.ok(bothAccepted > 5000, `only ${bothAccepted} inputs were valid messages: the comparison says little`);
  });

  it('refuses a string longer than Kafka\'s 32767 bytes, as the interpreter does', () => {
    const schema = MESSAGE_SCHEMAS.find((s) => s.name === 'ProduceRequest')!;
    const valid = encodeMessage(schema, 3, { transactionalId: 'x' }).toBuffer(); // int16 length 1, 'x', the rest
    const length = Buffer.alloc(2);
    for (const bytes of [0x7fff, 0x8000]) {
      length.writeInt16BE(bytes === 0x8000 ? -0x8000 : bytes); // 0x8000 as int16 is negative: a bad length either way
      const long = Buffer.concat([length, Buffer.alloc(bytes, 'a'), valid.subarray(3)]);
      const expected = outcome((r) => decodeByInterpreter(schema, 3, r), long);
      assert.equal(outcome(compiledDecoderOf(schema, 3), long).ok, expected.ok, `a string of ${bytes} bytes`);
    }
    const flexible = encodeMessage(schema, 9, { transactionalId: 'x' }).toBuffer(); // uvarint length + 1 = 2, 'x', the rest
    for (const bytes of [0x7fff, 0x8000]) {
      const prefix = Buffer.from([((bytes + 1) & 0x7f) | 0x80, ((bytes + 1) >> 7) & 0x7f | ((bytes + 1) >> 14 ? 0x80 : 0), ...((bytes + 1) >> 14 ? [(bytes + 1) >> 14] : [])]);
      const long = Buffer.concat([prefix, Buffer.alloc(bytes, 'a'), flexible.subarray(2)]);
      const expected = outcome((r) => decodeByInterpreter(schema, 9, r), long);
      assert.equal(expected.ok, bytes === 0x7fff, `the interpreter on a compact string of ${bytes} bytes`);
      assert.equal(outcome(compiledDecoderOf(schema, 9), long).ok, expected.ok, `a compact string of ${bytes} bytes`);
    }
  });

  it('gives each decode fresh defaults, so that a caller changing one result cannot change the next', () => {
    const schema = MESSAGE_SCHEMAS.find((s) => s.name === 'FetchRequest')!;
    const bytes = encodeMessage(schema, 4, {}).toBuffer(); // v4 has no forgottenTopicsData on the wire: it is a default
    const first = compiledDecoderOf(schema, 4)(new Reader(bytes)) as { forgottenTopicsData: unknown[] };
    first.forgottenTopicsData.push({ topic: 'changed' });
    const second = compiledDecoderOf(schema, 4)(new Reader(bytes)) as { forgottenTopicsData: unknown[] };
    assert.deepStrictEqual(second.forgottenTopicsData, []);
  });
});
