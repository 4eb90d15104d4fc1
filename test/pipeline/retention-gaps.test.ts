import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KafkaClient } from '../../src/client/kafka-client';
import { buildRecordBatch } from '../../src/protocol/records';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { jobStatus } from '../../src/status/job-status';
import { renderJobStatus } from '../../src/status/render';
import { RunningBroker, startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { listFiles, pageView, REPO, writeJob } from '../helpers/page-views';
import { run } from '../helpers/processes';
import { useTempDir } from '../helpers/temp-dir';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Six whole hours ago, so every hour of the test data has ended. */
const BASE = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;
const at = (hour: number, minute: number) => BASE + hour * HOUR + minute * MINUTE;
const key = (hour: number) => new Date(at(hour, 0)).toISOString().slice(0, 13);
// The in-process broker must go on answering while the CLI runs: an asynchronous child, never spawnSync.
const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);
const READ_AVRO = path.join(REPO, 'test/helpers/read-avro-offsets.py');

describe('retention gaps: offsets deleted by retention before a load', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  let running: RunningBroker;
  let client: KafkaClient;
  let sequence = 0;

  beforeEach(async () => {
    running = await startBroker({ logRetentionCheckIntervalMs: 100 });
    client = await KafkaClient.connect(running.bootstrap);
    // Each batch of five page views (~1.16 kB) fills a segment of its own; retention.bytes keeps the newest two of five
    // (by size, not time: retention.ms would also delete the first, active, segment before the first load, as Kafka does).
    await client.createTopic('page_views', 1, { 'segment.bytes': '1500', 'retention.bytes': '1800' });
  });
  afterEach(async () => {
    client.close();
    await running.stop();
  });

  /** Five page views at `hour` (minutes 10-50), Kafka timestamp = event time, as one batch: one segment. */
  async function produceHour(hour: number): Promise<void> {
    const records = [10, 20, 30, 40, 50].map((minute) => {
      const view = pageView(sequence++, at(hour, minute));
      return { key: Buffer.from(view.user_id), value: Buffer.from(JSON.stringify(view)), timestamp: view.ts };
    });
    await client.produce('page_views', 0, buildRecordBatch(records));
  }

  /** Loads hour 0 (offsets 0-4), then lets retention delete hours 1 and 2 (offsets 5-14) before the next load. */
  async function loseHoursOneAndTwo(completeness: Record<string, unknown>): Promise<string> {
    const jobFile = writeJob(tmp(), {
      workerThreads: 0, schedule: '5 * * * *', completeness: { delaySeconds: 0, ...completeness },
      output: { formats: ['avro'], avroCodec: 'deflate', sink: path.join(tmp(), 'warehouse'), table: 'page_views' },
    }, running.bootstrap);
    await produceHour(0);
    const first = await runLoad(loadJobDefinition(jobFile));
    assert.deepEqual(first.committed.map((r) => [r.start, r.end]), [[0, 5]], JSON.stringify(first.plan));
    for (const hour of [1, 2, 4, 5]) await produceHour(hour);
    const deadline = Date.now() + 5000;
    let logStart = 0;
    while (logStart < 15 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      logStart = (await client.offsetFor('page_views', 0, -2)).offset;
    }
    assert.equal(logStart, 15, 'retention deleted the segments of hours 0, 1 and 2; those of hours 4 and 5 fit in retention.bytes');
    return jobFile;
  }

  const table = () => path.join(tmp(), 'warehouse', 'page_views');
  const markedHours = () => listFiles(table()).filter((f) => f.endsWith('/_SUCCESS')).map((f) => f.replace(/^dt=([\d-]+)\/hr=(\d\d)\/_SUCCESS$/, '$1T$2'));

  it('records the gap as lost, holds its hours, exits 3; verify fails until ack-gap, then passes and the hours are marked', async () => {
    const jobFile = await loseHoursOneAndTwo({});
    assert.deepEqual(markedHours(), [key(0)]);

    const load = await sluice(['load', '--job', jobFile]);
    assert.equal(load.code, 3, `exit status 3, loaded with gaps:\n${load.stdout}${load.stderr}`);
    assert.match(load.stdout, /partition 0: offsets 5\.\.14 lost to retention \(10 offsets deleted before they were loaded\)/);
    assert.match(load.stdout, /partition 0: offsets 15\.\.25, 10 records, 0 bad/);
    assert.match(load.stderr, /not marked complete: .*: a retention gap not acknowledged may touch them/);
    const lost = JSON.parse(fs.readFileSync(path.join(table(), `_sluice/checkpoints/0/${'5'.padStart(20, '0')}-${'15'.padStart(20, '0')}.json`), 'utf8'));
    assert.equal(lost.kind, 'lost');
    assert.equal(lost.lost.count, 10);
    assert.deepEqual([lost.records, lost.files], [0, []]);
    assert.equal(lost.lost.eventTimeFrom, at(0, 50), 'bounded below by the latest event time loaded before the gap');
    assert.equal(lost.lost.eventTimeTo, at(4, 10), 'bounded above by the Kafka timestamp of the first record kept after it');
    assert.ok(Date.parse(lost.lost.seenAt) > Date.now() - 60_000);
    // Hours 1-4 may hold lost records: no _SUCCESS; hour 5, after the gap's bound, is complete and marked.
    assert.deepEqual(markedHours(), [key(0), key(5)]);
    const avroFiles = listFiles(table()).filter((f) => f.endsWith('.avro')).map((f) => path.join(table(), f));
    const read = await run('/usr/bin/python3', [READ_AVRO, ...avroFiles]);
    assert.equal(read.code, 0, read.stderr);
    const offsets = read.stdout.trim().split('\n').flatMap((line) => (JSON.parse(line) as { rows: number[][] }).rows.map((r) => r[1])).sort((a, b) => a - b);
    assert.deepEqual(offsets, [0, 1, 2, 3, 4, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24], 'python3-avro reads every record still in Kafka, once');

    const failing = await sluice(['verify', '--job', jobFile]);
    assert.equal(failing.code, 1);
    assert.match(failing.stderr, /PROBLEM partition 0: offsets 5\.\.14 \(10\) were deleted by retention before they were loaded \(seen [^)]+\), not acknowledged; if they are gone for good: sluice ack-gap --job \S+ --partition 0 --offsets 5\.\.14/);
    assert.match(failing.stdout, /partition 0: offsets 0\.\.25 in 3 ranges, 15 records, 0 bad, 10 offsets lost to retention/);

    const status = await sluice(['status', '--jobs', path.dirname(jobFile), '--job', 'page_views_test']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /dead letters {2}lost\n {2}0 +25 +25 +0 +0 s +0 +10\n/);
    assert.match(status.stdout, /gap partition 0: 10 offsets lost to retention \(5\.\.14, seen [^)]+\), not acknowledged: sluice ack-gap --job \S+ --partition 0 --offsets 5\.\.14/);
    assert.ok(!status.stdout.includes('\u001b['), 'no colour when stdout is not a terminal');

    const wrong = await sluice(['ack-gap', '--job', jobFile, '--partition', '0', '--offsets', '5..13']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /partition 0 has no gap at offsets 5\.\.13; its gaps: 5\.\.14/);
    const ack = await sluice(['ack-gap', '--job', jobFile, '--partition', '0', '--offsets', '5..14', '--reason', 'consumer was down over the weekend', '--json']);
    assert.equal(ack.code, 0, ack.stderr);
    const acked = JSON.parse(ack.stdout);
    assert.deepEqual([acked.partition, acked.offsets, acked.count, acked.alreadyAcknowledged], [0, '5..14', 10, false]);
    assert.equal(acked.acknowledgement.reason, 'consumer was down over the weekend');
    assert.ok(acked.acknowledgement.acknowledgedBy.length > 0 && acked.acknowledgement.host.length > 0);
    const stored = JSON.parse(fs.readFileSync(path.join(table(), `_sluice/gaps/0/${'5'.padStart(20, '0')}-${'15'.padStart(20, '0')}.json`), 'utf8'));
    assert.deepEqual(stored, acked.acknowledgement, 'the acknowledgement is a record under _sluice/');

    const passing = await sluice(['verify', '--job', jobFile, '--json']);
    assert.equal(passing.code, 0, passing.stdout);
    const report = JSON.parse(passing.stdout);
    assert.equal(report.ok, true);
    assert.deepEqual(report.gaps.map((g: { start: number; end: number; acknowledgement: { reason: string } }) => [g.start, g.end, g.acknowledgement.reason]), [[5, 15, 'consumer was down over the weekend']]);

    // The next run (nothing new to load) marks the hours the acknowledged gap held.
    const next = await runLoad(loadJobDefinition(jobFile));
    assert.equal(next.committed.length, 0);
    assert.deepEqual(markedHours(), [0, 1, 2, 3, 4, 5].map(key));
  });

  it('with completeness.onGap "mark" the hours are marked anyway; sluice schedule --once reports the gap and exits 3', async () => {
    const jobFile = await loseHoursOneAndTwo({ onGap: 'mark' });
    const scheduled = await sluice(['schedule', '--jobs', path.dirname(jobFile), '--once']);
    assert.equal(scheduled.code, 3, `${scheduled.stdout}${scheduled.stderr}`);
    assert.match(scheduled.stdout, /page_views_test: run \S+ ended: 1 range, 10 records, 2 files in [\d.]+ s; loaded with gaps \(exit status 3\): partition 0 offsets 5\.\.14 lost to retention/);
    assert.deepEqual(markedHours(), [0, 1, 2, 3, 4, 5].map(key));

    const status = await jobStatus(loadJobDefinition(jobFile), { runs: 5 });
    assert.deepEqual(status.gaps.map((g) => [g.partition, g.start, g.end, g.count, g.acknowledgement]), [[0, 5, 15, 10, null]]);
    assert.deepEqual(status.partitions.map((p) => [p.partition, p.lostOffsets, p.lagRecords]), [[0, 10, 0]]);
    const coloured = renderJobStatus(status, { color: true }).filter((line) => line.includes('\u001b[31m'));
    assert.equal(coloured.length, 2, 'on a terminal the partition row and the gap line are red');
    assert.match(coloured[1], /gap partition 0: 10 offsets lost to retention/);
  });
});
