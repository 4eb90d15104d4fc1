import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startBrokerRegistry } from '../../src/registry/start';
import type { RunningSchemaRegistry } from '../../src/registry/registry-server';
import { KafkaClient } from '../../src/client/kafka-client';
import { startBroker, RunningBroker } from '../helpers/broker';
import { run } from '../helpers/processes';
import { SLUICE_BIN } from '../helpers/cli';
import { registryCall } from '../helpers/registry-http';
import { HOUR, listFiles, pageView, PageView, REPO, START } from '../helpers/page-views';

/** What this test uses of @kafkajs/confluent-schema-registry (its own .d.ts needs the DOM's XMLHttpRequest). */
interface KafkajsRegistry {
  register(schema: { type: 'AVRO'; schema: string }, options: { subject: string }): Promise<{ id: number }>;
  encode(id: number, payload: unknown): Promise<Buffer>;
}
const { SchemaRegistry } = require('@kafkajs/confluent-schema-registry') as { SchemaRegistry: new (options: { host: string }) => KafkajsRegistry };

const PYTHON = '/usr/bin/python3';
const TOPIC = 'pv_evolution';
const SUBJECT = `${TOPIC}-value`;
const V1_ROWS = 120;
const V2_ROWS = 80;
const V2_START = START + 2 * HOUR; // v1 rows in hours 00-01, v2 rows in hours 02-03

type Field = { name: string; type: unknown; default?: unknown };
const V1 = JSON.parse(fs.readFileSync(path.join(REPO, 'schemas/page_view.avsc'), 'utf8')) as { fields: Field[] };
/** v2: a new nullable field and a field with a default; BACKWARD accepts it. */
const V2 = { ...V1, fields: [...V1.fields, { name: 'campaign', type: ['null', 'string'], default: null }, { name: 'plan', type: 'string', default: 'free' }] };
/** v3 adds a field without a default: it cannot read what v1 and v2 wrote. */
const V3 = { ...V2, fields: [...V2.fields, { name: 'tier', type: 'string' }] };

type V2View = PageView & { campaign: string | null; plan: string };
const v1Views: PageView[] = Array.from({ length: V1_ROWS }, (_, i) => pageView(i, START + i * 60_000));
const v2Views: V2View[] = Array.from({ length: V2_ROWS }, (_, k) => ({ ...pageView(V1_ROWS + k, V2_START + k * 60_000), campaign: k % 2 ? `c-${k}` : null, plan: k % 3 ? 'pro' : 'team' }));

const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);

interface GenerationsRead { fields: string[]; written: Record<string, unknown>[]; resolved: Record<string, unknown>[] }

describe('schema evolution through the Schema Registry: a real client registers v1 then v2, sluice loads both with value.schema "latest"', function () {
  this.timeout(120_000);
  let dir = '';
  let broker: RunningBroker;
  let registry: RunningSchemaRegistry;
  let client: KafkaClient;
  let schemas: KafkajsRegistry;
  let ids: { v1: number; v2: number };
  let secondLoad: string;

  function writeJob(name: string, schema: string): string {
    const jobs = path.join(dir, name, 'jobs');
    fs.mkdirSync(jobs, { recursive: true });
    const file = path.join(jobs, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify({
      name, source: { bootstrap: broker.bootstrap, topic: TOPIC },
      value: { format: 'avro-confluent', registry: registry.url, schema },
      output: { formats: ['avro', 'parquet'], sink: '../warehouse', table: name },
      // One worker thread: the schema the main thread recorded must be the one the worker writes.
      time: { field: 'ts' }, metadataColumns: ['partition', 'offset'], workerThreads: 1,
    }));
    return file;
  }
  const tableDir = (name: string) => path.join(dir, name, 'warehouse', name);

  async function produce(id: number, views: object[]): Promise<void> {
    const producer = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const messages = await Promise.all(views.map(async (v) => ({ key: (v as PageView).user_id, value: await schemas.encode(id, v), timestamp: String((v as PageView).ts) })));
    assert.deepEqual([messages[0].value[0], messages[0].value.readUInt32BE(1)], [0, id], 'the client frames its values with the id');
    await producer.send({ topic: TOPIC, messages });
    await producer.disconnect();
  }

  async function load(job: string): Promise<string> {
    const result = await sluice(['load', '--job', job]);
    assert.equal(result.code, 0, result.stderr);
    return result.stderr;
  }

  /** Per Avro file of a table: its writer schema's fields and its rows, as written and resolved to `readerAvsc`. */
  async function pythonFiles(table: string, readerAvsc: string): Promise<GenerationsRead[]> {
    const files = listFiles(path.join(table, 'avro')).filter((f) => f.endsWith('.avro')).map((f) => path.join(table, 'avro', f));
    const read = await run(PYTHON, [path.join(REPO, 'test/helpers/read-avro-generations.py'), readerAvsc, ...files]);
    assert.equal(read.code, 0, read.stderr);
    return read.stdout.trim().split('\n').map((line) => JSON.parse(line) as GenerationsRead);
  }

  let job: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-registry-evolution-'));
    broker = await startBroker({ numPartitions: 1 });
    registry = await startBrokerRegistry(broker.broker, { host: '127.0.0.1', port: 0 });
    client = await KafkaClient.connect(broker.bootstrap);
    await client.createTopic(TOPIC, 1);
    schemas = new SchemaRegistry({ host: registry.url });
    job = writeJob(TOPIC, 'latest');

    const v1 = (await schemas.register({ type: 'AVRO', schema: JSON.stringify(V1) }, { subject: SUBJECT })).id;
    await produce(v1, v1Views);
    const first = await load(job);
    assert.doesNotMatch(first, /schema generation 2/);
    // The client checks the subject's level is BACKWARD before it registers (it set it on the first registration).
    const v2 = (await schemas.register({ type: 'AVRO', schema: JSON.stringify(V2) }, { subject: SUBJECT })).id;
    ids = { v1, v2 };
    await produce(v2, v2Views);
    secondLoad = await load(job);
  });
  after(async () => {
    client?.close();
    await registry?.close();
    await broker?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the registry accepted v2 under BACKWARD as version 2 and refuses an incompatible v3 with 409', async () => {
    assert.notEqual(ids.v2, ids.v1);
    assert.deepEqual((await registryCall(registry.url, 'GET', `/config/${SUBJECT}`)).body, { compatibilityLevel: 'BACKWARD' });
    assert.deepEqual((await registryCall(registry.url, 'GET', `/subjects/${SUBJECT}/versions`)).body, [1, 2]);
    await assert.rejects(schemas.register({ type: 'AVRO', schema: JSON.stringify(V3) }, { subject: SUBJECT }), (error: Error & { status?: number }) => {
      assert.equal(error.status, 409, error.message);
      assert.match(error.message, /tier/);
      return true;
    });
    const latest = await registryCall(registry.url, 'GET', `/subjects/${SUBJECT}/versions/latest`);
    assert.deepEqual([latest.body.version, latest.body.id], [2, ids.v2], 'v3 was not registered');
  });

  it('the second load records v2 as schema generation 2, starting where the first load ended', () => {
    assert.match(secondLoad, new RegExp(`schema generation 2 of table ${TOPIC} from subject ${SUBJECT} version 2 \\(id ${ids.v2}\\) at [^ ]+ \\(adds campaign, plan\\): new files carry it, older files keep generation 1`), secondLoad);
    const history = path.join(tableDir(TOPIC), '_sluice/schemas');
    assert.deepEqual(fs.readdirSync(history).sort(), ['000001', '000002']);
    assert.deepEqual(fs.readdirSync(path.join(history, '000002', 'starts')), [`0-${String(V1_ROWS).padStart(20, '0')}.json`]);
  });

  it('sluice query returns every row from the Avro and the Parquet views: v1 rows with NULL and the default, v2 rows their values', async () => {
    const columns = '_kafka_offset AS kafka_offset, page, campaign, plan';
    const sql = `SELECT 'parquet' AS view, ${columns} FROM ${TOPIC} UNION ALL SELECT 'avro' AS view, ${columns} FROM ${TOPIC}_avro ORDER BY view, kafka_offset`;
    const result = await sluice(['query', sql, '--jobs', path.dirname(job), '--format', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const rows = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { view: string; kafka_offset: number; page: string; campaign: string | null; plan: string });
    const expected = [
      ...v1Views.map((v, i) => ({ kafka_offset: i, page: v.page, campaign: null, plan: 'free' })),
      ...v2Views.map((v, k) => ({ kafka_offset: V1_ROWS + k, page: v.page, campaign: v.campaign, plan: v.plan })),
    ];
    for (const view of ['avro', 'parquet']) {
      assert.deepEqual(rows.filter((r) => r.view === view).map(({ view: _, ...row }) => row), expected, `${view}: every row, each with its generation's values`);
    }
  });

  it('hive-ddl creates the tables with v1 and ALTERs them to v2 (ADD COLUMNS, avro.schema.literal)', async () => {
    const result = await sluice(['hive-ddl', '--job', job]);
    assert.equal(result.code, 0, result.stderr);
    const ddl = result.stdout;
    const create = ddl.slice(ddl.indexOf(`CREATE EXTERNAL TABLE IF NOT EXISTS \`${TOPIC}\` (`), ddl.indexOf(';'));
    assert.match(create, /`page` STRING/);
    assert.doesNotMatch(create, /campaign/);
    assert.ok(ddl.includes(`ALTER TABLE \`${TOPIC}\` ADD COLUMNS (\`campaign\` STRING, \`plan\` STRING) CASCADE;`), ddl);
    const literal = new RegExp(`ALTER TABLE \`${TOPIC}_avro\` SET TBLPROPERTIES \\('avro\\.schema\\.literal'='(.*)'\\);`).exec(ddl);
    assert.ok(literal, ddl);
    const fields = (JSON.parse(literal[1].replace(/\\;/g, ';')) as { fields: Field[] }).fields;
    assert.deepEqual(fields.map((f) => f.name), [...V2.fields.map((f) => f.name), '_kafka_partition', '_kafka_offset']);
    assert.deepEqual(fields.find((f) => f.name === 'plan'), { name: 'plan', type: 'string', default: 'free' });
  });

  it('python3-avro reads both generations: v1 files carry v1\'s schema, v2 files v2\'s, and v1 rows resolve to v2 with the defaults', async () => {
    const table = tableDir(TOPIC);
    const readerAvsc = path.join(dir, 'generation-2.avsc');
    fs.writeFileSync(readerAvsc, JSON.stringify((JSON.parse(fs.readFileSync(path.join(table, '_sluice/schemas/000002/schema.json'), 'utf8')) as { schema: unknown }).schema));
    const perFile = await pythonFiles(table, readerAvsc);
    const metadata = ['_kafka_partition', '_kafka_offset'];
    const v1Files = perFile.filter((f) => f.fields.join() === [...V1.fields.map((x) => x.name), ...metadata].join());
    const v2Files = perFile.filter((f) => f.fields.join() === [...V2.fields.map((x) => x.name), ...metadata].join());
    assert.equal(v1Files.length + v2Files.length, perFile.length, 'every file carries v1 or v2');
    const strip = ({ _kafka_partition, _kafka_offset, ...row }: Record<string, unknown>) => row;
    const byOffset = (a: Record<string, unknown>, b: Record<string, unknown>) => Number(a._kafka_offset) - Number(b._kafka_offset);
    assert.deepEqual(v1Files.flatMap((f) => f.written).sort(byOffset).map(strip), v1Views);
    assert.deepEqual(v2Files.flatMap((f) => f.written).sort(byOffset).map(strip), v2Views);
    assert.deepEqual(v1Files.flatMap((f) => f.resolved).sort(byOffset).map(strip), v1Views.map((v) => ({ ...v, campaign: null, plan: 'free' })));
  });

  it('sluice verify passes across both generations', async () => {
    const verified = await sluice(['verify', '--job', job]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, new RegExp(`^partition 0: offsets 0\\.\\.${V1_ROWS + V2_ROWS} in \\d+ ranges?, ${V1_ROWS + V2_ROWS} records, 0 bad$`, 'm'), verified.stdout);
    assert.match(verified.stdout, /schema generations: 2/);
    assert.match(verified.stdout, /verify: OK/);
  });

  it('a job with a local .avsc reader (v1) loads the v1 and v2 writer records, resolved to the reader', async () => {
    const name = 'pv_local_reader';
    const local = writeJob(name, path.join(REPO, 'schemas/page_view.avsc'));
    const stderr = await load(local);
    assert.doesNotMatch(stderr, /schema generation 2/);
    const verified = await sluice(['verify', '--job', local]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, new RegExp(`^partition 0: offsets 0\\.\\.${V1_ROWS + V2_ROWS} in \\d+ ranges?, ${V1_ROWS + V2_ROWS} records, 0 bad$`, 'm'), verified.stdout);
    const perFile = await pythonFiles(tableDir(name), path.join(REPO, 'schemas/page_view.avsc'));
    assert.ok(perFile.every((f) => !f.fields.includes('campaign') && !f.fields.includes('plan')), 'the files carry the reader schema, not the writer\'s');
    const rows = perFile.flatMap((f) => f.written).sort((a, b) => Number(a._kafka_offset) - Number(b._kafka_offset));
    assert.deepEqual(rows.map(({ _kafka_partition, _kafka_offset, ...row }) => row), [...v1Views, ...v2Views.map(({ campaign, plan, ...v }) => v)]);
  });

  it('a v3 the registry took under NONE is refused by the "latest" load before anything is written, with the rule it breaks', async () => {
    assert.equal((await registryCall(registry.url, 'PUT', `/config/${SUBJECT}`, { compatibility: 'NONE' })).status, 200);
    const v3 = (await registryCall(registry.url, 'POST', `/subjects/${SUBJECT}/versions`, { schema: JSON.stringify(V3) })).body.id as number;
    await produce(v3, [{ ...v2Views[0], ts: V2_START + 3 * HOUR, tier: 'gold' }]);
    const table = tableDir(TOPIC);
    const before = new Map(listFiles(table).filter((f) => !f.startsWith('_sluice/history/')).map((f) => [f, fs.readFileSync(path.join(table, f)).toString('base64')]));
    const refused = await sluice(['load', '--job', job]);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /cannot read the files of schema generation 1 \(BACKWARD_TRANSITIVE/, refused.stderr);
    assert.match(refused.stderr, /READER_FIELD_MISSING_DEFAULT_VALUE at tier/, refused.stderr);
    const after = new Map(listFiles(table).filter((f) => !f.startsWith('_sluice/history/')).map((f) => [f, fs.readFileSync(path.join(table, f)).toString('base64')]));
    assert.deepEqual(after, before, 'no new file, checkpoint or schema generation');
  });
});
