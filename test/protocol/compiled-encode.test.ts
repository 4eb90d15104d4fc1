import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import { decodeMessage, encodeMessage, MessageSchema, Reader, Writer } from '../../src/protocol/codec';
import { compiledEncoderFor } from '../../src/protocol/codec/compiled-encode';
import { encodeByInterpreter } from '../../src/protocol/codec/encode';
import { MESSAGE_SCHEMAS } from '../../src/protocol/generated';
import { nextRandom } from '../helpers/seeded-random';

const ODD_VALUES: unknown[] = [null, undefined, '', 'é'.repeat(20000), 0, -1, 1.5, 2 ** 31, 2 ** 32, -(2 ** 53), Number.NaN, true, {}, [], [null], Buffer.alloc(16), Buffer.alloc(3), 7n];

/** A copy of `value` with one leaf, array or struct somewhere inside replaced by an odd value. */
function mutated(value: unknown, random: { seed: number }): unknown {
  const copy = copyOf(value);
  const holders: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (node: unknown) => {
    if (Buffer.isBuffer(node) || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) node.forEach((child, i) => (holders.push([node, i]), walk(child)));
    else for (const [key, child] of Object.entries(node)) (holders.push([node as Record<string, unknown>, key]), walk(child));
  };
  walk(copy);
  if (holders.length === 0) return copy;
  const [holder, key] = holders[nextRandom(random) % holders.length];
  (holder as Record<string | number, unknown>)[key] = ODD_VALUES[nextRandom(random) % ODD_VALUES.length];
  return copy;
}

/** A deep copy that keeps Buffers Buffers (structuredClone makes them Uint8Arrays). */
function copyOf(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (Array.isArray(value)) return value.map(copyOf);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyOf(v)]));
  return value;
}

function bytesOrRefusal(encode: (writer: Writer) => void): string {
  const writer = new Writer();
  writer.writeInt16(0x5151); // something written before, which a refused attempt must leave as it was
  try {
    encode(writer);
    return writer.toBuffer().toString('hex');
  } catch {
    return `refused after ${writer.toBuffer().subarray(0, 2).toString('hex')}`;
  }
}

/** Values of the message: decoded from its default encoding with bytes changed, so most fields are away from defaults. */
function sampleValues(schema: MessageSchema<unknown>, version: number, random: { seed: number }): unknown[] {
  const valid = encodeMessage(schema, version, {}).toBuffer();
  const values: unknown[] = [{}];
  for (let i = 0; values.length < 4 && i < 200; i++) {
    const bytes = Buffer.from(valid);
    for (let flips = 0; flips < 3 && bytes.length > 0; flips++) bytes[nextRandom(random) % bytes.length] = nextRandom(random) & 0x7f;
    try {
      values.push(decodeMessage(schema, version, new Reader(bytes)));
    } catch {
      // not a message: try other bytes
    }
  }
  return values;
}

describe('the compiled encoder, against the interpreter', () => {
  it('writes the same bytes and refuses the same values, leaving the writer as it was, for every message and version', () => {
    const random = { seed: 0x51ed270b };
    let compared = 0;
    let refused = 0;
    for (const schema of MESSAGE_SCHEMAS) {
      for (let version = schema.versions[0]; version <= schema.versions[1]; version++) {
        const compiled = compiledEncoderFor(schema, version);
        for (const sample of sampleValues(schema, version, random)) {
          for (const value of [sample, mutated(sample, random), mutated(sample, random)]) {
            const expected = bytesOrRefusal((w) => encodeByInterpreter(schema, version, value, w));
            const got = bytesOrRefusal((w) => compiled(w, value));
            if (got.startsWith('refused') !== expected.startsWith('refused')) {
              assert.fail(`${schema.name} v${version}: the compiled encoder ${got.startsWith('refused') ? 'refused' : 'wrote'} ${inspect(value, { depth: 6 }).slice(0, 400)}`);
            }
            if (!got.startsWith('refused')) assert.equal(got, expected, `${schema.name} v${version}`);
            assert.equal(bytesOrRefusal((w) => encodeMessage(schema, version, value, w)), expected, `${schema.name} v${version}: encodeMessage`);
            compared++;
            if (expected.startsWith('refused')) refused++;
          }
        }
      }
    }
    assert.ok(refused > 500 && compared - refused > 3000, `${compared} compared, ${refused} refused: too few of one kind`);
  });
});
