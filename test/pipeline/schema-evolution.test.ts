import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KafkaClient } from '../../src/client/kafka-client';
import { RunningBroker, startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { run } from '../helpers/processes';
import { HOUR, START, listFiles, pageView, produceValues, REPO, writeJob } from '../helpers/page-views';

const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);
const PARTITIONS = 2;
const V1_ROWS = 120;
const V2_ROWS = 80;
const V2_START = START + 2 * HOUR; // v1 rows in hours 00-01, v2 rows in hours 02-03

const V1 = JSON.parse(fs.readFileSync(path.join(REPO, 'schemas/page_view.avsc'), 'utf8')) as { fields: { name: string; type: unknown }[] };
/** v2: a nullable field, a field with a default, and duration_ms widened from int to long (an Avro promotion). */
const V2 = {
  ...V1,
  fields: [
    ...V1.fields.map((f) => (f.name === 'duration_ms' ? { ...f, type: 'long' } : f)),
    { name: 'campaign', type: ['null', 'string'], default: null },
    { name: 'plan', type: 'string', default: 'free' },
  ],
};
/** v3 adds a field without a default: it cannot read what v1 and v2 wrote. */
const V3 = { ...V2, fields: [...V2.fields, { name: 'tier', type: 'string' }] };

const v2Value = (i: number) => ({ ...pageView(i, V2_START + (i - V1_ROWS) * 60_000), duration_ms: 5_000_000_000 + i, campaign: i % 2 ? `c-${i}` : null, plan: i % 3 ? 'pro' : 'team' });

function values(rows: object[]): { key: string; value: Buffer; timestamp: number }[] {
  return rows.map((row) => ({ key: (row as { user_id: string }).user_id, value: Buffer.from(JSON.stringify(row)), timestamp: (row as { ts: number }).ts }));
}

/** Every file of the table with its bytes, and every checkpoint's content: what "nothing was written" compares. */
function snapshot(table: string): Map<string, string> {
  return new Map(listFiles(table).map((f) => [f, f.includes('_sluice/history/') ? '(run history)' : fs.readFileSync(path.join(table, f)).toString('base64')]));
}

interface Row {
  view: string;
  offset: number;
  ts: string;
  duration_ms: number;
  duration_type: string;
  campaign: string | null;
  plan: string;
}

describe('schema evolution: a job\'s schema changes between loads', function () {
  this.timeout(120_000);
  let broker: RunningBroker;
  let client: KafkaClient;
  let dir: string;
  let jobFile: string;
  let schemaFile: string;
  let table: string;

  before(async () => {
    broker = await startBroker({ numPartitions: PARTITIONS });
    client = await KafkaClient.connect(broker.bootstrap);
    await client.createTopic('page_views', PARTITIONS);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-evolution-'));
    schemaFile = path.join(dir, 'page_view.avsc');
    fs.writeFileSync(schemaFile, JSON.stringify(V1, null, 2));
    // One worker thread: the schema the main thread recorded must be the one the worker writes.
    jobFile = writeJob(dir, { value: { format: 'json', schema: schemaFile }, workerThreads: 1, metadataColumns: ['partition', 'offset'] }, broker.bootstrap);
    table = path.join(dir, 'warehouse', 'page_views');

    await produceValues(client, 'page_views', PARTITIONS, values(Array.from({ length: V1_ROWS }, (_, i) => pageView(i, START + i * 60_000))));
    const first = await sluice(['load', '--job', jobFile]);
    assert.equal(first.code, 0, first.stderr);
    fs.writeFileSync(schemaFile, JSON.stringify(V2, null, 2));
    await produceValues(client, 'page_views', PARTITIONS, values(Array.from({ length: V2_ROWS }, (_, k) => v2Value(V1_ROWS + k))));
    const second = await sluice(['load', '--job', jobFile]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /schema generation 2 of table page_views from .*page_view\.avsc \(adds campaign, plan; changes the type of duration_ms\)/);
  });

  after(async () => {
    client?.close();
    await broker?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps each generation under _sluice/schemas/ with the offsets where it starts', () => {
    const history = path.join(table, '_sluice/schemas');
    assert.deepEqual(fs.readdirSync(history).sort(), ['000001', '000002']);
    const generation = (n: string) => JSON.parse(fs.readFileSync(path.join(history, n, 'schema.json'), 'utf8')) as { generation: number; schema: { fields: { name: string }[] } };
    assert.deepEqual(generation('000001').schema.fields.map((f) => f.name), [...V1.fields.map((f) => f.name), '_kafka_partition', '_kafka_offset']);
    assert.deepEqual(generation('000002').schema.fields.map((f) => f.name).slice(-4), ['campaign', 'plan', '_kafka_partition', '_kafka_offset']);
    // Generation 2 starts in each partition where the first load ended: its checkpoints' end offsets.
    for (let p = 0; p < PARTITIONS; p++) {
      const checkpoints = fs.readdirSync(path.join(table, '_sluice/checkpoints', String(p))).filter((f) => f.endsWith('.json')).sort();
      assert.equal(checkpoints.length, 2);
      const [v1Start, v1End] = checkpoints[0].replace('.json', '').split('-').map(Number);
      const starts = (n: string) => fs.readdirSync(path.join(history, n, 'starts')).filter((f) => f.startsWith(`${p}-`));
      assert.deepEqual(starts('000001'), [`${p}-${String(v1Start).padStart(20, '0')}.json`]);
      assert.deepEqual(starts('000002'), [`${p}-${String(v1End).padStart(20, '0')}.json`]);
      const second = JSON.parse(fs.readFileSync(path.join(table, '_sluice/checkpoints', String(p), checkpoints[1]), 'utf8')) as { schemaGeneration: number };
      assert.equal(second.schemaGeneration, 2);
    }
  });

  it('sluice query returns every row from both views, v1 rows with NULL or the default', async () => {
    const columns = "_kafka_offset AS offset, strftime(ts, '%H') AS ts, duration_ms, typeof(duration_ms) AS duration_type, campaign, plan";
    const sql = `SELECT 'parquet' AS view, ${columns} FROM page_views UNION ALL SELECT 'avro' AS view, ${columns} FROM page_views_avro`;
    const result = await sluice(['query', sql, '--jobs', path.join(dir, 'jobs'), '--format', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const rows = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Row);
    for (const view of ['parquet', 'avro']) {
      const mine = rows.filter((r) => r.view === view);
      assert.equal(mine.length, V1_ROWS + V2_ROWS, `${view}: every row`);
      const old = mine.filter((r) => r.ts < '02');
      const fresh = mine.filter((r) => r.ts >= '02');
      assert.equal(old.length, V1_ROWS);
      assert.ok(old.every((r) => r.campaign === null && r.plan === 'free' && r.duration_type === 'BIGINT' && r.duration_ms < 60_000), `${view}: v1 rows get NULL and the default`);
      assert.deepEqual(fresh.map((r) => r.plan).sort(), Array.from({ length: V2_ROWS }, (_, k) => v2Value(V1_ROWS + k).plan).sort());
      assert.equal(fresh.filter((r) => r.campaign !== null).length, V2_ROWS / 2, `${view}: v2 rows keep their own values`);
      assert.ok(fresh.every((r) => r.duration_ms > 5_000_000_000), `${view}: longs beyond int range`);
    }
  });

  it('hive-ddl creates the first generation and ALTERs the tables to the latest', async () => {
    const result = await sluice(['hive-ddl', '--job', jobFile]);
    assert.equal(result.code, 0, result.stderr);
    const ddl = result.stdout;
    const create = ddl.slice(ddl.indexOf('CREATE EXTERNAL TABLE IF NOT EXISTS `page_views` ('), ddl.indexOf(';'));
    assert.match(create, /`duration_ms` INT,/);
    assert.doesNotMatch(create, /campaign/);
    assert.ok(ddl.includes('ALTER TABLE `page_views` ADD COLUMNS (`campaign` STRING, `plan` STRING) CASCADE;'), ddl);
    assert.ok(ddl.includes('ALTER TABLE `page_views` CHANGE COLUMN `duration_ms` `duration_ms` BIGINT CASCADE;'), ddl);
    const literal = /ALTER TABLE `page_views_avro` SET TBLPROPERTIES \('avro\.schema\.literal'='(.*)'\);/.exec(ddl);
    assert.ok(literal, ddl);
    assert.deepEqual(JSON.parse(literal[1].replace(/\\;/g, ';')).fields.map((f: { name: string }) => f.name).slice(-4), ['campaign', 'plan', '_kafka_partition', '_kafka_offset']);
    // The ALTERs come before the partitions, so hours added on a fresh metastore take the latest columns.
    for (const [name, change] of [['page_views', 'ADD COLUMNS'], ['page_views_avro', 'SET TBLPROPERTIES']]) {
      assert.ok(ddl.indexOf(`ALTER TABLE \`${name}\` ${change}`) < ddl.indexOf(`ALTER TABLE \`${name}\` ADD IF NOT EXISTS PARTITION`), `${name}: ${change} first`);
    }
    const since = await sluice(['hive-ddl', '--job', jobFile, '--since-generation', '2']);
    assert.equal(since.code, 0, since.stderr);
    assert.doesNotMatch(since.stdout, /CREATE|ADD COLUMNS|SET TBLPROPERTIES/, 'a metastore at generation 2 needs only the partitions');
    assert.match(since.stdout, /ADD IF NOT EXISTS PARTITION \(dt='2026-11-21', hr='03'\)/);
  });

  it('python3-avro reads both generations, and resolves v1 files to v2 as sluice does', async () => {
    const files = listFiles(table).filter((f) => f.endsWith('.avro')).map((f) => path.join(table, f));
    const reader = path.join(table, '_sluice/schemas/000002/schema.json');
    const readerAvsc = path.join(dir, 'reader.avsc');
    fs.writeFileSync(readerAvsc, JSON.stringify((JSON.parse(fs.readFileSync(reader, 'utf8')) as { schema: unknown }).schema));
    const read = await run('/usr/bin/python3', [path.join(REPO, 'test/helpers/read-avro-generations.py'), readerAvsc, ...files]);
    assert.equal(read.code, 0, read.stderr);
    const perFile = read.stdout.trim().split('\n').map((line) => JSON.parse(line) as { fields: string[]; written: Record<string, unknown>[]; resolved: Record<string, unknown>[] });
    const v1Files = perFile.filter((f) => !f.fields.includes('campaign'));
    const v2Files = perFile.filter((f) => f.fields.includes('plan'));
    assert.equal(v1Files.length + v2Files.length, perFile.length);
    assert.equal(v1Files.reduce((s, f) => s + f.written.length, 0), V1_ROWS);
    assert.equal(v2Files.reduce((s, f) => s + f.written.length, 0), V2_ROWS);
    assert.ok(v1Files.flatMap((f) => f.resolved).every((r) => r.campaign === null && r.plan === 'free'));
    assert.ok(v2Files.flatMap((f) => f.written).every((r) => r.plan === 'pro' || r.plan === 'team'));
  });

  it('verify passes across generations', async () => {
    const verified = await sluice(['verify', '--job', jobFile]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /schema generations: 2/);
    assert.match(verified.stdout, /verify: OK/);
    // A v1 range claimed for generation 2: its files do not carry that schema, and generation 2 starts after it.
    const dir0 = path.join(table, '_sluice/checkpoints/0');
    const v1Checkpoint = path.join(dir0, fs.readdirSync(dir0).filter((f) => f.endsWith('.json')).sort()[0]);
    const original = fs.readFileSync(v1Checkpoint, 'utf8');
    fs.writeFileSync(v1Checkpoint, JSON.stringify({ ...JSON.parse(original), schemaGeneration: 2 }));
    try {
      const tampered = await sluice(['verify', '--job', jobFile]);
      assert.equal(tampered.code, 1);
      assert.match(tampered.stderr, /partition 0 range 0\.\.\d+: written with schema generation 2, which starts in partition 0 at \d+/);
      assert.match(tampered.stderr, /\.avro was written with another schema than generation 2, which its checkpoint names/);
    } finally {
      fs.writeFileSync(v1Checkpoint, original);
    }
  });

  it('refuses an incompatible v3 before writing anything', async () => {
    await produceValues(client, 'page_views', PARTITIONS, values([{ ...v2Value(500), tier: 'gold' }]));
    fs.writeFileSync(schemaFile, JSON.stringify(V3, null, 2));
    const before = snapshot(table);
    const dry = await sluice(['load', '--job', jobFile, '--dry-run']);
    assert.equal(dry.code, 1);
    const refused = await sluice(['load', '--job', jobFile]);
    assert.equal(refused.code, 1, refused.stdout);
    for (const output of [dry.stderr, refused.stderr]) {
      assert.match(output, /SchemaEvolutionError|cannot read the files of schema generation 1 \(BACKWARD_TRANSITIVE/);
      assert.match(output, /READER_FIELD_MISSING_DEFAULT_VALUE at tier \(\/fields\/10\)/);
    }
    assert.deepEqual(snapshot(table), before, 'no new file, no checkpoint, no schema generation');
  });
});
