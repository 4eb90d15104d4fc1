import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { openSink } from '../../src/connector-factory';
import { loadJobDefinition } from '../../src/job/job-definition';
import { topicJob } from '../../src/job/job-topics';
import { runLoad } from '../../src/pipeline/load-job';
import { runLoadThenCompact } from '../../src/pipeline/compact-job';
import type { SwapRecord } from '../../src/table/file-swap';
import { jobTable } from '../../src/table/table-state';
import { SLUICE_BIN } from '../helpers/cli';
import { dataFilesPerHour, parquetTopicRows, sluiceAsync as sluice, TopicRow, useTwoClickTopics, writeTopicsJob } from '../helpers/many-topic-jobs';
import { HOUR, listFiles, START } from '../helpers/page-views';
import { useTempDir } from '../helpers/temp-dir';

/** Two hours of event time (2026-11-21 00 and 01, long complete). */
const tsOf = (i: number) => START + Math.floor(((i % 40) * 2 * HOUR) / 40);
const key = (r: TopicRow) => `${r.topic}/${r.partition}/${r.offset}`;

interface CompactJson {
  ok: boolean;
  topics: { topic: string; ok: boolean; id?: string; table: string; filesBefore?: number; filesAfter?: number; lockHeld?: boolean; error?: string; recovered?: { finished: string[] } }[];
}

describe('sluice compact of a many-topic job', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  const cluster = useTwoClickTopics(tsOf);

  it('a shared table: each topic compacted in its namespace; query and verify see every (topic, partition, offset) once, also while a swap is half done', async () => {
    const dir = tmp();
    const file = writeTopicsJob(dir, 'clicks', { bootstrap: cluster.broker.bootstrap, topics: ['clicks.eu', 'clicks-us'] }, { table: 'clicks' }, { files: { maxRecords: 4 } });
    await runLoad(loadJobDefinition(file));
    const table = path.join(dir, 'warehouse/clicks');
    const loaded = await parquetTopicRows(table);
    assert.equal(loaded.length, 70);
    const before = dataFilesPerHour(table);
    assert.deepEqual([...before.keys()].sort(), ['dt=2026-11-21/hr=00', 'dt=2026-11-21/hr=01']);
    for (const [hour, count] of before) assert.ok(count >= 8, `${hour} starts with many small files (${count})`);
    const backup = path.join(dir, 'loaded');
    fs.cpSync(table, backup, { recursive: true });
    const sql = 'SELECT _kafka_topic, _kafka_partition, _kafka_offset FROM clicks ORDER BY ALL';
    const query = async () => {
      const result = await sluice(['query', '--jobs', path.join(dir, 'jobs'), '--format', 'csv', sql]);
      assert.equal(result.code, 0, result.stderr);
      return result.stdout.trim().split(/\r?\n/).slice(1);
    };
    const queried = await query();
    assert.equal(queried.length, 70);

    const compact = await sluice(['compact', '--job', file, '--json']);
    assert.equal(compact.code, 0, compact.stdout + compact.stderr);
    const result = JSON.parse(compact.stdout) as CompactJson;
    assert.equal(result.ok, true);
    assert.deepEqual(result.topics.map((t) => [t.topic, t.table, t.ok, t.filesAfter]), [['clicks-us', 'clicks', true, 2], ['clicks.eu', 'clicks', true, 2]]);
    // One file per topic and hour: each topic rewrites only its own files.
    for (const [hour, count] of dataFilesPerHour(table)) assert.equal(count, 2, hour);
    for (const topic of ['clicks.eu', 'clicks-us']) assert.equal(fs.readdirSync(path.join(table, '_sluice/topics', topic, 'swaps')).filter((f) => f.endsWith('.json')).length, 1);
    assert.ok(!fs.existsSync(path.join(table, '_sluice/swaps')), 'no swap outside the topics\' namespaces');
    assert.deepEqual((await parquetTopicRows(table)).map(key), loaded.map(key), 'DuckDB reads every row once');
    assert.deepEqual(await query(), queried);
    const verify = await sluice(['verify', '--job', file]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /verify: OK \(2 topics\)/);

    // A swap of each topic committed with its new files in place and its old ones not yet deleted (as a kill between
    // the moves and the deletions leaves it): readers must take both namespaces' swaps to show each row once.
    for (const topic of ['clicks.eu', 'clicks-us']) {
      const swaps = path.join(table, '_sluice/topics', topic, 'swaps');
      for (const name of fs.readdirSync(swaps).filter((f) => f.endsWith('.json'))) {
        const record = JSON.parse(fs.readFileSync(path.join(swaps, name), 'utf8')) as SwapRecord;
        for (const replaced of record.groups.flatMap((g) => g.replaced)) fs.copyFileSync(path.join(backup, replaced.path), path.join(table, replaced.path));
        fs.mkdirSync(path.join(swaps, record.id));
      }
    }
    assert.equal((await parquetTopicRows(table)).length, 140, 'the directories hold both the old and the new files');
    assert.deepEqual(await query(), queried, 'query shows each row once mid-swap');
    const midway = await sluice(['verify', '--job', file]);
    assert.equal(midway.code, 1, midway.stdout);
    assert.match(midway.stderr, /PROBLEM topic clicks-us: compaction \S+ was interrupted after its commit/);
    assert.match(midway.stderr, /PROBLEM topic clicks\.eu: compaction \S+ was interrupted after its commit/);
    const finish = await sluice(['compact', '--job', file, '--json']);
    assert.equal(finish.code, 0, finish.stderr);
    assert.deepEqual((JSON.parse(finish.stdout) as CompactJson).topics.map((t) => t.recovered?.finished.length), [1, 1]);
    assert.deepEqual((await parquetTopicRows(table)).map(key), loaded.map(key));
    assert.deepEqual(await query(), queried);
    assert.equal((await sluice(['verify', '--job', file])).code, 0);
  });

  it('a table per topic: --topic picks one, an unknown one is a usage error, a lock held on one topic exits 4 with the others compacted', async () => {
    const dir = tmp();
    const file = writeTopicsJob(dir, 'raw', { bootstrap: cluster.broker.bootstrap, topicPattern: 'clicks[.-].*' }, { table: 'raw_{topic}' }, { files: { maxRecords: 4 } });
    await runLoad(loadJobDefinition(file));
    const warehouse = path.join(dir, 'warehouse');
    const unknown = await sluice(['compact', '--job', file, '--topic', 'clicks.apac']);
    assert.equal(unknown.code, 2, unknown.stderr);
    assert.match(unknown.stderr, /sluice compact: --topic clicks\.apac: job raw has no such topic \(its topics in the sink: clicks-us, clicks\.eu\)/);

    const held = jobTable(openSink(warehouse), topicJob(loadJobDefinition(file), 'clicks-us'));
    const release = await held.lock('held-by-test', 60_000, [0, 1]);
    let locked;
    try {
      locked = await sluice(['compact', '--job', file, '--json']);
    } finally {
      await release();
    }
    assert.equal(locked.code, 4, locked.stdout + locked.stderr);
    const result = JSON.parse(locked.stdout) as CompactJson;
    assert.equal(result.ok, false);
    assert.deepEqual(result.topics.map((t) => [t.topic, t.table, t.ok, t.lockHeld ?? false]), [['clicks-us', 'raw_clicks_us', false, true], ['clicks.eu', 'raw_clicks_eu', true, false]]);
    for (const [hour, count] of dataFilesPerHour(path.join(warehouse, 'raw_clicks_eu'))) assert.equal(count, 1, hour);
    assert.ok([...dataFilesPerHour(path.join(warehouse, 'raw_clicks_us')).values()].every((count) => count > 1), 'the locked topic is left as it was');

    const one = await sluice(['compact', '--job', file, '--topic', 'clicks-us']);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^raw topic clicks-us: compaction \S+ committed: \d+ files into 2 files in 2 hour directories\n/);
    assert.ok(!one.stdout.includes('clicks.eu'), one.stdout);
    for (const [hour, count] of dataFilesPerHour(path.join(warehouse, 'raw_clicks_us'))) assert.equal(count, 1, hour);
    const verify = await sluice(['verify', '--job', file]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const query = await sluice(['query', '--jobs', path.join(dir, 'jobs'), '--format', 'csv',
      'SELECT (SELECT count(DISTINCT (_kafka_partition, _kafka_offset)) FROM raw_clicks_eu), (SELECT count(*) FROM raw_clicks_eu), (SELECT count(*) FROM raw_clicks_us)']);
    assert.equal(query.code, 0, query.stderr);
    assert.deepEqual(query.stdout.trim().split(/\r?\n/).slice(1), ['40,40,30']);
    assert.ok(listFiles(path.join(warehouse, 'raw_clicks_us')).some((f) => f.includes('+compacted+')));
  });

  it('compaction.after: a scheduled run of a many-topic job compacts each topic\'s part of the shared table after its load', async () => {
    const dir = tmp();
    const file = writeTopicsJob(dir, 'sched', { bootstrap: cluster.broker.bootstrap, topicPattern: 'clicks[.-].*' }, { table: 'sched' }, { files: { maxRecords: 4 }, compaction: { after: 0 } });
    const log: string[] = [];
    await runLoadThenCompact(loadJobDefinition(file), { log: (line) => log.push(line) });
    const table = path.join(dir, 'warehouse/sched');
    for (const [hour, count] of dataFilesPerHour(table)) assert.equal(count, 2, `${hour}: one file per topic (${log.join('\n')})`);
    assert.ok(log.some((l) => /^topic clicks-us: compaction \S+: 2 hour directories compacted$/.test(l)), log.join('\n'));
    assert.equal((await parquetTopicRows(table)).length, 70);
    assert.equal((await sluice(['verify', '--job', file])).code, 0);
  });

  it('a shared table: sluice compact killed (SIGKILL) once a topic\'s swap is committed; rows stay once, the next compact finishes, verify passes', async () => {
    const dir = tmp();
    const file = writeTopicsJob(dir, 'killed', { bootstrap: cluster.broker.bootstrap, topics: ['clicks.eu', 'clicks-us'] }, { table: 'killed' }, { files: { maxRecords: 2 } });
    await runLoad(loadJobDefinition(file));
    const table = path.join(dir, 'warehouse/killed');
    const loaded = (await parquetTopicRows(table)).map(key);
    const committedSwap = () => ['clicks.eu', 'clicks-us'].some((topic) => {
      const swaps = path.join(table, '_sluice/topics', topic, 'swaps');
      return fs.existsSync(swaps) && fs.readdirSync(swaps).some((f) => /^[^.]+\.json$/.test(f));
    });
    const killed = await new Promise<NodeJS.Signals | null>((resolve) => {
      const child = spawn(process.execPath, [SLUICE_BIN, 'compact', '--job', file], { stdio: 'ignore' });
      const poll = setInterval(() => {
        if (!committedSwap()) return;
        child.kill('SIGKILL');
        clearInterval(poll);
      }, 1);
      child.on('close', (_code, signal) => {
        clearInterval(poll);
        resolve(signal);
      });
    });
    assert.equal(killed, 'SIGKILL', 'the compaction was killed before it ended');
    const query = await sluice(['query', '--jobs', path.join(dir, 'jobs'), '--format', 'csv', 'SELECT count(*), count(DISTINCT (_kafka_topic, _kafka_partition, _kafka_offset)) FROM killed']);
    assert.equal(query.code, 0, query.stderr);
    assert.deepEqual(query.stdout.trim().split(/\r?\n/).slice(1), ['70,70'], 'query shows each row once after the kill');
    const again = await sluice(['compact', '--job', file, '--json']);
    // The kill lands in the first topic's swap (its record written, its files moved or not), and this compact finishes
    // it; on a slow machine the swap may have ended before the kill, which leaves nothing to finish.
    const recovered = (JSON.parse(again.stdout) as CompactJson).topics.map((t) => [t.topic, t.recovered?.finished.length]);
    assert.ok([0, 1].includes(Number(recovered[0][1])) && recovered[1][1] === 0, JSON.stringify(recovered));
    assert.equal(again.code, 0, again.stderr);
    for (const [hour, count] of dataFilesPerHour(table)) assert.equal(count, 2, hour);
    assert.deepEqual((await parquetTopicRows(table)).map(key), loaded, 'DuckDB reads every row once');
    const verify = await sluice(['verify', '--job', file]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  });
});
