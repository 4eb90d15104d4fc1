import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hiveDdl } from '../../src/analyst/hive-ddl';
import { KafkaClient } from '../../src/client/kafka-client';
import { openSink } from '../../src/connector-factory';
import { DEFAULT_WORKER_THREADS, JobDefinitionError, loadJobDefinition } from '../../src/job/job-definition';
import { resolveTopics, tableNameFor } from '../../src/job/job-topics';
import { runLoad } from '../../src/pipeline/load-job';
import type { ManyTopicLoadSummary } from '../../src/pipeline/load-summary';
import { RunningBroker, startBroker } from '../helpers/broker';
import { run } from '../helpers/processes';
import { HOUR, pageViewValues, produceValues, START } from '../helpers/page-views';
import { useTempDir } from '../helpers/temp-dir';
import { parquetTopicRows, sluiceAsync as sluice, writeTopicsJob } from '../helpers/many-topic-jobs';


const tsOf = (i: number) => START + Math.floor((i * HOUR) / 40);

describe('many topics per job (source.topics, source.topicPattern)', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  let broker: RunningBroker;
  let client: KafkaClient;

  before(async () => {
    broker = await startBroker({ numPartitions: 2 });
    client = await KafkaClient.connect(broker.bootstrap);
    await client.createTopic('clicks.eu', 2);
    await client.createTopic('clicks-us', 2);
    await client.createTopic('_schemas', 1);
    await produceValues(client, 'clicks.eu', 2, pageViewValues(0, 40, tsOf));
    await produceValues(client, 'clicks-us', 2, pageViewValues(100, 30, tsOf));
  });
  after(async () => {
    client?.close();
    await broker?.stop();
  });

  it('one table for a pattern\'s topics: a topic created between runs is picked up, _kafka_topic read back, verify per topic-partition, nothing twice', async () => {
    const dir = tmp();
    const file = writeTopicsJob(dir, 'clicks', { bootstrap: broker.bootstrap, topicPattern: 'clicks[.-].*' }, { table: 'clicks' }, { workerThreads: 1 });
    const log: string[] = [];
    const first = await runLoad(loadJobDefinition(file), { log: (line) => log.push(line) }) as ManyTopicLoadSummary;
    assert.deepEqual(first.topics.map((t) => [t.topic, t.committed.reduce((s, r) => s + r.records, 0)]), [['clicks-us', 30], ['clicks.eu', 40]]);
    // Markers wait for every topic: none while clicks.eu (loaded second) still had its records in Kafka.
    const marking = log.findIndex((l) => l.startsWith('marked complete'));
    assert.ok(marking > log.findIndex((l) => l.startsWith('topic clicks.eu')), log.join('\n'));

    // A new matching topic, created by a real client (kcat's produce auto-creates it).
    const lines = pageViewValues(200, 10, tsOf).map((v) => `${v.key}:${v.value.toString()}`).join('\n') + '\n';
    const kcat = await run('kcat', ['-P', '-b', broker.bootstrap, '-t', 'clicks.apac', '-K:'], lines);
    assert.equal(kcat.code, 0, kcat.stderr);
    const second = await runLoad(loadJobDefinition(file)) as ManyTopicLoadSummary;
    assert.deepEqual(second.topics.map((t) => [t.topic, t.committed.reduce((s, r) => s + r.records, 0)]), [['clicks-us', 0], ['clicks.apac', 10], ['clicks.eu', 0]]);
    const third = await runLoad(loadJobDefinition(file)) as ManyTopicLoadSummary;
    assert.equal(third.committed.length, 0);

    const table = path.join(dir, 'warehouse/clicks');
    const rows = await parquetTopicRows(table);
    assert.equal(rows.length, 80);
    assert.equal(new Set(rows.map((r) => `${r.topic}/${r.partition}/${r.offset}`)).size, 80, 'no row twice');
    const perTopic = (topic: string) => rows.filter((r) => r.topic === topic).length;
    assert.deepEqual([perTopic('clicks.eu'), perTopic('clicks-us'), perTopic('clicks.apac')], [40, 30, 10]);
    assert.deepEqual(fs.readdirSync(path.join(table, '_sluice/topics')).sort(), ['clicks-us', 'clicks.apac', 'clicks.eu']);
    assert.ok(fs.existsSync(path.join(table, 'dt=2026-11-21/hr=00/_SUCCESS')));

    const verify = await sluice(['verify', '--job', file, '--json']);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const report = JSON.parse(verify.stdout) as { ok: boolean; topics: { topic: string; partitions: { partition: number; records: number }[] }[] };
    assert.deepEqual(report.topics.map((t) => [t.topic, t.partitions.map((p) => p.partition), t.partitions.reduce((s, p) => s + p.records, 0)]),
      [['clicks-us', [0, 1], 30], ['clicks.apac', [0, 1], 10], ['clicks.eu', [0, 1], 40]]);

    const status = await sluice(['status', '--jobs', path.join(dir, 'jobs'), '--job', 'clicks', '--json']);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    const statuses = (JSON.parse(status.stdout) as { jobs: { topic: string; partitions: { partition: number; lagRecords: number }[]; completeHours: string[] }[] }).jobs;
    assert.deepEqual(statuses.map((j) => [j.topic, j.partitions.map((p) => `${p.partition}:${p.lagRecords}`)]),
      [['clicks-us', ['0:0', '1:0']], ['clicks.apac', ['0:0', '1:0']], ['clicks.eu', ['0:0', '1:0']]]);
    assert.ok(statuses.every((j) => j.completeHours.includes('2026-11-21T00')));

    const ddl = await sluice(['hive-ddl', '--job', file]);
    assert.equal(ddl.code, 0, ddl.stderr);
    assert.equal(ddl.stdout.match(/CREATE EXTERNAL TABLE/g)?.length, 1);
    assert.match(ddl.stdout, /`_kafka_topic` STRING/);
    assert.match(ddl.stdout, /PARTITION \(dt='2026-11-21', hr='00'\)/);
  });

  it('one table per topic with {topic}: a listed topic that does not exist is skipped with a warning; query and hive-ddl see each table', async () => {
    const dir = tmp();
    const file = writeTopicsJob(dir, 'raw', { bootstrap: broker.bootstrap, topics: ['clicks.eu', 'clicks-us', 'not_there'] }, { table: 'raw_{topic}' }, { workerThreads: DEFAULT_WORKER_THREADS });
    const load = await sluice(['load', '--job', file]);
    assert.equal(load.code, 0, load.stdout + load.stderr);
    assert.match(load.stderr, /topic not_there \(source\.topics\) does not exist: skipped this run/);
    assert.match(load.stdout, /topic clicks\.eu → table raw_clicks_eu: run \S+ committed/);
    assert.ok(!(await client.metadata(null)).some((t) => t.name === 'not_there'), 'listing the topics created none');
    const again = await runLoad(loadJobDefinition(file), { log: () => undefined }) as ManyTopicLoadSummary;
    assert.deepEqual(again.topics.map((t) => [t.table, t.committed.length]), [['raw_clicks_eu', 0], ['raw_clicks_us', 0]]);
    assert.deepEqual(again.missingTopics, ['not_there']);

    const verify = await sluice(['verify', '--job', file]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /topic clicks\.eu \(table raw_clicks_eu\):\npartition 0: /);
    assert.match(verify.stdout, /verify: OK \(2 topics\)/);

    const query = await sluice(['query', '--jobs', path.join(dir, 'jobs'), '--format', 'csv', "SELECT 'eu', count(*) FROM raw_clicks_eu UNION ALL SELECT 'us', count(*) FROM raw_clicks_us ORDER BY 1"]);
    assert.equal(query.code, 0, query.stderr);
    assert.deepEqual(query.stdout.trim().split(/\r?\n/).slice(1), ['eu,40', 'us,30']);
    const ddl = await hiveDdl(loadJobDefinition(file), openSink(path.join(dir, 'warehouse')));
    assert.deepEqual(ddl.filter((s) => s.startsWith('CREATE')).map((s) => /TABLE (?:IF NOT EXISTS )?`?(\w+)`?/.exec(s)?.[1]), ['raw_clicks_us', 'raw_clicks_eu']);
    assert.ok(!ddl.join('\n').includes('_kafka_topic'), 'a table per topic has no _kafka_topic column');
  });

  it('takes {topic} in a source.topic job too: its one table is named from the topic, with today\'s layout', async () => {
    const dir = tmp();
    const file = writeTopicsJob(dir, 'one', { bootstrap: broker.bootstrap, topic: 'clicks.eu' }, { table: 'one_{topic}' }, { workerThreads: 0 });
    const summary = await runLoad(loadJobDefinition(file));
    assert.equal(summary.committed.reduce((s, r) => s + r.records, 0), 40);
    const table = path.join(dir, 'warehouse/one_clicks_eu');
    assert.deepEqual(fs.readdirSync(path.join(table, '_sluice')).filter((n) => n === 'checkpoints' || n === 'topics'), ['checkpoints']);
    const verify = await sluice(['verify', '--job', file]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /records per hour:\n  2026-11-21 00:00  40\n/);
  });

  it('resolves topics as Kafka does: whole-name pattern, internal topics never matched, list order kept', () => {
    const file = writeTopicsJob(tmp(), 'p', { topicPattern: '.*s' }, { table: 't_{topic}' });
    const job = loadJobDefinition(file);
    const listed = [{ name: '__consumer_offsets', internal: true }, { name: '__transaction_state', internal: false }, { name: '_schemas', internal: false }, { name: 'clicks', internal: false }, { name: 'clicks_eu', internal: false }];
    assert.deepEqual(resolveTopics(job, listed).topics, ['clicks']);
    assert.equal(tableNameFor(job, 'web.clicks-eu'), 't_web_clicks_eu');
    const bare = loadJobDefinition(writeTopicsJob(tmp(), 'bare', { topicPattern: '.*' }, { table: '{topic}' }));
    assert.throws(() => tableNameFor(bare, '9lives'), /output\.table: topic 9lives gives the table name "9lives", which is not a Hive table name/);
    const listJob = loadJobDefinition(writeTopicsJob(tmp(), 'l', { topics: ['b', '_schemas', 'a'] }, { table: 't' }));
    assert.deepEqual(resolveTopics(listJob, [...listed, { name: 'a', internal: false }, { name: 'b', internal: false }]), { topics: ['b', '_schemas', 'a'], missing: [] });
  });

  it('refuses anything but exactly one of source.topic, source.topics and source.topicPattern, naming the key', () => {
    const failure = (source: Record<string, unknown>, table = 't') => {
      try {
        loadJobDefinition(writeTopicsJob(tmp(), 'bad', source, { table }));
      } catch (error) {
        assert.ok(error instanceof JobDefinitionError);
        return (error as Error).message;
      }
      assert.fail('accepted');
    };
    assert.match(failure({ topic: 'a', topicPattern: 'a.*' }), /source\.topicPattern: cannot go with source\.topic: give exactly one of/);
    assert.match(failure({}), /source\.topic: is required \(or source\.topics, a list of topics, or source\.topicPattern, a regex\)/);
    assert.match(failure({ topics: [] }), /source\.topics: must be a non-empty list/);
    assert.match(failure({ topics: ['a', 'a b'] }), /source\.topics\[1\]: /);
    assert.match(failure({ topics: ['a', 'a'] }), /source\.topics\[1\]: "a" is listed twice/);
    assert.match(failure({ topicPattern: 'a(' }), /source\.topicPattern: is not a regular expression/);
    assert.match(failure({ topics: ['a'] }, 'bad-{topic}'), /output\.table: must be a Hive table name/);
  });
});
