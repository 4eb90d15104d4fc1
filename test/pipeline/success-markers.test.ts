import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { KafkaClient } from '../../src/client/kafka-client';
import { buildRecordBatch } from '../../src/protocol/records';
import { JobDefinitionError, loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { verifyTable } from '../../src/table/verify';
import { readRunHistory } from '../../src/table/run-history';
import { hourAt, lastCompleteHour } from '../../src/table/completeness';
import { HourPartitioner } from '../../src/table/layout';
import { TableState } from '../../src/table/table-state';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { HOUR, listFiles, pageView, writeJob } from '../helpers/page-views';
import { openTable } from '../../src/connector-factory';

const MINUTE = 60_000;
/** Six whole hours ago, so every hour of the test data has ended by now. */
const BASE = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;
const at = (hour: number, ms = 0) => BASE + hour * HOUR + ms;
const key = (hour: number) => new Date(at(hour)).toISOString().slice(0, 13);
const hourDir = (hour: number) => `dt=${key(hour).slice(0, 10)}/hr=${key(hour).slice(11, 13)}`;

let sequence = 0;
async function produceAt(client: KafkaClient, partition: number, times: number[]): Promise<void> {
  const records = times.map((ts) => ({ key: Buffer.from(`k${sequence}`), value: Buffer.from(JSON.stringify(pageView(sequence++, ts))), timestamp: ts }));
  await client.produce('page_views', partition, buildRecordBatch(records));
}

/** Hour keys with `_SUCCESS`, after checking both format trees agree. */
function markedHours(table: string): string[] {
  const inTree = (format: string) => listFiles(path.join(table, format)).filter((f) => f.endsWith('/_SUCCESS')).map((f) => {
    const [, dt, hr] = /^dt=([\d-]+)\/hr=(\d\d)\//.exec(f)!;
    return `${dt}T${hr}`;
  });
  assert.deepEqual(inTree('parquet'), inTree('avro'), 'both format trees carry the same markers');
  return inTree('avro');
}

describe('_SUCCESS markers: hours the low watermark has completed', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', 2);
  const client = () => fixture().client;
  const jobWith = (completeness: Record<string, unknown>) => loadJobDefinition(writeJob(tmp(), {
    workerThreads: 0, limits: { maxRecordsPerPartition: 1 }, completeness,
  }, fixture().running.bootstrap));

  it('marks an hour exactly when every partition has passed its end plus the delay, and reports late data as reopening it', async () => {
    await produceAt(client(), 0, [at(0, 5 * MINUTE), at(1, 20 * MINUTE), at(3, 30 * MINUTE)]);
    await produceAt(client(), 1, [at(0, 20 * MINUTE), at(1, 10 * MINUTE - 1), at(1, 10 * MINUTE), at(3, 10 * MINUTE - 1), at(3, 10 * MINUTE), at(5, 30 * MINUTE)]);
    const job = jobWith({ delaySeconds: 600 });
    const table = path.join(tmp(), 'warehouse', 'page_views');

    for (let run = 0; run < 3; run++) {
      await runLoad(job, { partitions: [0] });
      assert.deepEqual(markedHours(table), [], `partition 0 alone is ahead (run ${run}), partition 1 has loaded nothing`);
    }
    // Partition 0 is now caught up: it no longer holds anything back. Partition 1 loads one record per run.
    const expected = [[], [], [0], [0, 1], [0, 1, 2]];
    for (const [run, hours] of expected.entries()) {
      await runLoad(job, { partitions: [1] });
      assert.deepEqual(markedHours(table), hours.map(key), `after partition 1's run ${run + 1}`);
    }
    for (const format of ['avro', 'parquet']) {
      assert.deepEqual(fs.readdirSync(path.join(table, format, hourDir(2))), ['_SUCCESS'], 'an hour without data between loaded hours gets just the marker');
    }
    const marker = JSON.parse(fs.readFileSync(path.join(table, 'avro', hourDir(1), '_SUCCESS'), 'utf8'));
    assert.equal(marker.hour, key(1));
    assert.equal(marker.delaySeconds, 600);

    await runLoad(job, { partitions: [1] }); // the last record: now every partition is caught up
    const all = markedHours(table);
    for (const hour of [0, 1, 2, 3, 4]) assert.ok(all.includes(key(hour)), `hour ${key(hour)} is complete once all partitions are caught up: ${all}`);
    assert.ok(!all.includes(key(6)), 'the current hour is not complete');
    assert.deepEqual(fs.readdirSync(path.join(table, 'avro', hourDir(4))), ['_SUCCESS']);

    const markerBefore = fs.readFileSync(path.join(table, 'avro', hourDir(1), '_SUCCESS'));
    await produceAt(client(), 0, [at(1, 30 * MINUTE)]);
    const late = await runLoad(job);
    assert.deepEqual(late.committed.map((r) => [r.partition, r.start, r.end]), [[0, 3, 4]]);
    assert.deepEqual(late.committed[0].files.map((f) => f.path), [`avro/${hourDir(1)}/page_views+0+3+4+0.avro`, `parquet/${hourDir(1)}/page_views+0+3+4+0.parquet`]);
    assert.ok(fs.existsSync(path.join(table, 'avro', hourDir(1), 'page_views+0+3+4+0.avro')), 'the late record is loaded into its hour');
    assert.deepEqual(fs.readFileSync(path.join(table, 'avro', hourDir(1), '_SUCCESS')), markerBefore, 'the marker stays as it was');
    const lines = (await readRunHistory(new TableState(new LocalSink(path.join(tmp(), 'warehouse')), 'page_views'), 1)).entries;
    assert.equal(lines[0].runId, late.runId);
    assert.deepEqual(lines[0].reopenedHours, [key(1)]);
    assert.deepEqual(lines[0].hoursWritten, [key(1)]);

    const report = await verifyTable(job, openTable(job.output.sink, job.output.table));
    assert.deepEqual(report.problems, [], 'verify ignores the markers');
    assert.equal(report.hours.get(key(1)), 4);
  });

  it('with idlePartitions "hold" a caught-up partition holds markers back; "advance" lets them through, and a lost marker comes back', async () => {
    await produceAt(client(), 0, [at(0, 5 * MINUTE)]);
    await produceAt(client(), 1, [at(0, 7 * MINUTE)]);
    const held = jobWith({ delaySeconds: 0, idlePartitions: 'hold' });
    await runLoad(held);
    const table = path.join(tmp(), 'warehouse', 'page_views');
    assert.deepEqual(markedHours(table), [], 'event times alone reach only 00:07 into the hour');

    const advancing = jobWith({ delaySeconds: 0 });
    const nothing = await runLoad(advancing);
    assert.equal(nothing.committed.length, 0);
    assert.deepEqual(markedHours(table), [key(0)], 'a run with nothing to load still recomputes the markers');
    fs.rmSync(path.join(table, 'parquet', hourDir(0), '_SUCCESS')); // a crash between the two trees' markers
    await runLoad(advancing);
    assert.deepEqual(markedHours(table), [key(0)]);
  });

  it('finds hour bounds in zones with half-hour offsets and on the repeated hour of a DST change', () => {
    const kolkata = hourAt(new HourPartitioner('Asia/Kolkata'), Date.parse('2026-11-21T00:40:00Z'));
    assert.deepEqual([kolkata.key, new Date(kolkata.start).toISOString(), new Date(kolkata.end).toISOString()], ['2026-11-21T06', '2026-11-21T00:30:00.000Z', '2026-11-21T01:30:00.000Z']);
    const paris = hourAt(new HourPartitioner('Europe/Paris'), Date.parse('2026-10-25T01:30:00Z'));
    assert.deepEqual([paris.key, new Date(paris.start).toISOString(), new Date(paris.end).toISOString()], ['2026-10-25T02', '2026-10-25T00:00:00.000Z', '2026-10-25T02:00:00.000Z']);
    const utc = new HourPartitioner('UTC');
    assert.equal(lastCompleteHour(utc, Date.parse('2026-11-21T01:10:00Z'), 600).key, '2026-11-21T00');
    assert.equal(lastCompleteHour(utc, Date.parse('2026-11-21T01:10:00Z') - 1, 600).key, '2026-11-20T23');
  });

  it('checks the completeness setting, naming the file and the key', () => {
    const bad = (completeness: unknown, pattern: RegExp) => {
      const file = writeJob(tmp(), { completeness });
      assert.throws(() => loadJobDefinition(file), (e: unknown) => e instanceof JobDefinitionError && e.message.startsWith(file) && pattern.test(e.message));
    };
    bad({ delaySeconds: -1 }, /completeness\.delaySeconds: must be a number from 0 to 604800, not -1/);
    bad({ idlePartitions: 'skip' }, /completeness\.idlePartitions: must be one of "advance", "hold", not "skip"/);
    bad({ delay: 5 }, /completeness\.delay: unknown key; did you mean completeness\.delaySeconds\?$/);
    bad('soon', /completeness: must be an object/);
    assert.deepEqual(loadJobDefinition(writeJob(tmp())).completeness, { delaySeconds: 600, idlePartitions: 'advance', onGap: 'hold' });
  });
});
