import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { WebHdfsSink } from '../../connectors/sinks/webhdfs-sink';
import { startWebHdfsEmulator } from '../../src/dev/webhdfs/emulator';
import { applyCommit, recoverUnfinishedRuns, writeManifest } from '../../src/table/commit';
import { RangeCheckpoint, TableState } from '../../src/table/table-state';
import { useTempDir } from '../helpers/temp-dir';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 21, 5);

/** A run of `size` offsets per partition after `start`, with one Avro file in its hour. */
function rangesOf(runId: string, partitions: number[], start: number, size: number, at: number): RangeCheckpoint[] {
  const hour = new Date(at).toISOString().slice(0, 13);
  return partitions.map((partition) => ({
    partition, start, end: start + size, runId, committedAt: new Date(at).toISOString(), records: size - 1, badRecords: 1, maxEventTime: at,
    files: [{ path: `dt=${hour.slice(0, 10)}/hr=${hour.slice(11)}/t+${partition}+${start}+${start + size}+0.avro`, format: 'avro' as const, hour, records: size - 1, bytes: 7 }],
  }));
}

/** A whole commit as a run does it: files under the run's tmp/, the manifest, then the commit. */
async function commitRun(table: TableState, ranges: RangeCheckpoint[]): Promise<void> {
  const runId = ranges[0].runId;
  for (const file of ranges.flatMap((r) => r.files)) await table.sink.writeFile(table.path(table.tmpPath(runId, file.path)), Buffer.alloc(file.bytes));
  await writeManifest(table, { runId, ranges });
  await applyCommit(table, { runId, ranges });
}

/** A sink that fails the first write or delete matching a pattern, as a crash at that moment would leave it. */
class CrashingSink extends LocalSink {
  armed: RegExp | null = null;
  private check(sinkPath: string): void {
    if (this.armed && this.armed.test(sinkPath)) {
      this.armed = null;
      throw new Error(`crash before ${sinkPath}`);
    }
  }
  override async writeFile(sinkPath: string, data: Buffer): Promise<void> {
    this.check(sinkPath);
    return super.writeFile(sinkPath, data);
  }
  override async delete(sinkPath: string, recursive: boolean): Promise<boolean> {
    this.check(sinkPath);
    return super.delete(sinkPath, recursive);
  }
}

describe('table: the per-partition index of committed ranges', () => {
  const tmp = useTempDir();
  const indexDir = (p: number) => path.join(tmp(), 't', '_sluice', 'index', String(p));
  const indexFiles = (p: number) => (fs.existsSync(indexDir(p)) ? fs.readdirSync(indexDir(p)).sort() : []);

  /** Three runs over partitions 0 and 1 (offsets 0..300), each committed with its index update. */
  async function tableWithThreeRuns(sink = new LocalSink(tmp())): Promise<TableState> {
    const table = new TableState(sink, 't');
    for (let run = 0; run < 3; run++) await commitRun(table, rangesOf(`run-${run}`, [0, 1], run * 100, 100, T0 + run * HOUR));
    return table;
  }

  /** What a planner would see, read the way a run reads it: under the lock, so a rebuilt index is written back. */
  async function plannedUnderLock(table: TableState): Promise<(number | null)[]> {
    const release = await table.lock('reader', 60_000, [0, 1, 2]);
    try {
      return [await table.committedOffset(0), await table.committedOffset(1), await table.committedOffset(2)];
    } finally {
      await release();
    }
  }

  it('sums the checkpoints up in one file per partition, named by the checkpoint directory\'s entry count', async () => {
    const table = await tableWithThreeRuns();
    assert.deepEqual(indexFiles(0), ['00000000000000000003.json']);
    const summary = await table.partitionSummary(0);
    assert.deepEqual(summary.ranges, [{ start: 0, end: 300 }]);
    assert.equal(summary.committedOffset, 300);
    assert.equal(summary.checkpoints, 3);
    assert.equal(summary.lastCheckpoint, '00000000000000000200-00000000000000000300.json');
    assert.deepEqual([summary.records, summary.badRecords, summary.maxEventTime], [297, 3, T0 + 2 * HOUR]);
    assert.deepEqual([summary.firstHour, summary.lastHour], ['2026-11-21T05', '2026-11-21T07']);
    assert.deepEqual(summary.recent.map((r) => r.runId), ['run-0', 'run-1', 'run-2']);
    assert.deepEqual(await plannedUnderLock(table), [300, 300, null]);
  });

  it('is rebuilt from the checkpoints when deleted, and written back only by the lock holder', async () => {
    const table = await tableWithThreeRuns();
    fs.rmSync(path.join(tmp(), 't', '_sluice', 'index'), { recursive: true });
    assert.equal(await table.committedOffset(0), 300, 'a reader without the lock rebuilds in memory');
    assert.deepEqual(indexFiles(0), [], 'and writes nothing');
    assert.deepEqual(await plannedUnderLock(table), [300, 300, null]);
    assert.deepEqual(indexFiles(0), ['00000000000000000003.json']);
    assert.deepEqual(indexFiles(2), [], 'a partition without checkpoints gets no index');
  });

  it('is rebuilt when its newest file is torn or not an index', async () => {
    const table = await tableWithThreeRuns();
    const newest = path.join(indexDir(0), '00000000000000000003.json');
    const text = fs.readFileSync(newest, 'utf8');
    fs.writeFileSync(newest, text.slice(0, text.length / 2));
    fs.writeFileSync(path.join(indexDir(1), '00000000000000000003.json'), JSON.stringify({ format: 'something else', committedOffset: 5 }));
    assert.deepEqual(await plannedUnderLock(table), [300, 300, null]);
    assert.deepEqual(indexFiles(0), ['00000000000000000003.json'], 'the torn file is replaced');
    assert.equal(JSON.parse(fs.readFileSync(path.join(indexDir(0), '00000000000000000003.json'), 'utf8')).checkpoints, 3);
  });

  it('is rebuilt when behind: a checkpoint it has not seen, whatever name the stale index has', async () => {
    const table = await tableWithThreeRuns();
    const stale = path.join(indexDir(0), '00000000000000000003.json');
    const staleText = fs.readFileSync(stale, 'utf8');
    await commitRun(table, rangesOf('run-3', [0], 300, 50, T0 + 3 * HOUR));
    assert.deepEqual(indexFiles(0), ['00000000000000000004.json']);
    // The index of run-3 lost, the one from before it left behind (a crash before the old one was deleted).
    fs.rmSync(path.join(indexDir(0), '00000000000000000004.json'));
    fs.writeFileSync(stale, staleText);
    assert.deepEqual(await plannedUnderLock(table), [350, 300, null]);
    assert.equal((await table.partitionSummary(0)).checkpoints, 4);
    assert.deepEqual(indexFiles(0), ['00000000000000000004.json']);
    // The stale one under the current name (a restored backup): it says 300, for a directory of 3 entries.
    fs.writeFileSync(path.join(indexDir(0), '00000000000000000004.json'), staleText);
    assert.equal(JSON.parse(staleText).committedOffset, 300);
    assert.deepEqual(await plannedUnderLock(table), [350, 300, null]);
    assert.equal(JSON.parse(fs.readFileSync(path.join(indexDir(0), '00000000000000000004.json'), 'utf8')).committedOffset, 350);
  });

  it('is rebuilt when a checkpoint was removed behind its back (ahead of the checkpoints)', async () => {
    const table = await tableWithThreeRuns();
    fs.rmSync(path.join(tmp(), 't', '_sluice', 'checkpoints', '0', '00000000000000000200-00000000000000000300.json'));
    assert.deepEqual(await plannedUnderLock(table), [200, 300, null]);
  });

  it('a crash after the checkpoints, before the index: recovery rolls forward and the index counts each range once', async () => {
    const sink = new CrashingSink(tmp());
    const table = await tableWithThreeRuns(sink);
    sink.armed = /_sluice\/index\/1\/\.\d+\..*\.tmp$/; // partition 0's index is written, partition 1's is not
    await assert.rejects(commitRun(table, rangesOf('run-3', [0, 1], 300, 100, T0 + 3 * HOUR)), /crash before/);
    assert.ok(fs.existsSync(path.join(tmp(), 't', '_sluice', 'runs', 'run-3', 'commit.json')), 'the run is left to roll forward');
    const release = await table.lock('next', 60_000, [0, 1]);
    try {
      assert.deepEqual((await recoverUnfinishedRuns(table, 'next')).rolledForward, ['run-3']);
      assert.deepEqual([await table.committedOffset(0), await table.committedOffset(1)], [400, 400]);
      for (const p of [0, 1]) {
        const summary = await table.partitionSummary(p);
        assert.deepEqual([summary.checkpoints, summary.records], [4, 396], `partition ${p}`);
      }
    } finally {
      await release();
    }
  });

  it('a crash after the index, before the run directory is deleted: rolling forward adds nothing twice', async () => {
    const sink = new CrashingSink(tmp());
    const table = await tableWithThreeRuns(sink);
    sink.armed = /_sluice\/runs\/run-3$/;
    await assert.rejects(commitRun(table, rangesOf('run-3', [0, 1], 300, 100, T0 + 3 * HOUR)), /crash before/);
    const release = await table.lock('next', 60_000, [0, 1]);
    try {
      assert.deepEqual((await recoverUnfinishedRuns(table, 'next')).rolledForward, ['run-3']);
      const summary = await table.partitionSummary(0);
      assert.deepEqual([summary.committedOffset, summary.checkpoints, summary.records, summary.ranges.length], [400, 4, 396, 1]);
    } finally {
      await release();
    }
  });

  it('a staging file left by a crashed index write is ignored, and cleaned up by the next write', async () => {
    const sink = new CrashingSink(tmp());
    const table = await tableWithThreeRuns(sink);
    // A staging file left by a crash counts as an entry of no directory the index watches, and is cleaned up later.
    fs.writeFileSync(path.join(indexDir(0), '.3.deadbeef.tmp'), '{"half');
    assert.equal(await table.committedOffset(0), 300);
    await commitRun(table, rangesOf('run-3', [0], 300, 10, T0 + 3 * HOUR));
    assert.deepEqual(indexFiles(0), ['00000000000000000004.json']);
    assert.equal(await table.committedOffset(0), 310);
  });

  it('through WebHDFS, a partition\'s committed offset costs the same few requests at 5 and at 40 checkpoints', async function () {
    this.timeout(60_000);
    const emulator = await startWebHdfsEmulator({ root: path.join(tmp(), 'hdfs') });
    try {
      const sink = new WebHdfsSink(`webhdfs://${new URL(emulator.nameNodeUrls[0]).host}/warehouse?user.name=etl`);
      const table = new TableState(sink, 't');
      const requests = () => Object.values(emulator.requestCount).reduce((a, b) => a + b, 0);
      const costAt = async (): Promise<number> => {
        const before = requests();
        await table.committedOffset(0);
        return requests() - before;
      };
      for (let run = 0; run < 5; run++) await commitRun(table, rangesOf(`run-${run}`, [0], run * 10, 10, T0 + run * HOUR));
      const atFive = await costAt();
      for (let run = 5; run < 40; run++) await commitRun(table, rangesOf(`run-${run}`, [0], run * 10, 10, T0 + run * HOUR));
      const atForty = await costAt();
      assert.equal(await table.committedOffset(0), 400);
      assert.ok(atFive <= 4, `${atFive} requests at 5 checkpoints`);
      assert.equal(atForty, atFive, 'flat in the number of checkpoints');
      const before = requests();
      await table.checkpoints(0);
      assert.ok(requests() - before >= 40, 'reading every checkpoint (verify) costs a request per file at least');
    } finally {
      await emulator.close();
    }
  });
});
