import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as avro from 'avsc';
import { startBroker, RunningBroker } from '../helpers/broker';
import { run } from '../helpers/processes';
import { registryCall } from '../helpers/registry-http';
import { startBrokerRegistry } from '../../src/registry/start';
import type { RunningSchemaRegistry } from '../../src/registry/registry-server';
import { plainCredential } from '../../src/broker/security/sasl-mechanisms';

interface SchemaInfo { schemaType: string; schema: string }
/** The calls used of @confluentinc/schemaregistry, typed here: its own typings pull in lru-cache's, which do not build under this TypeScript. */
interface ConfluentClient {
  register(subject: string, schema: SchemaInfo): Promise<number>;
  testSubjectCompatibility(subject: string, schema: SchemaInfo): Promise<boolean>;
  getBySubjectAndId(subject: string, id: number): Promise<SchemaInfo>;
  getLatestSchemaMetadata(subject: string): Promise<{ id: number; version: number }>;
  getAllVersions(subject: string): Promise<number[]>;
  getVersion(subject: string, schema: SchemaInfo): Promise<number>;
  getDefaultCompatibility(): Promise<string>;
  getAllSubjects(): Promise<string[]>;
}
/** The same for @kafkajs/confluent-schema-registry (its typings need mappersmith's, which need the DOM's). */
interface KafkajsClient {
  register(schema: { type: string; schema: string }, options: { subject: string }): Promise<{ id: number }>;
  getLatestSchemaId(subject: string): Promise<number>;
  encode(id: number, value: unknown): Promise<Buffer>;
  decode(buffer: Buffer): Promise<object>;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const { SchemaRegistry: KafkajsRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry') as {
  SchemaRegistry: new (config: { host: string; auth?: { username: string; password: string } }) => KafkajsClient;
  SchemaType: { AVRO: string };
};
const { SchemaRegistryClient } = require('@confluentinc/schemaregistry') as { SchemaRegistryClient: new (config: { baseURLs: string[] }) => ConfluentClient };
/* eslint-enable @typescript-eslint/no-require-imports */

const PYTHON = '/usr/bin/python3'; // Debian's, with python3-confluent-kafka and python3-requests
const SCRIPT = path.resolve(__dirname, '../../../test/registry/confluent-registry-client.py');

const record = (name: string, fields: object[]) => JSON.stringify({ type: 'record', name, namespace: 'js', fields });
const V1 = record('View', [{ name: 'page', type: 'string' }]);
const V2 = record('View', [{ name: 'page', type: 'string' }, { name: 'ms', type: ['null', 'long'], default: null }]);
const BAD = record('View', [{ name: 'page', type: 'string' }, { name: 'user', type: 'string' }]);

describe('real Schema Registry clients against sluice\'s registry (python confluent_kafka, @kafkajs/confluent-schema-registry, @confluentinc/schemaregistry)', function () {
  this.timeout(30_000);
  let broker: RunningBroker;
  let open: RunningSchemaRegistry;
  let guarded: RunningSchemaRegistry;
  before(async () => {
    broker = await startBroker();
    broker.broker.credentials.apply([{ user: 'etl', mechanism: 'PLAIN', credential: plainCredential('s3cret') }]);
    open = await startBrokerRegistry(broker.broker, { port: 0 });
    guarded = await startBrokerRegistry(broker.broker, { port: 0, brokerUsers: true });
  });
  after(async () => {
    await guarded?.close();
    await open?.close();
    await broker?.stop();
  });

  it('python3-confluent-kafka registers, evolves under BACKWARD (409 → SchemaRegistryError) and reads schemas by id, with basic auth', async () => {
    const result = await run(PYTHON, [SCRIPT, guarded.url, 'etl:s3cret']);
    assert.equal(result.code, 0, result.stderr);
    const seen = JSON.parse(result.stdout);
    assert.equal(seen.v1_again, seen.v1);
    assert.equal(seen.v2, seen.v1 + 1);
    assert.equal(seen.bad.status, 409);
    assert.equal(seen.bad.code, 409);
    assert.match(seen.bad.message, /BACKWARD: READER_FIELD_MISSING_DEFAULT_VALUE at \/fields\/1: field user is not in the writer's schema and has no default/);
    assert.equal(seen.compatible_bad, false);
    assert.deepEqual(seen.by_id[String(seen.v2)].fields.map((f: { name: string }) => f.name), ['url', 'ms']);
    assert.deepEqual(seen.latest, { id: seen.v2, version: 2, subject: 'py-clicks-value' });
    assert.deepEqual(seen.versions, [1, 2]);
    assert.equal(seen.compatibility, 'BACKWARD');
    assert.equal(seen.lookup_v1, 1);
    assert.equal(seen.missing, 40403);

    const refused = await run(PYTHON, [SCRIPT, guarded.url, 'etl:wrong']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /SchemaRegistryError.*Unauthorized|401/);
    const anonymous = await registryCall(guarded.url, 'GET', '/subjects');
    assert.deepEqual([anonymous.status, anonymous.body.error_code], [401, 401]);
  });

  it('@kafkajs/confluent-schema-registry registers, is refused an incompatible schema, and encodes/decodes framed Avro by id', async () => {
    const registry = new KafkajsRegistry({ host: guarded.url, auth: { username: 'etl', password: 's3cret' } });
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: V1 }, { subject: 'kafkajs-value' });
    const { id: id2 } = await registry.register({ type: SchemaType.AVRO, schema: V2 }, { subject: 'kafkajs-value' });
    assert.equal(id2, id + 1);
    await assert.rejects(registry.register({ type: SchemaType.AVRO, schema: BAD }, { subject: 'kafkajs-value' }), (error: Error & { status?: number }) => {
      assert.match(error.message, /incompatible/);
      return true;
    });
    assert.equal(await registry.getLatestSchemaId('kafkajs-value'), id2);
    const framed = await registry.encode(id, { page: '/home' });
    assert.deepEqual([framed[0], framed.readInt32BE(1)], [0, id], 'Confluent framing: magic 0, schema id');
    assert.deepEqual({ ...avro.Type.forSchema(JSON.parse(V1)).fromBuffer(framed.subarray(5)) }, { page: '/home' }, 'avsc reads the body');
    const fresh = new KafkajsRegistry({ host: guarded.url, auth: { username: 'etl', password: 's3cret' } });
    assert.deepEqual({ ...(await fresh.decode(framed)) }, { page: '/home' }, 'a fresh client fetched the writer schema by id');
  });

  it('@confluentinc/schemaregistry registers, checks compatibility, gets by id and latest, reads the config', async () => {
    const client = new SchemaRegistryClient({ baseURLs: [open.url] });
    const id = await client.register('confluent-js-value', { schemaType: 'AVRO', schema: V1 });
    assert.equal(await new SchemaRegistryClient({ baseURLs: [open.url] }).register('confluent-js-value', { schemaType: 'AVRO', schema: V1 }), id);
    assert.equal(await client.testSubjectCompatibility('confluent-js-value', { schemaType: 'AVRO', schema: BAD }), false);
    const id2 = await client.register('confluent-js-value', { schemaType: 'AVRO', schema: V2 });
    await assert.rejects(client.register('confluent-js-value', { schemaType: 'AVRO', schema: BAD }), (error: Error & { status?: number; errorCode?: number }) => {
      assert.deepEqual([error.status, error.errorCode], [409, 409]);
      return true;
    });
    const fresh = new SchemaRegistryClient({ baseURLs: [open.url] });
    assert.deepEqual(JSON.parse((await fresh.getBySubjectAndId('confluent-js-value', id)).schema), JSON.parse(V1));
    const latest = await fresh.getLatestSchemaMetadata('confluent-js-value');
    assert.deepEqual([latest.id, latest.version], [id2, 2]);
    assert.deepEqual(await fresh.getAllVersions('confluent-js-value'), [1, 2]);
    assert.equal(await fresh.getVersion('confluent-js-value', { schemaType: 'AVRO', schema: V2 }), 2);
    assert.equal(await fresh.getDefaultCompatibility(), 'BACKWARD');
    assert.ok((await fresh.getAllSubjects()).includes('kafkajs-value'), 'one registry state behind both servers of the broker');
  });
});
