import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { partitionForKey } from '../../src/client/murmur2';
import { TableState } from '../../src/table/table-state';
import { openSink } from '../../src/connector-factory';
import type { LagBreach } from '../../src/status/lag-thresholds';
import type { JobStatus } from '../../src/status/job-status';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { run } from '../helpers/processes';
import { SLUICE_BIN } from '../helpers/cli';
import { START, pageViewValues, produceValues, writeJob } from '../helpers/page-views';

const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);
const PARTITIONS = 3;

describe('sluice status --max-lag-records / --max-lag-seconds (a check for cron and Nagios)', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', PARTITIONS);

  it('exits 1 naming each partition past a threshold, 0 below it, and shows a run in progress', async () => {
    const values = pageViewValues(0, 300, (i) => START + i * 1000);
    await produceValues(fixture().client, 'page_views', PARTITIONS, values);
    const perPartition = new Map<number, number>();
    for (const v of values) perPartition.set(partitionForKey(Buffer.from(v.key), PARTITIONS), (perPartition.get(partitionForKey(Buffer.from(v.key), PARTITIONS)) ?? 0) + 1);
    const largest = Math.max(...perPartition.values());
    const smallest = Math.min(...perPartition.values());
    const jobFile = writeJob(tmp(), { output: { formats: ['avro'], sink: path.join(tmp(), 'warehouse'), table: 'page_views' } }, fixture().running.bootstrap);

    const between = await sluice(['status', '--job', 'page_views_test', '--jobs', path.dirname(jobFile), '--max-lag-records', String(smallest)]);
    assert.equal(between.code, perPartition.size > 1 && largest > smallest ? 1 : 0, between.stderr);
    const over = [...perPartition].filter(([, n]) => n > smallest).map(([p]) => p).sort();
    for (const p of over) assert.match(between.stderr, new RegExp(`page_views_test: partition ${p} lags ${perPartition.get(p)} records, \\d+ s \\(over --max-lag-records ${smallest}\\)`));
    assert.equal((between.stderr.match(/ lags /g) ?? []).length, over.length, between.stderr);

    const below = await sluice(['status', '--jobs', path.dirname(jobFile), '--max-lag-records', String(largest)]);
    assert.equal(below.code, 0, below.stderr);
    assert.doesNotMatch(below.stderr, / lags /);

    // Records stamped on 2026-11-21 have waited days: past an hour's --max-lag-seconds, in the JSON document too.
    const old = await sluice(['status', '--jobs', path.dirname(jobFile), '--max-lag-seconds', '3600', '--json']);
    assert.equal(old.code, 1);
    const report = JSON.parse(old.stdout) as { ok: boolean; breaches: LagBreach[]; thresholds: { maxLagSeconds: number } };
    assert.equal(report.ok, false);
    assert.equal(report.thresholds.maxLagSeconds, 3600);
    assert.deepEqual(report.breaches.map((b) => b.partition).sort(), [...perPartition.keys()].sort());
    for (const b of report.breaches) {
      assert.deepEqual(b.over, ['seconds']);
      assert.ok(b.lagSeconds > (Date.now() - START) / 1000 - 600, `lag ${b.lagSeconds} s`);
    }

    const load = await sluice(['load', '--job', jobFile]);
    assert.equal(load.code, 0, load.stderr);
    const caughtUp = await sluice(['status', '--jobs', path.dirname(jobFile), '--max-lag-records', '0', '--max-lag-seconds', '0']);
    assert.equal(caughtUp.code, 0, caughtUp.stderr + caughtUp.stdout);

    // A run holding the job's locks (here this process, as another load would) shows as in progress.
    const table = new TableState(openSink(path.join(tmp(), 'warehouse')), 'page_views');
    const release = await table.lock('20261202T120000Z-abc123', 60_000, [0, 2]);
    try {
      const during = await sluice(['status', '--jobs', path.dirname(jobFile)]);
      assert.match(during.stdout, /run in progress: 20261202T120000Z-abc123 by .+, holding partitions 0, 2/);
      const json = JSON.parse((await sluice(['status', '--jobs', path.dirname(jobFile), '--json'])).stdout) as { jobs: JobStatus[] };
      assert.deepEqual(json.jobs[0].runsInProgress.map((r) => [r.runId, r.partitions]), [['20261202T120000Z-abc123', [0, 2]]]);
    } finally {
      await release();
    }
    const after = await sluice(['status', '--jobs', path.dirname(jobFile)]);
    assert.doesNotMatch(after.stdout, /run in progress/);

    const bad = await sluice(['status', '--jobs', path.dirname(jobFile), '--max-lag-records', '-5']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--max-lag-records must be a number ≥ 0, not -5/);
  });
});
