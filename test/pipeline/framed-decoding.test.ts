import { strict as assert } from 'node:assert';
import * as avro from 'avsc';
import * as path from 'node:path';
import { createAvroType } from '../../src/formats/avro-schema';
import { FramedAvroDecoder } from '../../src/pipeline/framed-avro-decoder';
import { BadRecordError, makeRecordDecoder } from '../../src/pipeline/record-decoder';
import { loadJobDefinition } from '../../src/job/job-definition';
import { loadAvroSchema } from '../../src/formats/avro-schema';
import { SchemaRegistryUnavailableError } from '../../src/ports/schema-registry';
import { ReaderSchemaError, resolveReaderSchemas } from '../../src/job/reader-schemas';
import { framed, MemorySchemaRegistry } from '../helpers/memory-schema-registry';
import { useTempDir } from '../helpers/temp-dir';
import { pageView, REPO, START, writeJob } from '../helpers/page-views';

const V1 = { type: 'record', name: 'Click', namespace: 't', fields: [{ name: 'id', type: 'long' }, { name: 'page', type: 'string' }] };
const V2 = { ...V1, fields: [...V1.fields, { name: 'ref', type: ['null', 'string'], default: null }, { name: 'n', type: 'int', default: 7 }] };
const INCOMPATIBLE = { ...V1, fields: [{ name: 'id', type: 'string' }, { name: 'page', type: 'string' }] };

/** avsc decodes records as instances of a generated class; compared as plain objects. */
const plain = (value: unknown) => ({ ...(value as object) });

function reasonOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof BadRecordError, `a BadRecordError, not ${String(error)}`);
    return error.message;
  }
  assert.fail('expected a bad record');
}

describe('Confluent-framed Avro: decoding with the writer schema each id names', () => {
  const registry = new MemorySchemaRegistry();
  const v1 = registry.register('clicks-value', V1);
  const v2 = registry.register('clicks-value', V2);
  const wrong = registry.register('other-value', INCOMPATIBLE);
  const lacking = registry.register('other-value', { ...V1, fields: [{ name: 'id', type: 'long' }] });
  const proto = registry.register('proto-value', 'syntax = "proto3";', 'PROTOBUF');
  const reader = createAvroType(V2 as never);
  const body1 = avro.Type.forSchema(V1 as never).toBuffer({ id: 5, page: '/a' });

  it('reads a writer of the reader schema directly, and an older writer through a resolver (defaults filled in)', async () => {
    const decoder = new FramedAvroDecoder(registry, reader, 'value');
    const same = framed(v2, reader.toBuffer({ id: 1, page: '/x', ref: 'r', n: 3 }));
    await decoder.prepare([framed(v1, body1), same, framed(v1, body1), null]);
    assert.deepEqual(plain(decoder.decode(framed(v1, body1))), { id: 5, page: '/a', ref: null, n: 7 });
    assert.deepEqual(plain(decoder.decode(same)), { id: 1, page: '/x', ref: 'r', n: 3 });
    const asked = registry.asked.length;
    await decoder.prepare([framed(v1, body1), same]);
    assert.equal(registry.asked.length, asked, 'ids already seen are not fetched again');
  });

  it('names the cause: framing, unknown id, incompatible writer, a schema that is not Avro, trailing bytes', async () => {
    const decoder = new FramedAvroDecoder(registry, reader, 'value');
    const keys = new FramedAvroDecoder(registry, reader, 'key');
    const json = Buffer.from(JSON.stringify({ id: 1, page: '/' }));
    const values = [json, Buffer.from([0, 0, 3]), framed(999, body1), framed(wrong, body1), framed(lacking, Buffer.from([2])), framed(proto, body1), framed(v1, Buffer.concat([body1, Buffer.from([1])]))];
    await decoder.prepare(values);
    assert.equal(reasonOf(() => decoder.decode(json)), 'magic byte 0x7b is not 0: this looks like JSON, not Confluent-framed Avro');
    assert.equal(reasonOf(() => decoder.decode(Buffer.from('hello world'))), 'magic byte 0x68 is not 0: this looks like text, not Confluent-framed Avro');
    assert.equal(reasonOf(() => decoder.decode(Buffer.from([0, 0, 3]))), 'value is 3 bytes: too short for the Confluent framing (magic byte + 4-byte schema id)');
    assert.equal(reasonOf(() => decoder.decode(framed(999, body1))), 'schema id 999 is not in the registry (40403)');
    assert.equal(reasonOf(() => decoder.decode(framed(wrong, body1))), `writer schema id ${wrong} cannot be resolved to the reader schema: field id: cannot read "string" as "long"`);
    assert.equal(reasonOf(() => keys.decode(Buffer.from('{"u":1}'))), 'key: magic byte 0x7b is not 0: this looks like JSON, not Confluent-framed Avro');
    assert.equal(reasonOf(() => decoder.decode(framed(proto, body1))), `schema id ${proto} is a PROTOBUF schema, not Avro`);
    assert.equal(reasonOf(() => decoder.decode(framed(lacking, Buffer.from([2])))), `writer schema id ${lacking} cannot be resolved to the reader schema: field page is not in the writer schema and has no default`);
    assert.match(reasonOf(() => decoder.decode(values[6])), /trailing bytes: the datum ends at byte 9 of 10$/);
    assert.equal(reasonOf(() => keys.decode(Buffer.from('u1'))), 'key is 2 bytes: too short for the Confluent framing (magic byte + 4-byte schema id)');
  });

  it('throws a registry outage from prepare (the run fails), and fetches the id again once the registry is back', async () => {
    const down = new MemorySchemaRegistry();
    const id = down.register('clicks-value', V1);
    const decoder = new FramedAvroDecoder(down, createAvroType(V1 as never), 'value');
    down.down = true;
    await assert.rejects(decoder.prepare([framed(id, body1)]), SchemaRegistryUnavailableError);
    down.down = false;
    await decoder.prepare([framed(id, body1)]);
    assert.deepEqual(plain(decoder.decode(framed(id, body1))), { id: 5, page: '/a' });
  });

  describe('a plain-Avro job meeting framed values', () => {
    const tmp = useTempDir();
    it('says the value looks framed and names value.format "avro-confluent"', () => {
      const job = loadJobDefinition(writeJob(tmp(), { value: { format: 'avro', schema: path.join(REPO, 'schemas/page_view.avsc') } }));
      const schema = loadAvroSchema(job.value.schema);
      const decode = makeRecordDecoder(job, schema);
      const value = framed(21, schema.type.toBuffer(pageView(1, START)));
      const reason = reasonOf(() => decode({ offset: 0, timestamp: START, key: null, value, headers: [] } as never, 0));
      assert.match(reason, /; this looks like Confluent-framed Avro \(magic byte 0, schema id 21\): use value\.format "avro-confluent"$/);
      assert.equal(reasonOf(() => decode({ offset: 0, timestamp: START, key: null, value: Buffer.from([2, 0xff]), headers: [] } as never, 0)).includes('Confluent'), false);
    });
  });

  describe('reader schemas: "latest" by subject name strategy', () => {
    const tmp = useTempDir();
    const jobWith = (value: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      loadJobDefinition(writeJob(tmp(), { value: { format: 'avro-confluent', registry: 'http://memory:8081', ...value }, time: {}, metadataColumns: [], ...extra }));

    it('reads <topic>-value (TopicNameStrategy) or the record name (RecordNameStrategy), and <topic>-key for keys', async () => {
      const memory = new MemorySchemaRegistry();
      memory.register('page_views-value', V1);
      memory.register('page_views-value', V2);
      memory.register('t.Click', INCOMPATIBLE);
      memory.register('page_views-key', 'string');
      const byTopic = await resolveReaderSchemas(jobWith({}, { key: { format: 'avro-confluent' }, metadataColumns: ['key'] }), () => memory);
      assert.deepEqual(byTopic.value.schema, V2);
      assert.equal(byTopic.value.source, 'subject page_views-value version 2 (id 2) at http://memory:8081');
      assert.equal(byTopic.key?.schema, 'string');
      const byRecord = await resolveReaderSchemas(jobWith({ subjectNameStrategy: 'RecordNameStrategy', recordName: 't.Click' }), () => memory);
      assert.deepEqual(byRecord.value.schema, INCOMPATIBLE);
    });

    it('refuses a subject that is not there, and a time field the latest schema lacks, naming the setting', async () => {
      const memory = new MemorySchemaRegistry();
      await assert.rejects(resolveReaderSchemas(jobWith({}), () => memory), (error: Error) => {
        assert.ok(error instanceof ReaderSchemaError);
        assert.equal(error.message, 'value.schema: "latest": subject page_views-value is not in the registry http://memory:8081 (40401)');
        return true;
      });
      memory.register('page_views-value', V1);
      await assert.rejects(resolveReaderSchemas(jobWith({}, { time: { field: 'ts' } }), () => memory), /^ReaderSchemaError: time\.field: "ts" .+\(subject page_views-value version 1/);
    });
  });
});
