import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { hiveDdl, HiveDdlError, sinkRootUrl } from '../../src/analyst/hive-ddl';
import { simulateSite } from '../../src/demo/simulated-site';
import { loadAvroSchema, withMetadataColumns } from '../../src/formats/avro-schema';
import type { AvroSchema } from '../../src/formats/record-file-writer';
import { JobDefinition, loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { verifyTable } from '../../src/table/verify';
import { useBrokerWithTopic } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { run } from '../helpers/processes';
import { HOUR, REPO, START, listFiles, pageViewValues, produceValues, writeJob } from '../helpers/page-views';
import { useTempDir } from '../helpers/temp-dir';
import { describeParquet, duckdbTypeAsHive, parquetColumnSchema, parseDdl } from './hive-fixtures';
import { openTable } from '../../src/connector-factory';

const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);
const EXAMPLE_JOBS = ['page_views', 'searches', 'clicks'];

/** The Hive type of each Avro field type in the example schemas and the metadata columns, from the task's mapping. */
function expectedHiveType(type: AvroSchema): string {
  if (typeof type === 'object' && !Array.isArray(type) && type.type === 'enum') return 'STRING';
  const byType: Record<string, string> = {
    '{"type":"long","logicalType":"timestamp-millis"}': 'TIMESTAMP',
    '"string"': 'STRING', '["null","string"]': 'STRING', '"int"': 'INT', '"boolean"': 'BOOLEAN', '["null","long"]': 'BIGINT', '"long"': 'BIGINT',
  };
  const hive = byType[JSON.stringify(type)];
  if (hive === undefined) throw new Error(`the test has no expectation for ${JSON.stringify(type)}: add it`);
  return hive;
}

/** An example job from jobs/, reading from the test broker and writing under the test directory. */
function exampleJob(dir: string, name: string, bootstrap: string, sink = path.join(dir, 'warehouse')): string {
  const job = JSON.parse(fs.readFileSync(path.join(REPO, 'jobs', `${name}.json`), 'utf8'));
  job.source.bootstrap = bootstrap;
  job.value.schema = path.resolve(REPO, 'jobs', job.value.schema);
  job.output.sink = sink;
  fs.mkdirSync(path.join(dir, 'jobs'), { recursive: true });
  const file = path.join(dir, 'jobs', `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(job));
  return file;
}

async function printedDdl(args: string[]): Promise<ReturnType<typeof parseDdl>> {
  const printed = await sluice(['hive-ddl', ...args]);
  assert.equal(printed.code, 0, printed.stderr);
  return parseDdl(printed.stdout);
}

function hoursOf(partitions: { dt: string; hr: string }[]): string[] {
  return partitions.map((p) => `${p.dt}T${p.hr}`);
}

describe('sluice hive-ddl', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', 4);
  const bootstrap = () => fixture().running.bootstrap;

  it('maps every Avro type of the example schemas and the metadata columns, in every table of every example job', async () => {
    for (const name of EXAMPLE_JOBS) {
      const file = exampleJob(tmp(), name, bootstrap());
      const job = loadJobDefinition(file);
      const output = withMetadataColumns(loadAvroSchema(job.value.schema).schema, job.metadataColumns);
      const expected = output.fields!.map((f): [string, string] => [f.name, expectedHiveType(f.type)]);
      const { creates } = await printedDdl(['--job', file]);
      const both = job.output.formats.length === 2;
      assert.deepEqual(creates.map((c) => [c.table, c.storedAs]), both
        ? [[job.output.table, 'PARQUET'], [`${job.output.table}_avro`, 'AVRO']]
        : [[job.output.table, job.output.formats[0].toUpperCase()]]);
      for (const create of creates) {
        assert.deepEqual(create.columns, expected, `${name}: ${create.table}`);
        if (create.storedAs === 'AVRO') assert.deepEqual(JSON.parse(create.schemaLiteral!), output);
        else assert.equal(create.schemaLiteral, null);
      }
    }
  });

  it('agrees with the columns and types DuckDB reads from the Parquet files a real load wrote', async () => {
    const client = fixture().client;
    await client.createTopic('searches', 4);
    await client.createTopic('clicks', 4);
    for (const topic of EXAMPLE_JOBS) {
      const events = simulateSite(START, 2, 60, 7).filter((e) => e.topic === topic);
      await produceValues(client, topic, 4, events.map((e) => ({ key: e.key, value: Buffer.from(JSON.stringify(e.value)), timestamp: e.timestamp })));
    }
    for (const name of EXAMPLE_JOBS) {
      const file = exampleJob(tmp(), name, bootstrap());
      const job = loadJobDefinition(file);
      await runLoad(job);
      const { creates } = await printedDdl(['--job', file]);
      const parquet = creates.find((c) => c.storedAs === 'PARQUET')!;
      const dataRoot = path.join(tmp(), 'warehouse', job.output.table, job.output.formats.length === 2 ? 'parquet' : '');
      const files = listFiles(dataRoot).filter((f) => f.endsWith('.parquet')).map((f) => path.join(dataRoot, f));
      assert.ok(files.length > 0, `${name} wrote Parquet files`);
      const described = await describeParquet(files);
      assert.deepEqual(parquet.columns.map(([column]) => column), described.map(([column]) => column), name);
      assert.deepEqual(parquet.columns.map(([, type]) => type), described.map(([, type]) => duckdbTypeAsHive(type)), name);
      // timestamp-millis is written as INT64 TIMESTAMP (MICROS, UTC-adjusted): Hive TIMESTAMP reads it.
      const ts = await parquetColumnSchema(files[0], 'ts');
      assert.equal(ts.physical, 'INT64');
      assert.match(ts.logical, /^TimestampType\(isAdjustedToUTC=1, unit=TimeUnit\(.*MICROS=MicroSeconds\(\)/);
    }
  });

  it('adds partitions for committed hours only: not a backfill\'s, not an unfinished run\'s; a later load adds its hours', async () => {
    const client = fixture().client;
    await produceValues(client, 'page_views', 4, pageViewValues(0, 2000, (i) => START + i * 5000));
    const file = writeJob(tmp(), {}, bootstrap());
    const job = loadJobDefinition(file);
    await runLoad(job);
    const committed = [...(await verifyTable(job, openTable(job.output.sink, job.output.table))).hours.keys()];
    assert.ok(committed.length >= 3, committed.join());
    const first = await printedDdl(['--job', file]);
    for (const table of ['page_views', 'page_views_avro']) assert.deepEqual(hoursOf(first.partitions.filter((p) => p.table === table)), committed, table);

    // The next day's data: first only as a backfill, beside a crashed run that staged and even moved a file.
    const nextDay = START + 30 * HOUR;
    await produceValues(client, 'page_views', 4, pageViewValues(2000, 500, (i) => nextDay + (i - 2000) * 10_000));
    const backfill = await sluice(['backfill', '--job', file, '--from-time', new Date(nextDay).toISOString()]);
    assert.equal(backfill.code, 0, backfill.stderr);
    const table = path.join(tmp(), 'warehouse/page_views');
    assert.ok(listFiles(path.join(table, '_backfill')).some((f) => f.includes('dt=2026-11-22')), 'the backfill wrote the next day');
    const run = path.join(table, '_sluice/runs/20261122T060000Z-crashed');
    fs.mkdirSync(path.join(run, 'tmp/parquet/dt=2026-11-23/hr=00'), { recursive: true });
    fs.writeFileSync(path.join(run, 'plan.json'), '{}');
    fs.writeFileSync(path.join(run, 'tmp/parquet/dt=2026-11-23/hr=00/x.parquet'), 'staged');
    fs.mkdirSync(path.join(table, 'parquet/dt=2030-01-01/hr=00'), { recursive: true });
    fs.writeFileSync(path.join(table, 'parquet/dt=2030-01-01/hr=00/moved-before-its-checkpoint.parquet'), 'no checkpoint names me');
    const during = await printedDdl(['--job', file]);
    assert.deepEqual(during.partitions, first.partitions);

    await runLoad(job); // recovers (rolls back) the crashed run, then loads the next day
    const later = [...(await verifyTable(job, openTable(job.output.sink, job.output.table))).hours.keys()];
    assert.ok(later.some((hour) => hour.startsWith('2026-11-22')) && later.length > committed.length, later.join());
    const after = await printedDdl(['--job', file]);
    assert.deepEqual(hoursOf(after.partitions.filter((p) => p.table === 'page_views')), later);
    assert.ok(!after.partitions.some((p) => p.dt === '2030-01-01' || p.dt === '2026-11-23'));
    for (const p of after.partitions) {
      const create = after.creates.find((c) => c.table === p.table)!;
      assert.equal(p.location, `${create.location}/dt=${p.dt}/hr=${p.hr}`);
      assert.ok(fs.existsSync(new URL(p.location)), p.location);
    }
  });

  it('LOCATION: file:// for a local sink, hdfs://host:8020 for WebHDFS sinks, --location replacing the root', async () => {
    const local = await printedDdl(['--job', exampleJob(tmp(), 'clicks', bootstrap())]);
    const warehouse = `file://${path.join(tmp(), 'warehouse')}`;
    assert.deepEqual(local.creates.map((c) => c.location), [`${warehouse}/clicks/parquet`, `${warehouse}/clicks/avro`]);
    const single = await printedDdl(['--job', exampleJob(tmp(), 'searches', bootstrap())]);
    assert.deepEqual(single.creates.map((c) => c.location), [`${warehouse}/searches`]);
    const overridden = await printedDdl(['--job', exampleJob(tmp(), 'clicks', bootstrap()), '--location', 'hdfs://nn.example.com:9000/data/wh/']);
    assert.deepEqual(overridden.creates.map((c) => c.location), ['hdfs://nn.example.com:9000/data/wh/clicks/parquet', 'hdfs://nn.example.com:9000/data/wh/clicks/avro']);

    assert.equal(sinkRootUrl('webhdfs://nn.example.com:9870/data/warehouse'), 'hdfs://nn.example.com:8020/data/warehouse');
    assert.equal(sinkRootUrl('swebhdfs://nn.example.com:9871/data/warehouse/'), 'hdfs://nn.example.com:8020/data/warehouse');
    assert.equal(sinkRootUrl('http://nn.example.com:9870/webhdfs/v1/data/warehouse?user.name=etl'), 'hdfs://nn.example.com:8020/data/warehouse');
    assert.equal(sinkRootUrl('hdfs://nn.example.com:9000/data'), 'hdfs://nn.example.com:9000/data');
    assert.throws(() => sinkRootUrl('http://nn.example.com:9870/data'), (e: Error) => e instanceof HiveDdlError && /WebHDFS URL.*--location/.test(e.message));
    assert.throws(() => sinkRootUrl('s3://bucket/wh'), (e: Error) => e instanceof HiveDdlError && /s3:\/\/ sink.*--location/.test(e.message));

    // A job writing to WebHDFS: the statements name hdfs:// locations; the committed state is read through the sink given.
    await produceValues(fixture().client, 'page_views', 4, pageViewValues(0, 300, (i) => START + i * 20_000));
    const job = loadJobDefinition(writeJob(tmp(), {}, bootstrap()));
    await runLoad(job);
    const remote: JobDefinition = { ...job, output: { ...job.output, sink: 'webhdfs://nn.example.com:9870/data/warehouse' } };
    const ddl = parseDdl((await hiveDdl(remote, new LocalSink(job.output.sink))).join('\n'));
    assert.deepEqual(ddl.creates.map((c) => c.location), ['hdfs://nn.example.com:8020/data/warehouse/page_views/parquet', 'hdfs://nn.example.com:8020/data/warehouse/page_views/avro']);
    assert.ok(ddl.partitions.length > 0 && ddl.partitions.every((p) => p.location.startsWith(`hdfs://nn.example.com:8020/data/warehouse/page_views/`)));
  });

  it('escapes quotes, backslashes and semicolons in comments and the Avro schema literal so Hive reads them back exactly', async () => {
    const schemaFile = path.join(tmp(), 'odd.avsc');
    const schema = { type: 'record', name: 'Odd', doc: "it's a \\ test; with \"quotes\"", fields: [{ name: 'v', type: 'string', doc: "O'Brien\\n; ok" }] };
    fs.writeFileSync(schemaFile, JSON.stringify(schema));
    const file = writeJob(tmp(), { value: { format: 'json', schema: schemaFile }, time: {}, output: { formats: ['avro'], sink: path.join(tmp(), 'warehouse'), table: 'odd' } });
    const printed = await sluice(['hive-ddl', '--job', file]);
    assert.equal(printed.code, 0, printed.stderr);
    const [create] = parseDdl(printed.stdout).creates;
    assert.ok(create, printed.stdout);
    assert.deepEqual(JSON.parse(create.schemaLiteral!), withMetadataColumns(schema, loadJobDefinition(file).metadataColumns));
    assert.match(printed.stdout, /^ {2}`v` STRING COMMENT 'O\\'Brien\\\\n\\; ok',$/m);
  });
});
