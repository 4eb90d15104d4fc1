import { strict as assert } from 'node:assert';
import {
  decodeMessage,
  encodeMessage,
  MessageSchema,
  ProtocolDecodeError,
  ProtocolEncodeError,
  Reader,
  UnsupportedVersionError,
} from '../../src/protocol/codec';
import { KafkaError } from '../../src/protocol/error-codes';
import {
  apiVersionsRequestSchema,
  apiVersionsResponseSchema,
  MESSAGE_SCHEMAS,
  metadataRequestSchema,
  ProduceRequest,
  produceRequestSchema,
} from '../../src/protocol/generated';

function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

function decodeError(schema: MessageSchema<unknown>, version: number, bytes: Buffer): ProtocolDecodeError {
  try {
    decodeMessage(schema, version, new Reader(bytes));
  } catch (error) {
    assert.ok(error instanceof ProtocolDecodeError, `expected ProtocolDecodeError, got ${String(error)}`);
    return error;
  }
  assert.fail('decoding succeeded');
}

/** A 32-bit xorshift, so the fuzz inputs are the same on every run. */
function randomBytes(seed: number, length: number): Buffer {
  let state = seed;
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

describe('codec decode errors', () => {
  it('names message, version, field path and offsets when bytes run out', () => {
    const value: ProduceRequest = {
      acks: 1,
      timeoutMs: 100,
      topicData: [{ name: 't', partitionData: [{ index: 0, records: Buffer.from([1, 2, 3]) }, { index: 1, records: Buffer.alloc(30) }] }],
    };
    const bytes = encodeMessage(produceRequestSchema, 7, value).toBuffer();
    // Layout: 8 bytes of header fields, topic count, name 't', partition count, then partition 0 (4 + 4 + 3)
    // and partition 1's index: its records length sits at byte 34 and its data starts at byte 38.
    assert.equal(bytes.readInt32BE(34), 30);
    bytes.writeInt32BE(1200, 34);
    const error = decodeError(produceRequestSchema, 7, bytes);
    assert.equal(error.message, 'INVALID_REQUEST: ProduceRequest v7: topicData[0].partitionData[1].records needs 1200 bytes at byte 38, 30 remain');
    assert.ok(error instanceof KafkaError);
    assert.equal(error.errorName, 'INVALID_REQUEST');
    assert.deepEqual(error.location, { messageName: 'ProduceRequest', version: 7, fieldPath: 'topicData[0].partitionData[1].records' });
    assert.equal(error.offset, 38);
  });

  it('rejects an absurd array count at the count, before reading any element', () => {
    const error = decodeError(metadataRequestSchema, 1, hex('7fffffff 0001 61'));
    assert.match(error.message, /MetadataRequest v1: topics has 2147483647 elements \(count at byte 0\) needing at least 4294967294 bytes, but 3 remain/);
    const compact = decodeError(apiVersionsResponseSchema, 3, hex('0000 ffffffff0f'));
    assert.match(compact.message, /apiKeys has 4294967294 elements \(count at byte 2\)/);
  });

  it('rejects a null length in a non-nullable field, naming the field', () => {
    // ProduceRequest v3: transactionalId null, acks, timeout, one topic whose name has length -1.
    const error = decodeError(produceRequestSchema, 3, hex('ffff 0001 00000064 00000001 ffff 00000000'));
    assert.match(error.message, /ProduceRequest v3: topicData\[0\]\.name is null \(length -1 at byte 12\) but not nullable in v3/);
    const metadataV0 = decodeError(metadataRequestSchema, 0, hex('ffffffff'));
    assert.match(metadataV0.message, /MetadataRequest v0: topics is null/);
  });

  it('rejects negative lengths other than -1', () => {
    const error = decodeError(produceRequestSchema, 3, hex('ffff 0001 00000064 00000001 0001 74 00000001 00000000 fffffffe'));
    assert.match(error.message, /topicData\[0\]\.partitionData\[0\]\.records has negative length -2 at byte 23/);
  });

  it('rejects unsigned varints longer than 32 bits', () => {
    const error = decodeError(apiVersionsRequestSchema, 3, hex('ffffffff7f 00'));
    assert.match(error.message, /ApiVersionsRequest v3: clientSoftwareName has a varint at byte 0 that does not fit in 32 bits/);
  });

  it("rejects strings longer than Kafka's 32767-byte limit, even with a compact length", () => {
    const error = decodeError(apiVersionsRequestSchema, 3, Buffer.concat([hex('c1b802'), Buffer.alloc(40000, 0x61), hex('01 00')]));
    assert.match(error.message, /clientSoftwareName has length 40000 at byte 0, more than Kafka's string limit of 32767/);
  });

  it('rejects a tagged field whose value is shorter than its declared size', () => {
    const error = decodeError(apiVersionsResponseSchema, 3, hex('0000 01 00000000 01 03 02 0100'));
    assert.match(error.message, /zkMigrationReady is a tagged field of 2 bytes whose value ends 1 bytes early/);
  });

  it('rejects a tagged section that claims more fields than bytes remain', () => {
    const error = decodeError(apiVersionsResponseSchema, 3, hex('0000 01 00000000 7f 0000'));
    assert.match(error.message, /taggedFields claims 127 tagged fields/);
  });

  it('throws only ProtocolDecodeError on random bytes, for every message and version', () => {
    let seed = 0x2545f491;
    for (const schema of MESSAGE_SCHEMAS) {
      for (let version = schema.versions[0]; version <= schema.versions[1]; version++) {
        for (let i = 0; i < 200; i++) {
          const bytes = randomBytes(seed++, (i % 40) + 1);
          try {
            decodeMessage(schema, version, new Reader(bytes));
          } catch (error) {
            assert.ok(error instanceof ProtocolDecodeError, `${schema.name} v${version} seed ${seed - 1}: ${String(error)}`);
          }
        }
      }
    }
  });

  it('refuses versions outside the generated range', () => {
    assert.throws(() => decodeMessage(produceRequestSchema, 12, new Reader(Buffer.alloc(0))), UnsupportedVersionError);
    assert.throws(() => decodeMessage(produceRequestSchema, -1, new Reader(Buffer.alloc(0))), /ProduceRequest v-1 is outside the supported versions 0-11/);
  });
});

describe('codec encode errors', () => {
  const valid: ProduceRequest = { acks: 1, timeoutMs: 100, topicData: [{ name: 't', partitionData: [{ index: 0, records: null }] }] };

  it('names the field path of a null in a non-nullable field', () => {
    const value = { ...valid, topicData: [{ name: null as unknown as string, partitionData: [] }] };
    assert.throws(
      () => encodeMessage(produceRequestSchema, 3, value),
      (e: unknown) =>
        e instanceof ProtocolEncodeError && e.message.endsWith('ProduceRequest v3: topicData[0].name is null but not nullable in v3'),
    );
    assert.throws(() => encodeMessage(metadataRequestSchema, 0, { topics: null }), /MetadataRequest v0: topics is null but not nullable in v0/);
  });

  it('rejects values that do not fit the field type', () => {
    assert.throws(() => encodeMessage(produceRequestSchema, 3, { ...valid, acks: 40000 }), /ProduceRequest v3: acks must be an int16/);
    assert.throws(() => encodeMessage(produceRequestSchema, 3, { ...valid, timeoutMs: 1.5 }), /timeoutMs must be an int32/);
    const badRecords = { ...valid, topicData: [{ name: 't', partitionData: [{ index: 0, records: 'abc' as unknown as Buffer }] }] };
    assert.throws(() => encodeMessage(produceRequestSchema, 3, badRecords), /topicData\[0\]\.partitionData\[0\]\.records must be a Buffer/);
    const longName = { clientSoftwareName: 'é'.repeat(20000), clientSoftwareVersion: '1' };
    assert.throws(() => encodeMessage(apiVersionsRequestSchema, 3, longName), /clientSoftwareName is 40000 bytes of UTF-8, more than Kafka's limit of 32767/);
  });

  it('refuses versions outside the generated range', () => {
    assert.throws(() => encodeMessage(produceRequestSchema, 12, valid), UnsupportedVersionError);
  });
});
