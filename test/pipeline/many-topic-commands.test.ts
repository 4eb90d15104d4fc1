import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { parquetTopicRows, sluiceAsync as sluice, useTwoClickTopics, writeTopicsJob } from '../helpers/many-topic-jobs';
import { run } from '../helpers/processes';
import { HOUR, listFiles, pageViewValues, produceValues, REPO, START } from '../helpers/page-views';
import { useTempDir } from '../helpers/temp-dir';

const tsOf = (i: number) => START + Math.floor(((i % 40) * 2 * HOUR) / 40);
const DELETE_RECORDS = path.join(REPO, 'test/clients/librdkafka-delete-records.py');

function hashes(table: string): Map<string, string> {
  const data = listFiles(table).filter((f) => /^dt=/.test(f) && f.endsWith('.parquet'));
  return new Map(data.map((f) => [f, createHash('sha256').update(fs.readFileSync(path.join(table, f))).digest('hex')]));
}

describe('reload, dead-letters, ack-gap, backfill and load --partitions of a many-topic job', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  const cluster = useTwoClickTopics(tsOf);

  it('reload of a shared table: every topic\'s files of the hour restored byte for byte, each from its own namespace', async () => {
    const dir = tmp();
    const file = writeTopicsJob(dir, 'clicks', { bootstrap: cluster.broker.bootstrap, topics: ['clicks.eu', 'clicks-us'] }, { table: 'clicks' }, { files: { maxRecords: 8 } });
    await runLoad(loadJobDefinition(file));
    const table = path.join(dir, 'warehouse/clicks');
    const clean = hashes(table);
    const hour00 = [...clean.keys()].filter((f) => f.startsWith('dt=2026-11-21/hr=00/'));
    const damaged = ['clicks.eu', 'clicks-us'].map((topic) => hour00.find((f) => path.basename(f).startsWith(`${topic}+`))!);
    for (const f of damaged) fs.truncateSync(path.join(table, f), 50);
    assert.equal((await sluice(['verify', '--job', file])).code, 1);

    const partitionsAlone = await sluice(['reload', '--job', file, '--hours', '2026-11-21T00', '--partitions', '0']);
    assert.equal(partitionsAlone.code, 2, partitionsAlone.stderr);
    assert.match(partitionsAlone.stderr, /sluice reload: job clicks reads topics clicks\.eu, clicks-us; --partitions takes the partitions of one topic: name one with --topic TOPIC/);

    const reload = await sluice(['reload', '--job', file, '--hours', '2026-11-21T00', '--json']);
    assert.equal(reload.code, 0, reload.stdout + reload.stderr);
    const result = JSON.parse(reload.stdout) as { status: string; topics: { topic: string; status: string; records: number; files: number }[] };
    assert.equal(result.status, 'reloaded');
    assert.deepEqual(result.topics.map((t) => [t.topic, t.status, t.records]), [['clicks-us', 'reloaded', 20], ['clicks.eu', 'reloaded', 20]]);
    assert.deepEqual(hashes(table), clean, 'every file is byte-identical to the clean load');
    // Each topic's reload is a file swap in its own namespace; finished, only its record is left.
    for (const topic of ['clicks.eu', 'clicks-us']) assert.deepEqual(listFiles(path.join(table, '_sluice/topics', topic, 'swaps')).map((f) => /^[^/]+\.json$/.test(f)), [true]);
    assert.ok(!fs.existsSync(path.join(table, '_sluice/swaps')));
    const verify = await sluice(['verify', '--job', file]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.equal(new Set((await parquetTopicRows(table)).map((r) => `${r.topic}/${r.partition}/${r.offset}`)).size, 70);

    // One topic's reload stopped between a file's two renames (the old one aside, the new one waiting): `sluice query`
    // reads that file from the topic's namespace, so every (topic, partition, offset) is there once.
    const swaps = path.join(table, '_sluice/topics/clicks.eu/swaps');
    const record = JSON.parse(fs.readFileSync(path.join(swaps, fs.readdirSync(swaps)[0]), 'utf8')) as { id: string; groups: { written: { path: string }[] }[] };
    const between = record.groups[0].written[0].path;
    for (const copy of ['old', 'tmp']) fs.mkdirSync(path.dirname(path.join(swaps, record.id, copy, between)), { recursive: true });
    fs.copyFileSync(path.join(table, between), path.join(swaps, record.id, 'tmp', between));
    fs.renameSync(path.join(table, between), path.join(swaps, record.id, 'old', between));
    const query = await sluice(['query', '--jobs', path.dirname(file), '--format', 'json', 'SELECT count(*) AS n, count(DISTINCT (_kafka_topic, _kafka_partition, _kafka_offset)) AS once FROM clicks']);
    assert.equal(query.code, 0, query.stderr);
    assert.deepEqual(JSON.parse(query.stdout), { n: 70, once: 70 });
    const finished = await sluice(['load', '--job', file]);
    assert.equal(finished.code, 0, finished.stderr);
    assert.match(finished.stderr, /finished interrupted reload/);
    assert.deepEqual(hashes(table), clean);
    assert.equal((await sluice(['verify', '--job', file])).code, 0);

    const empty = await sluice(['reload', '--job', file, '--topic', 'clicks.eu', '--hours', '2026-11-21T05']);
    assert.equal(empty.code, 1, empty.stdout + empty.stderr);
    assert.match(empty.stderr, /no topic of job clicks \(clicks\.eu\) has a committed file in hours 2026-11-21T05\.\.2026-11-21T05: nothing to reload/);
  });

  it('dead-letters of a shared table, per topic; --topic for one', async () => {
    const dir = tmp();
    await cluster.client.createTopic('bad.a', 1);
    await cluster.client.createTopic('bad.b', 1);
    const garbage = [0, 1].map((i) => ({ key: `k${i}`, value: Buffer.from(`not json ${i}`), timestamp: START }));
    await produceValues(cluster.client, 'bad.a', 1, [...pageViewValues(0, 10, tsOf), ...garbage]);
    await produceValues(cluster.client, 'bad.b', 1, pageViewValues(10, 5, tsOf));
    const file = writeTopicsJob(dir, 'bad', { bootstrap: cluster.broker.bootstrap, topicPattern: 'bad[.].' }, { table: 'bad' }, { badRecords: { maxPercent: 50 } });
    const load = await sluice(['load', '--job', file]);
    assert.equal(load.code, 0, load.stdout + load.stderr);

    const all = await sluice(['dead-letters', '--job', file, '--json']);
    assert.equal(all.code, 0, all.stderr);
    const report = JSON.parse(all.stdout) as { records: number; topics: { topic: string; records: number; files: { path: string }[]; samples: { value: string }[] }[] };
    assert.equal(report.records, 2);
    assert.deepEqual(report.topics.map((t) => [t.topic, t.records, t.files.length]), [['bad.a', 2, 1], ['bad.b', 0, 0]]);
    assert.deepEqual(report.topics[0].samples.map((s) => s.value), ['not json 0', 'not json 1']);
    const one = await sluice(['dead-letters', '--job', file, '--topic', 'bad.b']);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^topic bad\.b:\ndead letters of bad in \S+: 0 records in 0 files\n/);

    // Both topics over the limit in one run (one run id): each keeps its own failed-run record.
    await produceValues(cluster.client, 'bad.a', 1, [...pageViewValues(20, 3, tsOf), { key: 'x', value: Buffer.from('{'), timestamp: START }]);
    await produceValues(cluster.client, 'bad.b', 1, [0, 1, 2].map((i) => ({ key: `y${i}`, value: Buffer.from(`[${i}`), timestamp: START })));
    const failed = await sluice(['load', '--job', file, '--max-bad-percent', '0']);
    assert.equal(failed.code, 1, failed.stdout + failed.stderr);
    const runId = /sluice dead-letters --job bad --run (\S+)\)/.exec(failed.stderr)?.[1];
    assert.ok(runId, failed.stderr);
    const ofRun = await sluice(['dead-letters', '--job', file, '--run', runId, '--json']);
    assert.equal(ofRun.code, 0, ofRun.stderr);
    const runReport = JSON.parse(ofRun.stdout) as { topics: { topic: string; records: number; failedRuns: { runId: string; record: { badRecords: number; records: number } | null }[] }[] };
    assert.deepEqual(runReport.topics.map((t) => [t.topic, t.records, t.failedRuns.map((r) => [r.runId, r.record?.badRecords, r.record?.records])]),
      [['bad.a', 1, [[runId, 1, 4]]], ['bad.b', 3, [[runId, 3, 3]]]]);
  });

  it('ack-gap needs --topic for a gap in one topic of a many-topic job; verify then passes', async () => {
    const dir = tmp();
    await cluster.client.createTopic('gap.a', 1);
    await cluster.client.createTopic('gap.b', 1);
    await produceValues(cluster.client, 'gap.a', 1, pageViewValues(0, 10, tsOf));
    await produceValues(cluster.client, 'gap.b', 1, pageViewValues(10, 10, tsOf));
    const file = writeTopicsJob(dir, 'gaps', { bootstrap: cluster.broker.bootstrap, topics: ['gap.a', 'gap.b'] }, { table: 'gaps' });
    await runLoad(loadJobDefinition(file));
    await produceValues(cluster.client, 'gap.a', 1, pageViewValues(20, 10, tsOf));
    const deleting = await run('/usr/bin/python3', [DELETE_RECORDS, cluster.broker.bootstrap, 'gap.a', '0', '15']);
    assert.equal(deleting.code, 0, deleting.stderr);
    const load = await sluice(['load', '--job', file]);
    assert.equal(load.code, 3, load.stdout + load.stderr);

    const failing = await sluice(['verify', '--job', file]);
    assert.equal(failing.code, 1);
    assert.match(failing.stderr, /PROBLEM topic gap\.a: partition 0: offsets 10\.\.14 \(5\) were deleted by retention before they were loaded .*: sluice ack-gap --job \S+ --topic gap\.a --partition 0 --offsets 10\.\.14\n/);
    const status = await sluice(['status', '--job', file]);
    assert.match(status.stdout, /gap partition 0: 5 offsets lost to retention \(10\.\.14, seen [^)]+\), not acknowledged: sluice ack-gap --job \S+ --topic gap\.a --partition 0 --offsets 10\.\.14/);
    const withoutTopic = await sluice(['ack-gap', '--job', file, '--partition', '0', '--offsets', '10..14']);
    assert.equal(withoutTopic.code, 2, withoutTopic.stderr);
    assert.match(withoutTopic.stderr, /sluice ack-gap: job gaps reads topics gap\.a, gap\.b; a gap is in one topic's partition: name one with --topic TOPIC/);
    const wrongTopic = await sluice(['ack-gap', '--job', file, '--topic', 'gap.b', '--partition', '0', '--offsets', '10..14']);
    assert.equal(wrongTopic.code, 1, wrongTopic.stderr);
    assert.match(wrongTopic.stderr, /partition 0 has no gap at offsets 10\.\.14; it has no gaps/);
    const ack = await sluice(['ack-gap', '--job', file, '--topic', 'gap.a', '--partition', '0', '--offsets', '10..14', '--json']);
    assert.equal(ack.code, 0, ack.stderr);
    assert.deepEqual((({ topic, partition, offsets, count }) => ({ topic, partition, offsets, count }))(JSON.parse(ack.stdout)), { topic: 'gap.a', partition: 0, offsets: '10..14', count: 5 });
    assert.ok(fs.readdirSync(path.join(dir, 'warehouse/gaps/_sluice/topics/gap.a/gaps')).length > 0, 'the acknowledgement is in gap.a\'s namespace');
    const verify = await sluice(['verify', '--job', file]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  });

  it('backfill and load --partitions take --topic for a many-topic job', async () => {
    const dir = tmp();
    const file = writeTopicsJob(dir, 'clicks', { bootstrap: cluster.broker.bootstrap, topicPattern: 'clicks[.-].*' }, { table: 'clicks' });
    const noTopic = await sluice(['backfill', '--job', file, '--from-offset', '0']);
    assert.equal(noTopic.code, 2, noTopic.stderr);
    assert.match(noTopic.stderr, /sluice backfill: job clicks reads topics matching \/clicks\[\.-\]\.\*\/; a backfill reads the offsets or times of one topic: name one with --topic TOPIC/);
    const notSelected = await sluice(['backfill', '--job', file, '--topic', 'gap.a', '--from-offset', '0']);
    assert.equal(notSelected.code, 2, notSelected.stderr);
    assert.match(notSelected.stderr, /--topic gap\.a: job clicks has no such topic \(it reads topics matching/);
    const backfill = await sluice(['backfill', '--job', file, '--topic', 'clicks-us', '--from-offset', '0', '--to-offset', '5', '--json']);
    assert.equal(backfill.code, 0, backfill.stderr);
    assert.equal((JSON.parse(backfill.stdout) as { records: number }).records, 10);
    const backfilled = await parquetTopicRows(path.join(dir, 'warehouse/clicks/_backfill/from-offset-0-to-offset-5'));
    assert.deepEqual([...new Set(backfilled.map((r) => r.topic))], ['clicks-us']);
    assert.equal(backfilled.length, 10);

    const partitionsAlone = await sluice(['load', '--job', file, '--partitions', '0']);
    assert.equal(partitionsAlone.code, 2, partitionsAlone.stderr);
    assert.match(partitionsAlone.stderr, /--partitions and --shard take the partitions of one topic: name one with --topic TOPIC/);
    const load = await sluice(['load', '--job', file, '--topic', 'clicks.eu', '--partitions', '0', '--json']);
    assert.equal(load.code, 0, load.stdout + load.stderr);
    const rows = await parquetTopicRows(path.join(dir, 'warehouse/clicks'));
    assert.deepEqual([...new Set(rows.map((r) => `${r.topic}/${r.partition}`))], ['clicks.eu/0']);
    assert.ok(fs.existsSync(path.join(dir, 'warehouse/clicks/_sluice/topics/clicks.eu')) && !fs.existsSync(path.join(dir, 'warehouse/clicks/_sluice/topics/clicks-us')));
    assert.ok(!listFiles(path.join(dir, 'warehouse/clicks')).some((f) => f.endsWith('_SUCCESS')), 'no hour is complete while other partitions and topics wait');
  });
});
