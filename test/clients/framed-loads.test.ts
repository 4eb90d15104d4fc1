import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Kafka, logLevel } from 'kafkajs';
import { startBrokerRegistry } from '../../src/registry/start';
import type { RunningSchemaRegistry } from '../../src/registry/registry-server';
import { buildRecordBatch, RecordInput } from '../../src/protocol/records';
import { KafkaClient } from '../../src/client/kafka-client';
import { startBroker, RunningBroker } from '../helpers/broker';
import { run } from '../helpers/processes';
import { SLUICE_BIN } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';
import { listFiles, pageView, PageView, REPO, START } from '../helpers/page-views';

/** What these tests use of @kafkajs/confluent-schema-registry (its own .d.ts needs the DOM's XMLHttpRequest). */
interface KafkajsRegistry {
  register(schema: { type: 'AVRO'; schema: string }, options: { subject: string }): Promise<{ id: number }>;
  encode(id: number, payload: unknown): Promise<Buffer>;
}
const { SchemaRegistry } = require('@kafkajs/confluent-schema-registry') as { SchemaRegistry: new (options: { host: string }) => KafkajsRegistry };
const AVRO = 'AVRO' as const;

/** What these tests use of @confluentinc/schemaregistry (Confluent's JavaScript client). */
interface ConfluentSerde {
  SchemaRegistryClient: new (config: { baseURLs: string[] }) => object;
  AvroSerializer: new (client: object, serdeType: string, config: { useLatestVersion: boolean }) => { serialize(topic: string, message: unknown): Promise<Buffer> };
  SerdeType: { VALUE: string };
}
const confluent = require('@confluentinc/schemaregistry') as ConfluentSerde;

const PYTHON = '/usr/bin/python3';
const READ_AVRO = path.join(REPO, 'test/formats/read-avro.py');
const PAGE_VIEW_SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO, 'schemas/page_view.avsc'), 'utf8')) as { fields: unknown[] };

const sluice = (args: string[], env: NodeJS.ProcessEnv = {}) => run(process.execPath, [SLUICE_BIN, ...args], undefined, { env: { ...process.env, ...env } });

/** The rows of every Avro file of a table, as Apache Avro's Python library reads them. */
async function pythonRows(tableDir: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const file of listFiles(tableDir).filter((f) => f.endsWith('.avro'))) {
    const read = await run(PYTHON, [READ_AVRO, path.join(tableDir, file)]);
    assert.equal(read.code, 0, read.stderr);
    rows.push(...read.stdout.trim().split('\n').slice(1).map((line) => JSON.parse(line) as Record<string, unknown>));
  }
  return rows.sort((a, b) => Number(a._kafka_offset) - Number(b._kafka_offset));
}

interface DeadLetter { offset: number; error: string; value: string | null }

function deadLetters(tableDir: string): DeadLetter[] {
  return listFiles(tableDir)
    .filter((f) => f.startsWith('_dead_letter/'))
    .flatMap((f) => fs.readFileSync(path.join(tableDir, f), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as DeadLetter))
    .sort((a, b) => a.offset - b.offset);
}

describe('sluice load: Confluent-framed Avro through the embedded Schema Registry and real registry clients', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  let broker: RunningBroker;
  let registry: RunningSchemaRegistry;
  let client: KafkaClient;

  before(async () => {
    broker = await startBroker({ numPartitions: 1 });
    registry = await startBrokerRegistry(broker.broker, { host: '127.0.0.1', port: 0 });
    client = await KafkaClient.connect(broker.bootstrap);
  });
  after(async () => {
    client.close();
    await registry.close();
    await broker.stop();
  });

  function writeJob(topic: string, value: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
    const dir = path.join(tmp(), topic);
    fs.mkdirSync(path.join(dir, 'jobs'), { recursive: true });
    const file = path.join(dir, 'jobs', `${topic}.json`);
    fs.writeFileSync(file, JSON.stringify({
      name: topic, source: { bootstrap: broker.bootstrap, topic },
      value: { format: 'avro-confluent', registry: registry.url, ...value },
      output: { formats: ['avro', 'parquet'], sink: '../warehouse', table: topic },
      time: { field: 'ts' }, metadataColumns: ['partition', 'offset'], ...extra,
    }));
    return file;
  }
  const tableDir = (topic: string) => path.join(tmp(), topic, 'warehouse', topic);

  async function loadAndVerify(job: string, records: number, bad = 0): Promise<void> {
    const load = await sluice(['load', '--job', job]);
    assert.equal(load.code, 0, load.stderr);
    const verify = await sluice(['verify', '--job', job]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    // One partition: every offset is a loaded record or a dead letter, in ranges that tile.
    assert.match(verify.stdout, new RegExp(`^partition 0: offsets 0\\.\\.${records + bad} in \\d+ ranges?, ${records} records, ${bad} bad$`, 'm'), verify.stdout);
  }

  it('loads what @kafkajs/confluent-schema-registry registered and encoded (and @confluentinc/schemaregistry\'s AvroSerializer) and kafkajs produced; python3-avro reads every row', async () => {
    const topic = 'pv_kafkajs';
    await client.createTopic(topic, 1);
    const schemas = new SchemaRegistry({ host: registry.url });
    const { id } = await schemas.register({ type: AVRO, schema: JSON.stringify(PAGE_VIEW_SCHEMA) }, { subject: `${topic}-value` });
    const views = Array.from({ length: 300 }, (_, i) => pageView(i, START + i * 20_000));
    const producer = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const messages = await Promise.all(views.slice(0, 200).map(async (v) => ({ key: v.user_id, value: await schemas.encode(id, v), timestamp: String(v.ts) })));
    // The last 100 framed by Confluent's own JavaScript serializer, with the subject's latest version.
    const serializer = new confluent.AvroSerializer(new confluent.SchemaRegistryClient({ baseURLs: [registry.url] }), confluent.SerdeType.VALUE, { useLatestVersion: true });
    for (const v of views.slice(200)) messages.push({ key: v.user_id, value: await serializer.serialize(topic, v), timestamp: String(v.ts) });
    assert.ok(messages[250].value.readUInt32BE(1) === id && messages[250].value[0] === 0, 'Confluent\'s serializer frames with the same id');
    await producer.send({ topic, messages });
    await producer.disconnect();
    assert.equal(messages[0].value[0], 0, 'the client frames its values');
    assert.equal(messages[0].value.readUInt32BE(1), id);

    const job = writeJob(topic, { schema: 'latest' });
    await loadAndVerify(job, views.length);
    const rows = await pythonRows(path.join(tableDir(topic), 'avro'));
    assert.deepEqual(rows.map(({ _kafka_partition, _kafka_offset, ...view }) => view), views);
    // The tools take a "latest" job's table schema from the registry too.
    const sql = `SELECT (SELECT count(*) FROM ${topic}) AS parquet, (SELECT sum(duration_ms) FROM ${topic}_avro) AS avro`;
    const query = await sluice(['query', sql, '--jobs', path.dirname(job), '--format', 'json']);
    assert.equal(query.code, 0, query.stderr);
    assert.deepEqual(JSON.parse(query.stdout), { parquet: views.length, avro: views.reduce((sum, v) => sum + v.duration_ms, 0) });
  });

  it('loads what confluent_kafka\'s SchemaRegistryClient registered and its Producer produced, resolved to an older local reader schema', async () => {
    const topic = 'pv_confluent';
    await client.createTopic(topic, 1);
    // The writer has a field the job's reader schema lacks: resolution drops it.
    const writer = { ...PAGE_VIEW_SCHEMA, fields: [...PAGE_VIEW_SCHEMA.fields, { name: 'experiment', type: 'string', default: 'none' }] };
    const writerFile = path.join(tmp(), 'writer.avsc');
    fs.writeFileSync(writerFile, JSON.stringify(writer));
    const views = Array.from({ length: 200 }, (_, i) => pageView(i, START + i * 20_000));
    const recordsFile = path.join(tmp(), 'records.json');
    fs.writeFileSync(recordsFile, JSON.stringify(views.map((v, i) => ({ key: v.user_id, value: { ...v, experiment: `e${i % 3}` }, timestamp: v.ts }))));
    const produced = await run(PYTHON, [path.join(REPO, 'test/clients/confluent-framed-produce.py'), broker.bootstrap, registry.url, topic, writerFile, recordsFile]);
    assert.equal(produced.code, 0, produced.stderr);
    assert.equal((JSON.parse(produced.stdout) as { produced: number }).produced, views.length);

    const job = writeJob(topic, { schema: path.join(REPO, 'schemas/page_view.avsc') });
    await loadAndVerify(job, views.length);
    const rows = await pythonRows(path.join(tableDir(topic), 'avro'));
    assert.deepEqual(rows.map(({ _kafka_partition, _kafka_offset, ...view }) => view), views);
  });

  it('bad input: JSON, plain Avro, an unknown id and a too-short value are dead letters with their reasons; the framed records load', async () => {
    const topic = 'pv_mixed';
    await client.createTopic(topic, 1);
    const schemas = new SchemaRegistry({ host: registry.url });
    const { id } = await schemas.register({ type: AVRO, schema: JSON.stringify(PAGE_VIEW_SCHEMA) }, { subject: `${topic}-value` });
    const good = await Promise.all(Array.from({ length: 40 }, (_, i) => schemas.encode(id, pageView(i, START + i * 1000))));
    const json = Buffer.from(JSON.stringify(pageView(100, START)));
    const unknownId = Buffer.concat([Buffer.from([0, 0, 0x0f, 0x42, 0x3f]), good[0].subarray(5)]); // id 999999
    const bad: { at: number; value: Buffer; reason: string }[] = [
      { at: 3, value: json, reason: 'magic byte 0x7b is not 0: this looks like JSON, not Confluent-framed Avro' },
      { at: 9, value: unknownId, reason: 'schema id 999999 is not in the registry (40403)' },
      { at: 15, value: Buffer.from([0, 0, 1]), reason: 'value is 3 bytes: too short for the Confluent framing (magic byte + 4-byte schema id)' },
      { at: 21, value: good[1].subarray(5), reason: `magic byte 0x${good[1][5].toString(16)} is not 0: not Confluent-framed Avro (plain Avro binary is format "avro")` },
    ];
    const values = [...good];
    for (const b of bad) values.splice(b.at, 0, b.value);
    const records: RecordInput[] = values.map((value, i) => ({ key: Buffer.from(`k${i}`), value, timestamp: START + i }));
    await client.produce(topic, 0, buildRecordBatch(records));

    const job = writeJob(topic, { schema: 'latest' }, { badRecords: { maxPercent: 20 } });
    await loadAndVerify(job, good.length, bad.length);
    const letters = deadLetters(tableDir(topic));
    assert.deepEqual(letters.map((l) => [l.offset, l.error]), bad.map((b) => [values.indexOf(b.value), b.reason]));
    for (const letter of letters) assert.ok(Buffer.from(letter.value ?? '', 'base64').equals(values[letter.offset]), 'the raw bytes are kept');
    const rows = await pythonRows(path.join(tableDir(topic), 'avro'));
    assert.deepEqual(rows.map((r) => r.page), good.map((_, i) => pageView(i, 0).page));
  });

  it('a registry outage fails the run cleanly (nothing committed, the error names the registry); once it is back the re-run loads everything once', async () => {
    const topic = 'pv_outage';
    await client.createTopic(topic, 1);
    const schemas = new SchemaRegistry({ host: registry.url });
    const { id } = await schemas.register({ type: AVRO, schema: JSON.stringify(PAGE_VIEW_SCHEMA) }, { subject: `${topic}-value` });
    const views = Array.from({ length: 120 }, (_, i) => pageView(i, START + i * 1000));
    await client.produce(topic, 0, buildRecordBatch(await Promise.all(views.map(async (v) => ({ key: null, value: await schemas.encode(id, v), timestamp: v.ts })))));
    // A local reader schema: the first registry call is a worker thread asking for writer schema `id`.
    const job = writeJob(topic, { schema: path.join(REPO, 'schemas/page_view.avsc') });
    const { port, url } = registry;
    await registry.close();
    try {
      const failed = await sluice(['load', '--job', job]);
      assert.equal(failed.code, 1, failed.stdout + failed.stderr);
      assert.match(failed.stderr, new RegExp(`schema registry ${url.replace(/[/.]/g, '\\$&')} is unavailable`), failed.stderr);
      assert.deepEqual(listFiles(tableDir(topic)).filter((f) => !f.startsWith('_sluice/runs/') && !f.startsWith('_sluice/history') && !f.startsWith('_sluice/locks') && !f.startsWith('_sluice/schemas/')), [], 'no data, checkpoint or dead letter (the schema generation is recorded before reading starts)');
    } finally {
      registry = await startBrokerRegistry(broker.broker, { host: '127.0.0.1', port });
    }
    await loadAndVerify(job, views.length);
    const rows = await pythonRows(path.join(tableDir(topic), 'avro'));
    assert.deepEqual(rows.map((r) => r._kafka_offset), views.map((_, i) => i), 'every offset once');
  });

  it('decodes framed Avro keys into _kafka_key (Avro and Parquet), with the value framed too', async () => {
    const topic = 'pv_keys';
    await client.createTopic(topic, 1);
    const schemas = new SchemaRegistry({ host: registry.url });
    const keySchema = { type: 'record', name: 'ViewKey', namespace: 'sluice.example', fields: [{ name: 'user_id', type: 'string' }, { name: 'shard', type: 'int' }] };
    const keyId = (await schemas.register({ type: AVRO, schema: JSON.stringify(keySchema) }, { subject: `${topic}-key` })).id;
    const valueId = (await schemas.register({ type: AVRO, schema: JSON.stringify(PAGE_VIEW_SCHEMA) }, { subject: `${topic}-value` })).id;
    const views: PageView[] = Array.from({ length: 50 }, (_, i) => pageView(i, START + i * 1000));
    const records: RecordInput[] = await Promise.all(views.map(async (v, i) => ({
      key: i === 7 ? null : await schemas.encode(keyId, { user_id: v.user_id, shard: i % 4 }), value: await schemas.encode(valueId, v), timestamp: v.ts,
    })));
    await client.produce(topic, 0, buildRecordBatch(records));
    const job = writeJob(topic, { schema: 'latest' }, { key: { format: 'avro-confluent' }, metadataColumns: ['offset', 'key'] });
    await loadAndVerify(job, views.length);
    const rows = await pythonRows(path.join(tableDir(topic), 'avro'));
    assert.deepEqual(rows.map((r) => r._kafka_key), views.map((v, i) => (i === 7 ? null : { user_id: v.user_id, shard: i % 4 })));
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    const glob = path.join(tableDir(topic), 'parquet', '**', '*.parquet');
    const keys = (await connection.runAndReadAll(`SELECT _kafka_key.user_id, _kafka_key.shard FROM read_parquet('${glob}') ORDER BY _kafka_offset`)).getRows();
    connection.closeSync();
    assert.deepEqual(keys, views.map((v, i) => (i === 7 ? [null, null] : [v.user_id, i % 4])), 'DuckDB reads the key as a struct column of the Parquet files');
    const ddl = await sluice(['hive-ddl', '--job', job]);
    assert.equal(ddl.code, 0, ddl.stderr);
    assert.match(ddl.stdout, /`_kafka_key` STRUCT<`user_id`: ?STRING, ?`shard`: ?INT>/i, ddl.stdout);
  });

  it('logs in to a registry that asks for basic auth (user:password from the variable the job names); a wrong password fails the run naming the registry', async () => {
    const topic = 'pv_auth';
    await client.createTopic(topic, 1);
    const usersFile = path.join(tmp(), 'registry-users');
    fs.writeFileSync(usersFile, 'etl: s3cret\n');
    const secured = await startBrokerRegistry(broker.broker, { host: '127.0.0.1', port: 0, usersFile });
    try {
      const schemas = new SchemaRegistry({ host: secured.url.replace('//', '//etl:s3cret@') });
      const { id } = await schemas.register({ type: AVRO, schema: JSON.stringify(PAGE_VIEW_SCHEMA) }, { subject: `${topic}-value` });
      const views = Array.from({ length: 30 }, (_, i) => pageView(i, START + i * 1000));
      await client.produce(topic, 0, buildRecordBatch(await Promise.all(views.map(async (v) => ({ key: null, value: await schemas.encode(id, v), timestamp: v.ts })))));

      const wrong = writeJob(topic, { registry: secured.url.replace('//', '//etl:wrong@'), schema: 'latest' });
      const refused = await sluice(['load', '--job', wrong]);
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.match(refused.stderr, new RegExp(`schema registry ${secured.url.replace(/[/.]/g, '\\$&')}: GET /subjects/${topic}-value/versions/latest: Unauthorized \\(error code 401\\)`), refused.stderr);
      assert.ok(!refused.stderr.includes('wrong'), 'the password is not printed');

      const job = writeJob(topic, { registry: secured.url, schema: 'latest', registryAuth: { 'basic.auth.user.info.env': 'SLUICE_TEST_REGISTRY_USER_INFO' } });
      const load = await sluice(['load', '--job', job], { SLUICE_TEST_REGISTRY_USER_INFO: 'etl:s3cret' });
      assert.equal(load.code, 0, load.stderr);
      assert.equal((await pythonRows(path.join(tableDir(topic), 'avro'))).length, views.length);
    } finally {
      await secured.close();
    }
  });
});
