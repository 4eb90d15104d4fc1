import { strict as assert } from 'node:assert';
import { decodeMessage, encodeMessage, MessageSchema, Reader, Writer, ZERO_COPY_THRESHOLD } from '../../src/protocol/codec';
import {
  apiVersionsRequestSchema,
  apiVersionsResponseSchema,
  ApiVersionsResponse,
  metadataRequestSchema,
  ProduceRequest,
  produceRequestSchema,
  requestHeaderSchema,
  responseHeaderSchema,
} from '../../src/protocol/generated';

function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** Encodes `value` and compares with hand-computed bytes, then decodes the bytes back to `decoded`. */
function assertGolden<T>(schema: MessageSchema<T>, version: number, value: T, bytes: string, decoded: T): void {
  const expected = hex(bytes);
  assert.equal(encodeMessage(schema, version, value).toBuffer().toString('hex'), expected.toString('hex'));
  const reader = new Reader(expected);
  assert.deepStrictEqual(decodeMessage(schema, version, reader), decoded);
  assert.equal(reader.remaining, 0);
}

describe('codec golden bytes (computed by hand from the protocol guide)', () => {
  const header = { requestApiKey: 18, requestApiVersion: 3, correlationId: 7, clientId: 'ab' };

  it('RequestHeader v1: int16 key, int16 version, int32 correlation id, int16-length client id', () => {
    assertGolden(requestHeaderSchema, 1, header, '0012 0003 00000007 0002 6162', header);
    assertGolden(requestHeaderSchema, 1, { ...header, clientId: null }, '0012 0003 00000007 ffff', { ...header, clientId: null });
  });

  it('RequestHeader v2 keeps the int16-length client id and ends with an empty tagged section', () => {
    assertGolden(requestHeaderSchema, 2, header, '0012 0003 00000007 0002 6162 00', header);
    assertGolden(requestHeaderSchema, 2, { ...header, clientId: null }, '0012 0003 00000007 ffff 00', { ...header, clientId: null });
  });

  it('RequestHeader v0 has no client id; decoding fills in the default', () => {
    assertGolden(requestHeaderSchema, 0, header, '0012 0003 00000007', { ...header, clientId: '' });
  });

  it('ResponseHeader v0 and v1', () => {
    assertGolden(responseHeaderSchema, 0, { correlationId: 7 }, '00000007', { correlationId: 7 });
    assertGolden(responseHeaderSchema, 1, { correlationId: 7 }, '00000007 00', { correlationId: 7 });
  });

  it('ApiVersionsRequest v3: compact strings (length + 1) and a tagged section', () => {
    const value = { clientSoftwareName: 'kc', clientSoftwareVersion: '1.0' };
    assertGolden(apiVersionsRequestSchema, 3, value, '03 6b63  04 312e30  00', value);
    assertGolden(apiVersionsRequestSchema, 2, value, '', { clientSoftwareName: '', clientSoftwareVersion: '' });
  });

  it('MetadataRequest v1 with a null topics array is int32 -1', () => {
    assertGolden(metadataRequestSchema, 1, { topics: null }, 'ffffffff', {
      topics: null,
      allowAutoTopicCreation: true, // absent before v4: Kafka's default
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
  });

  it('MetadataRequest v4 adds AllowAutoTopicCreation', () => {
    const value = { topics: [{ name: 'a' }], allowAutoTopicCreation: false };
    assertGolden(metadataRequestSchema, 4, value, '00000001 0001 61  00', {
      ...value,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
      topics: [{ name: 'a', topicId: Buffer.alloc(16) }], // topic ids arrive in v10: the zero uuid before
    });
  });

  it('ProduceRequest v3 with one topic, one partition and three record bytes', () => {
    const value: ProduceRequest = {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: 't', partitionData: [{ index: 0, records: Buffer.from([1, 2, 3]) }] }],
    };
    const bytes = 'ffff  ffff  000003e8  00000001 0001 74  00000001  00000000  00000003 010203';
    assertGolden(produceRequestSchema, 3, value, bytes, value);
  });

  describe('ApiVersionsResponse v3', () => {
    const base: ApiVersionsResponse = { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }], throttleTimeMs: 0 };
    const decodedBase = { ...base, supportedFeatures: [], finalizedFeaturesEpoch: -1, finalizedFeatures: [], zkMigrationReady: false };

    it('compact array of structs, each with its own tagged section, then the message tagged section', () => {
      assertGolden(apiVersionsResponseSchema, 3, base, '0000  02 0012 0000 0003 00  00000000  00', decodedBase);
    });

    it('writes tagged fields that differ from their defaults, in tag order', () => {
      const value = { ...base, zkMigrationReady: true, finalizedFeaturesEpoch: 5, supportedFeatures: [{ name: 'x', minVersion: 1, maxVersion: 2 }] };
      const bytes =
        '0000  02 0012 0000 0003 00  00000000' +
        ' 03' + // three tagged fields
        ' 00 08  02 02 78 0001 0002 00' + // tag 0: SupportedFeatures, 8 bytes
        ' 01 08  0000000000000005' + // tag 1: FinalizedFeaturesEpoch
        ' 03 01  01'; // tag 3: ZkMigrationReady
      assertGolden(apiVersionsResponseSchema, 3, value, bytes, { ...decodedBase, ...value });
    });

    it('skips tagged fields it does not know', () => {
      const bytes = hex('0000  02 0012 0000 0003 00  00000000  02  03 01 01  09 02 aabb');
      const reader = new Reader(bytes);
      assert.deepStrictEqual(decodeMessage(apiVersionsResponseSchema, 3, reader), { ...decodedBase, zkMigrationReady: true });
      assert.equal(reader.remaining, 0);
    });

    it('v0 uses an int32 array count and no throttle time', () => {
      assertGolden(apiVersionsResponseSchema, 0, { ...base, errorCode: 35 }, '0023  00000001 0012 0000 0003', {
        ...decodedBase,
        errorCode: 35,
      });
    });
  });
});

describe('Writer', () => {
  it('passes a 1 MiB records value through as the same Buffer object', () => {
    const records = Buffer.alloc(1024 * 1024, 7);
    const value: ProduceRequest = { acks: 1, timeoutMs: 1, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }] };
    const writer = encodeMessage(produceRequestSchema, 3, value);
    const chunks = writer.toBuffers();
    assert.ok(chunks.some((chunk) => chunk === records), 'the records Buffer is one of the output chunks');
    assert.equal(writer.length, chunks.reduce((sum, c) => sum + c.length, 0));
    assert.equal(writer.length, 2 + 2 + 4 + 4 + 3 + 4 + 4 + 4 + records.length);
    const decoded = decodeMessage(produceRequestSchema, 3, new Reader(writer.toBuffer()));
    assert.ok(decoded.topicData[0].partitionData[0].records?.equals(records));
  });

  it('copies byte arrays below the zero-copy threshold', () => {
    const small = Buffer.alloc(ZERO_COPY_THRESHOLD - 1, 1);
    const big = Buffer.alloc(ZERO_COPY_THRESHOLD, 2);
    const writer = new Writer();
    writer.writeBytes(small);
    writer.writeBytes(big);
    writer.writeInt8(3);
    const chunks = writer.toBuffers();
    assert.ok(!chunks.includes(small));
    assert.ok(chunks.includes(big));
    assert.ok(writer.toBuffer().equals(Buffer.concat([small, big, Buffer.from([3])])));
  });

  it('grows its scratch space without losing earlier output', () => {
    const writer = new Writer(16);
    for (let i = 0; i < 100_000; i++) writer.writeInt32(i);
    const out = writer.toBuffer();
    assert.equal(out.length, 400_000);
    assert.equal(writer.length, 400_000);
    for (const i of [0, 3, 4, 5, 99_999]) assert.equal(out.readInt32BE(i * 4), i);
  });

  it('writes and reads unsigned varints of 1 to 5 bytes', () => {
    const cases: [number, string][] = [
      [0, '00'],
      [1, '01'],
      [127, '7f'],
      [128, '8001'],
      [300, 'ac02'],
      [16384, '808001'],
      [2 ** 32 - 1, 'ffffffff0f'],
    ];
    for (const [value, bytes] of cases) {
      const writer = new Writer();
      writer.writeUVarint(value);
      assert.equal(writer.toBuffer().toString('hex'), bytes, `uvarint ${value}`);
      assert.equal(new Reader(hex(bytes)).readUVarint(), value);
    }
  });

  it('writes int64 values beyond 32 bits exactly', () => {
    const writer = new Writer();
    writer.writeInt64(-(2 ** 40) - 5);
    writer.writeInt64(2 ** 53 - 1);
    const reader = new Reader(writer.toBuffer());
    assert.equal(reader.readInt64(), -(2 ** 40) - 5);
    assert.equal(reader.readInt64(), 2 ** 53 - 1);
  });

  it('writes int64 as writeBigInt64BE does and reads it as Number(readBigInt64BE) does, rounding beyond 2^53', () => {
    const values = [0, 1, -1, 2 ** 32, -(2 ** 32), 2 ** 32 - 1, 1 - 2 ** 32, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, 1 - 2 ** 53, 1733000000000, -1733000000001];
    for (let bits = 1; bits <= 53; bits++) values.push(2 ** bits - 3, -(2 ** bits) + 7);
    for (const value of values) {
      const writer = new Writer();
      writer.writeInt64(value);
      const expected = Buffer.alloc(8);
      expected.writeBigInt64BE(BigInt(value));
      assert.equal(writer.toBuffer().toString('hex'), expected.toString('hex'), `write ${value}`);
      assert.equal(new Reader(expected).readInt64(), value, `read ${value}`);
    }
    let seed = 0x1234567;
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.alloc(8);
      for (let b = 0; b < 8; b++) bytes[b] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
      assert.equal(new Reader(bytes).readInt64(), Number(bytes.readBigInt64BE(0)), bytes.toString('hex'));
    }
  });
});
