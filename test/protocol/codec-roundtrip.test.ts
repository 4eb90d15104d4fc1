import { strict as assert } from 'node:assert';
import {
  decodeMessage,
  encodeMessage,
  FieldSchema,
  MessageSchema,
  ProtocolDecodeError,
  Reader,
} from '../../src/protocol/codec';
import { MESSAGE_SCHEMAS, SUPPORTED_APIS } from '../../src/protocol/generated';
import { GENERATED_APIS, GENERATED_HEADERS } from '../../scripts/generate-protocol';

type Struct = Record<string, unknown>;

/** What to encode, and what decoding it must give back. */
interface Sample {
  input: unknown;
  expected: unknown;
}

function inRange(range: readonly [number, number] | undefined, version: number): boolean {
  return range !== undefined && version >= range[0] && version <= range[1];
}

/** Kafka's default rules, written out independently of src/protocol/codec/defaults.ts. */
function specDefault(field: FieldSchema): unknown {
  if (field.default !== undefined) return field.default;
  if (field.kind === 'struct') return Object.fromEntries((field.fields ?? []).map((f) => [f.name, specDefault(f)]));
  const byKind: Record<string, () => unknown> = {
    bool: () => false,
    string: () => '',
    bytes: () => Buffer.alloc(0),
    records: () => null,
    uuid: () => Buffer.alloc(16),
    array: () => [],
  };
  return field.kind in byKind ? byKind[field.kind]() : 0;
}

/**
 * Deterministic sample values: every number distinct, strings with multi-byte UTF-8, two-element
 * arrays, some nulls where nullable, tagged fields away from their defaults, values for absent fields
 * that the encoder must ignore, and some undefined fields that must come back as defaults.
 */
class SampleBuilder {
  private counter = 0;

  constructor(private readonly version: number) {}

  struct(fields: readonly FieldSchema[]): { input: Struct; expected: Struct } {
    const input: Struct = {};
    const expected: Struct = {};
    for (const field of fields) {
      const n = ++this.counter;
      const tagged = field.tag !== undefined && inRange(field.taggedVersions, this.version);
      if (!inRange(field.versions, this.version)) {
        if (n % 2 === 0) input[field.name] = this.value(field, field.kind, false).input;
        expected[field.name] = specDefault(field);
      } else if (!tagged && n % 7 === 0 && (specDefault(field) !== null || inRange(field.nullableVersions, this.version))) {
        expected[field.name] = specDefault(field);
      } else {
        const sample = this.value(field, field.kind, tagged);
        input[field.name] = sample.input;
        expected[field.name] = sample.expected;
      }
    }
    return { input, expected };
  }

  private value(field: FieldSchema, kind: string, mustDifferFromDefault: boolean): Sample {
    const n = ++this.counter;
    const sign = n % 2 === 0 ? 1 : -1;
    const nullable = kind === field.kind && inRange(field.nullableVersions, this.version);
    if (nullable && !mustDifferFromDefault && n % 3 === 0) return { input: null, expected: null };
    const same = (value: unknown): Sample => ({ input: value, expected: value });
    switch (kind) {
      case 'bool':
        return same(field.default !== true);
      case 'int8':
        return same(sign * (n % 100 + 2));
      case 'int16':
        return same(sign * (1000 + n));
      case 'uint16':
        return same(40000 + n);
      case 'int32':
        return same(sign * (2 ** 30 + n));
      case 'uint32':
        return same(3_000_000_000 + n);
      case 'int64':
        return same(sign * (2 ** 40 + n));
      case 'float64':
        return same(n + 0.25);
      case 'string':
        return same(`s${n}-é`);
      case 'bytes':
        return same(Buffer.from([n & 0xff, 1, 2]));
      case 'records':
        return same(Buffer.from(`records-${n}`));
      case 'uuid':
        return same(Buffer.alloc(16, n & 0xff));
      case 'struct':
        return this.struct(field.fields ?? []);
      case 'array': {
        const elements = [0, 1].map(() => this.value(field, field.elementKind ?? 'struct', false));
        return { input: elements.map((e) => e.input), expected: elements.map((e) => e.expected) };
      }
      default:
        throw new Error(`no sample for kind ${kind}`);
    }
  }
}

function versionsOf(schema: MessageSchema<unknown>): number[] {
  const [first, last] = schema.versions;
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

describe('codec round trip over every generated message and version', () => {
  it('covers every message in the generator table', () => {
    const expectedNames = [
      ...GENERATED_HEADERS.map((h) => h.name),
      ...GENERATED_APIS.flatMap((a) => [`${a.name}Request`, `${a.name}Response`]),
    ].sort();
    assert.deepEqual(MESSAGE_SCHEMAS.map((s) => s.name).sort(), expectedNames);
    for (const api of GENERATED_APIS) {
      const entry = SUPPORTED_APIS.find((e) => e.apiKey === api.apiKey);
      assert.deepEqual([entry?.minVersion, entry?.maxVersion], [...api.versions], api.name);
    }
  });

  for (const schema of MESSAGE_SCHEMAS) {
    for (const version of versionsOf(schema)) {
      it(`${schema.name} v${version}`, () => {
        const { input, expected } = new SampleBuilder(version).struct(schema.fields);
        const bytes = encodeMessage(schema, version, input).toBuffer();
        const reader = new Reader(bytes);
        const decoded = decodeMessage(schema, version, reader);
        assert.deepStrictEqual(decoded, expected);
        assert.equal(reader.remaining, 0, 'decoding consumed every byte');
        assert.ok(encodeMessage(schema, version, decoded).toBuffer().equals(bytes), 'decoded value re-encodes to the same bytes');
      });
    }
  }
});

describe('decoding truncated messages', () => {
  for (const schema of MESSAGE_SCHEMAS) {
    const version = schema.versions[1];
    it(`${schema.name} v${version} cut at every length throws ProtocolDecodeError`, () => {
      const bytes = encodeMessage(schema, version, new SampleBuilder(version).struct(schema.fields).input).toBuffer();
      for (let length = 0; length < bytes.length; length++) {
        assert.throws(
          () => decodeMessage(schema, version, new Reader(bytes.subarray(0, length))),
          (e: unknown) => e instanceof ProtocolDecodeError && e.message.startsWith(`INVALID_REQUEST: ${schema.name} v${version}: `),
          `cut at ${length} of ${bytes.length}`,
        );
      }
    });
  }
});
