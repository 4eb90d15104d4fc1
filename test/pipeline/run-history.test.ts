import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { loadJobDefinition } from '../../src/job/job-definition';
import { executeRun, makePlan, runLoad } from '../../src/pipeline/load-job';
import type { RecordSource } from '../../src/ports/record-source';
import { historyFile, readRunHistory } from '../../src/table/run-history';
import { RangeCheckpoint, TableState, TableStore } from '../../src/table/table-state';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { run } from '../helpers/processes';
import { SLUICE_BIN } from '../helpers/cli';
import { HOUR, START, pageViewValues, produceValues, writeJob } from '../helpers/page-views';

const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);

/** Renames of final files start failing after `okRenames`, as if the process died mid-commit. */
class RenameFailingSink extends LocalSink {
  private renames = 0;
  constructor(location: string, private readonly okRenames: number) {
    super(location);
  }
  override async rename(from: string, to: string): Promise<boolean> {
    if (!from.includes('.tmp') && ++this.renames > this.okRenames) throw new Error('injected failure: the process died here');
    return super.rename(from, to);
  }
}

async function committedRanges(table: TableState): Promise<RangeCheckpoint[]> {
  const ranges: RangeCheckpoint[] = [];
  for (const p of await table.checkpointedPartitions()) ranges.push(...(await table.checkpoints(p)));
  return ranges;
}

describe('run history (_sluice/history/runs-YYYY-MM.jsonl)', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', 3);
  const client = () => fixture().client;
  const bootstrap = () => fixture().running.bootstrap;
  const tableOf = () => new TableState(new LocalSink(path.join(tmp(), 'warehouse')), 'page_views');

  it('LocalSink.append creates the file, then adds to its end', async () => {
    const sink = new LocalSink(tmp());
    await sink.append('a/b/log.txt', Buffer.from('one\n'));
    await sink.append('a/b/log.txt', Buffer.from('two\n'));
    assert.equal(fs.readFileSync(path.join(tmp(), 'a/b/log.txt'), 'utf8'), 'one\ntwo\n');
  });

  it('holds one line per run: committed, nothing-to-do and failed, with their ranges and counts', async () => {
    const tsOf = (i: number) => START + Math.floor(i / 150) * HOUR + (i % 150) * 1000; // 150 per hour
    await produceValues(client(), 'page_views', 3, pageViewValues(0, 300, tsOf));
    const jobFile = writeJob(tmp(), { output: { formats: ['avro'], sink: path.join(tmp(), 'warehouse'), table: 'page_views' } }, bootstrap());
    const committed = await sluice(['load', '--job', jobFile]);
    assert.equal(committed.code, 0, committed.stderr);
    const nothing = await sluice(['load', '--job', jobFile]);
    assert.match(nothing.stdout, /nothing new to load/);
    const table = tableOf();
    const firstRanges = await committedRanges(table);

    const bad = Array.from({ length: 6 }, (_, i) => ({ key: `user-${i}`, value: Buffer.from(`not json ${i}`), timestamp: START }));
    await produceValues(client(), 'page_views', 3, [...bad, ...pageViewValues(300, 14, () => START + 5)]);
    const failed = await sluice(['load', '--job', jobFile]);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /6 of 20 records are bad/);

    const { entries, skippedLines } = await readRunHistory(table, 10);
    assert.equal(skippedLines, 0);
    assert.deepEqual(entries.map((e) => e.status), ['committed', 'nothing-to-do', 'failed']);
    const [first, second, third] = entries;
    for (const entry of entries) {
      assert.equal(entry.job, 'page_views_test');
      assert.equal(entry.kind, 'scheduled');
      assert.ok(typeof entry.pid === 'number' && entry.pid !== process.pid, 'written by the CLI process');
      assert.ok(Date.parse(entry.start) <= Date.parse(entry.end));
    }
    assert.deepEqual(
      first.ranges.map((r) => [r.partition, r.start, r.end, r.records, r.badRecords]).sort(),
      firstRanges.map((r) => [r.partition, r.start, r.end, r.records, r.badRecords]).sort(),
    );
    assert.equal(first.records, 300);
    const files = firstRanges.flatMap((r) => r.files);
    assert.equal(first.files, files.length);
    assert.equal(first.bytes, files.reduce((s, f) => s + f.bytes, 0));
    assert.deepEqual(first.hoursWritten, ['2026-11-21T00', '2026-11-21T01']);
    assert.deepEqual(first.reopenedHours, []);

    assert.deepEqual(second.ranges, []);
    assert.equal(second.records, 0);

    assert.match(third.error!, /6 of 20 records are bad .* nothing was committed/);
    assert.equal(third.records, 14);
    assert.equal(third.badRecords, 6);
    assert.equal(third.files, 0, 'a failed run commits no file');
    for (const range of third.ranges) {
      assert.equal(range.start, firstRanges.find((r) => r.partition === range.partition)!.end, 'it read from the committed offset');
      assert.equal(range.records + range.badRecords, range.end - range.start);
    }
    assert.equal(third.ranges.reduce((s, r) => s + r.end - r.start, 0), 20);
  });

  it('keeps a failed line for a run that died after its manifest, then the committed line of its roll-forward', async () => {
    await produceValues(client(), 'page_views', 3, pageViewValues(0, 60, (i) => START + i * 1000));
    const job = loadJobDefinition(writeJob(tmp(), { workerThreads: 0 }, bootstrap()));
    const failing = new TableState(new RenameFailingSink(path.join(tmp(), 'warehouse'), 2), 'page_views');
    const planner = (t: TableStore, source: RecordSource, partitions: number[]) => makePlan(job, t, source, partitions, () => undefined);
    await assert.rejects(executeRun(job, { table: failing, kind: 'scheduled', planner }, {}), /injected failure/);
    const next = await runLoad(job);
    assert.equal(next.recovered.rolledForward.length, 1);

    const { entries } = await readRunHistory(tableOf(), 10);
    const died = next.recovered.rolledForward[0];
    assert.deepEqual(entries.map((e) => [e.runId, e.status, e.records]), [[died, 'failed', 60], [died, 'committed', 60], [next.runId, 'nothing-to-do', 0]]);
    assert.match(entries[0].error!, /injected failure/);
    assert.equal(entries[1].reconstructed, true);
  });

  it('rebuilds from checkpoints the line of a run that committed but never wrote it, and skips a torn line', async () => {
    await produceValues(client(), 'page_views', 3, pageViewValues(0, 90, (i) => START + i * 1000));
    const job = loadJobDefinition(writeJob(tmp(), { workerThreads: 0 }, bootstrap()));
    const lost = await runLoad(job);
    const table = tableOf();
    const file = path.join(tmp(), 'warehouse/page_views', historyFile(new Date()));
    fs.rmSync(file); // as if the process died between the commit and the append
    fs.writeFileSync(file, '{"runId": "torn'); // and another one mid-append
    await produceValues(client(), 'page_views', 3, pageViewValues(90, 30, (i) => START + i * 1000));
    const next = await runLoad(job);

    const { entries, skippedLines } = await readRunHistory(table, 10);
    assert.equal(skippedLines, 1);
    assert.deepEqual(entries.map((e) => [e.runId, e.status, e.records, e.reconstructed ?? false]), [
      [lost.runId, 'committed', 90, true],
      [next.runId, 'committed', 30, false],
    ]);
    assert.equal(entries[0].reopenedHours, null, 'unknown for a rebuilt line');
    assert.deepEqual(entries[0].ranges.map((r) => r.records).reduce((a, b) => a + b), 90);
    const again = await runLoad(job);
    assert.deepEqual((await readRunHistory(table, 10)).entries.map((e) => e.runId), [lost.runId, next.runId, again.runId], 'rebuilt once only');
  });
});
