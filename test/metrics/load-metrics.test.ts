import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { pageViewValues, produceValues, START } from '../helpers/page-views';
import { scrape } from '../helpers/prometheus-scrape';
import { documentedMetricNames, servedNames } from '../helpers/documented-metrics';
import { addJob, avroOutput, tsOf } from '../schedule/jobs';
import { recordsOf, ScheduleChild } from '../schedule/schedule-child';

const JOB = 'page_views_hourly';

function metricsUrl(child: ScheduleChild): string | undefined {
  for (const line of child.lines) {
    const match = /^metrics for Prometheus at (\S+)$/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

function dataBytes(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.avro')) {
      files++;
      bytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
    }
  }
  return { files, bytes };
}

describe('load metrics for Prometheus (sluice schedule --metrics-port)', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  const broker = useBrokerWithTopic('page_views', 4);
  let child: ScheduleChild | undefined;
  afterEach(() => child?.kill());

  it('counts a run\'s records, files and bytes, shows the job\'s lag per partition and the newest complete hour, read by Prometheus\'s parser', async () => {
    const { running, client } = broker();
    await produceValues(client, 'page_views', 4, pageViewValues(0, 2000, tsOf));
    const settings = { name: JOB, output: avroOutput(tmp(), 'page_views'), workerThreads: 0, completeness: { delaySeconds: 0 } };
    const jobFile = addJob(tmp(), 'page_views', { ...settings, schedule: '*/2 * * * * *' }, running.bootstrap);
    const sched = (child = new ScheduleChild(['--jobs', path.join(tmp(), 'jobs'), '--metrics-port', '0']));
    await sched.until('a run loaded the 2000 records', () => sched.runs().some((r) => recordsOf(r) === 2000), 30_000);
    const page = await scrape(metricsUrl(sched)!);
    const job = { job: JOB };
    const group = { group: JOB };
    assert.equal(page.types.sluice_load_records, 'counter');
    assert.equal(page.value('sluice_load_records_total', job), 2000);
    assert.ok(page.value('sluice_load_runs_total', { ...job, outcome: 'loaded' })! >= 1);
    const onDisk = dataBytes(path.join(tmp(), 'warehouse', 'page_views'));
    assert.equal(page.value('sluice_load_files_total', job), onDisk.files);
    assert.equal(page.value('sluice_load_bytes_total', job), onDisk.bytes);
    assert.equal(page.value('sluice_load_bad_records_total', job), 0);
    assert.ok(page.value('sluice_load_run_duration_seconds_count', job)! >= 1);
    assert.equal(page.value('sluice_load_last_run_success', job), 1);
    assert.equal(page.sum('kafka_consumergroup_group_offset', group), 2000, 'committed offsets of the 4 partitions');
    assert.equal(page.sum('sluice_load_high_watermark', group), 2000);
    assert.equal(page.sum('kafka_consumergroup_group_lag', group), 0);
    assert.equal(page.value('sluice_load_newest_complete_hour_timestamp_seconds', job), START / 1000, 'hour 2026-11-21T00 has _SUCCESS');
    assert.equal(page.value('sluice_load_dead_letters', job), 0);
    const served = servedNames(page.samples);
    const loadNames = [...documentedMetricNames()].filter((n) => n.startsWith('sluice_load_') || n === 'kafka_consumergroup_group_lag_seconds');
    assert.ok(loadNames.length >= 8, loadNames.join(', '));
    assert.deepEqual(loadNames.filter((n) => !served.has(n)), [], 'every load metric the dashboard and alert rules in docs/ use is served');
    sched.signal('SIGTERM');
    assert.equal((await sched.exited).code, 0, sched.stderr);

    // Produced while no load runs: the lag shows on the next scheduler's page, in records and in seconds.
    await produceValues(client, 'page_views', 4, pageViewValues(2000, 500, tsOf));
    addJob(tmp(), 'page_views', { ...settings, schedule: '0 0 1 1 *' }, running.bootstrap);
    assert.ok(fs.existsSync(jobFile));
    const idle = (child = new ScheduleChild(['--jobs', path.join(tmp(), 'jobs'), '--metrics-port', '0']));
    await idle.until('the metrics URL', () => metricsUrl(idle) !== undefined, 15_000);
    const later = await scrape(metricsUrl(idle)!);
    assert.equal(later.sum('kafka_consumergroup_group_lag', group), 500);
    const waited = Math.max(...later.samples.filter(([n, l]) => n === 'kafka_consumergroup_group_lag_seconds' && l.group === JOB).map(([, , v]) => Number(v)));
    const oldest = (Date.now() - tsOf(2000)) / 1000;
    assert.ok(waited > oldest - 60 && waited <= oldest + 1, `lag ${waited} s, the oldest waiting record is ${oldest} s old`);
    assert.equal(later.value('sluice_load_records_total', job), undefined, 'a new process starts its counters afresh');
    assert.equal(later.value('sluice_load_run_in_progress', job), undefined);
  });
});
