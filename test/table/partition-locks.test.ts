import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { recoverUnfinishedRuns, writeManifest } from '../../src/table/commit';
import { removeStrayFiles } from '../../src/table/strays';
import { JobLockedError, RangeCheckpoint, TableState } from '../../src/table/table-state';
import { useTempDir } from '../helpers/temp-dir';

const T0 = Date.UTC(2026, 10, 21, 5);

function rangesOf(runId: string, partitions: number[], start: number, size: number): RangeCheckpoint[] {
  return partitions.map((partition) => ({
    partition, start, end: start + size, runId, committedAt: new Date(T0).toISOString(), records: size, badRecords: 0, maxEventTime: T0,
    files: [{ path: `dt=2026-11-21/hr=05/t+${partition}+${start}+${start + size}+0.avro`, format: 'avro' as const, hour: '2026-11-21T05', records: size, bytes: 5 }],
  }));
}

describe('table: one lock per partition (shards of a job at once)', () => {
  const tmp = useTempDir();
  const tableOf = () => new TableState(new LocalSink(tmp()), 't');
  const lockFiles = () => (fs.existsSync(path.join(tmp(), 't/_sluice/locks')) ? fs.readdirSync(path.join(tmp(), 't/_sluice/locks')).sort() : []);

  /** A run that planned (or committed) `ranges` and then stopped: its temporary files, plan and maybe manifest. */
  async function leaveRun(table: TableState, runId: string, ranges: RangeCheckpoint[], committed: boolean): Promise<void> {
    for (const file of ranges.flatMap((r) => r.files)) await table.sink.writeFile(table.path(table.tmpPath(runId, file.path)), Buffer.alloc(file.bytes));
    await table.writeJsonOnce(`${table.runDir(runId)}/plan.json`, { runId, job: 'j', topic: 't', kind: 'scheduled', createdAt: new Date(T0).toISOString(), ranges });
    if (committed) await writeManifest(table, { runId, ranges });
  }

  it('refuses a run that shares a partition with a live run, naming the partition and holder, and keeps none of its locks', async () => {
    const a = tableOf();
    const releaseA = await a.lock('run-A', 60_000, [1, 2]);
    const b = tableOf();
    await assert.rejects(b.lock('run-B', 60_000, [0, 1]), (e: unknown) => e instanceof JobLockedError && e.partition === 1 && /on partition 1 \(lock held by .* run run-A until /.test(e.message));
    assert.deepEqual(lockFiles(), ['1.json', '2.json'], 'the lock of partition 0 was given back');
    assert.deepEqual(b.lockedPartitions(), []);
    assert.equal(await a.holdsLock('run-A'), true);
    await releaseA();
    assert.deepEqual(lockFiles(), []);
    const releaseB = await b.lock('run-B', 60_000, [0, 1]);
    await releaseB();
  });

  it('lets runs over disjoint partitions hold their locks together, each checking all of its own', async () => {
    const a = tableOf();
    const b = tableOf();
    const [releaseA, releaseB] = await Promise.all([a.lock('run-A', 60_000, [0, 2]), b.lock('run-B', 60_000, [3, 1])]);
    assert.deepEqual(lockFiles(), ['0.json', '1.json', '2.json', '3.json']);
    assert.deepEqual([a.lockedPartitions(), b.lockedPartitions()], [[0, 2], [1, 3]]);
    assert.deepEqual([await a.holdsLock('run-A'), await b.holdsLock('run-B')], [true, true]);
    // One of B's locks expires and is taken over: B no longer holds its set.
    const lock3 = path.join(tmp(), 't/_sluice/locks/3.json');
    fs.writeFileSync(lock3, JSON.stringify({ ...JSON.parse(fs.readFileSync(lock3, 'utf8')), expiresAt: new Date(Date.now() - 1).toISOString() }));
    const c = tableOf();
    const releaseC = await c.lock('run-C', 60_000, [3]);
    assert.equal(await b.holdsLock('run-B'), false);
    assert.equal(await a.holdsLock('run-A'), true);
    await Promise.all([releaseA(), releaseB(), releaseC()]);
    assert.deepEqual(lockFiles(), [], 'B did not remove C\'s lock of partition 3');
  });

  it('takes over the lock of a partition whose holder on this host died, one file at a time', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    fs.mkdirSync(path.join(tmp(), 't/_sluice/locks'), { recursive: true });
    fs.writeFileSync(path.join(tmp(), 't/_sluice/locks/1.json'), JSON.stringify({ owner: 'killed', host: os.hostname(), pid: dead, runId: 'old', expiresAt: new Date(Date.now() + 3600_000).toISOString() }));
    const release = await tableOf().lock('new', 60_000, [0, 1]);
    assert.equal(JSON.parse(fs.readFileSync(path.join(tmp(), 't/_sluice/locks/1.json'), 'utf8')).runId, 'new');
    await release();
  });

  it('recovers only runs of the partitions it locked, and never a live run of another shard', async () => {
    const setup = tableOf();
    // Shard A (partitions 0, 2) is at work: one run directory planned, and its run's id on its locks.
    const shardA = tableOf();
    const releaseA = await shardA.lock('run-A', 60_000, [0, 2]);
    await leaveRun(shardA, 'run-A', rangesOf('run-A', [0, 2], 0, 10), false);
    // Dead runs: one of partition 1 only, planned; one of 1 and 2, planned; one of 1 and 2 that committed; one
    // that died before planning.
    await leaveRun(setup, 'dead-1', rangesOf('dead-1', [1], 0, 10), false);
    await leaveRun(setup, 'dead-12-planned', rangesOf('dead-12-planned', [1, 2], 0, 10), false);
    await leaveRun(setup, 'dead-13-committed', rangesOf('dead-13-committed', [1, 3], 0, 10), true);
    await setup.sink.writeFile(setup.path(`${setup.runDir('dead-unplanned')}/plan.json.0badf00d.tmp`), Buffer.from('{'));

    const shardB = tableOf();
    const releaseB = await shardB.lock('run-B', 60_000, [1]);
    const outcome = await recoverUnfinishedRuns(shardB, 'run-B');
    assert.deepEqual(outcome.rolledBack.sort(), ['dead-1', 'dead-unplanned']);
    assert.deepEqual(outcome.rolledForward, ['dead-13-committed']);
    const runs = fs.readdirSync(path.join(tmp(), 't/_sluice/runs')).sort();
    assert.deepEqual(runs, ['dead-12-planned', 'dead-13-committed', 'run-A'], 'A\'s live run and runs of partitions B did not lock are left');
    assert.ok(fs.existsSync(path.join(tmp(), 't/_sluice/runs/run-A/plan.json')));
    // The committed dead run is rolled forward for partition 1 only; partition 3 waits for a run that locks it.
    assert.equal(await shardB.committedOffset(1), 10);
    assert.equal(fs.existsSync(path.join(tmp(), 't/_sluice/checkpoints/3')), false);
    assert.ok(fs.existsSync(path.join(tmp(), 't/_sluice/runs/dead-13-committed/tmp/dt=2026-11-21/hr=05/t+3+0+10+0.avro')));
    await releaseB();

    const shardC = tableOf();
    const releaseC = await shardC.lock('run-C', 60_000, [3]);
    assert.deepEqual((await recoverUnfinishedRuns(shardC, 'run-C')).rolledForward, ['dead-13-committed']);
    assert.equal(await shardC.committedOffset(3), 10);
    assert.deepEqual(fs.readdirSync(path.join(tmp(), 't/_sluice/runs')).sort(), ['dead-12-planned', 'run-A'], 'gone once both partitions have their checkpoint');
    await releaseC();
    await releaseA();
  });

  it('removes staging files killed writes left, only in the directories of the partitions it locked', async () => {
    const listed: string[] = [];
    const table = new TableState(new (class extends LocalSink {
      override async list(dir: string) {
        listed.push(dir);
        return super.list(dir);
      }
    })(tmp()), 't');
    const strays = ['_sluice/checkpoints/0/00000000000000000000-00000000000000000010.json.1a2b3c4d.tmp', '_sluice/index/0/.3.5e6f7a8b.tmp', '_sluice/checkpoints/0/.00000000000000000010-00000000000000000020.json.9c0d1e2f.uploading'];
    const kept = ['_sluice/checkpoints/0/00000000000000000000-00000000000000000010.json', '_sluice/checkpoints/1/00000000000000000000-00000000000000000010.json.1a2b3c4d.tmp'];
    for (const file of [...strays, ...kept]) await table.sink.writeFile(table.path(file), Buffer.from(JSON.stringify(rangesOf('old', [0], 0, 10)[0])));
    const release = await table.lock('run', 60_000, [0]);
    const removed = await removeStrayFiles(table, table.lockedPartitions());
    // The index's stray may go with the index rebuilt on the way (its write clears its directory).
    assert.deepEqual(removed.filter((f) => f.startsWith('_sluice/checkpoints/')).sort(), strays.filter((f) => f.startsWith('_sluice/checkpoints/')).sort());
    for (const file of strays) assert.equal(fs.existsSync(path.join(tmp(), 't', file)), false, file);
    for (const file of kept) assert.ok(fs.existsSync(path.join(tmp(), 't', file)), file);
    assert.equal((await table.partitionSummary(0)).checkpoints, 1); // rebuilt once: the directory's count changed
    listed.length = 0;
    assert.deepEqual(await removeStrayFiles(table, table.lockedPartitions()), []);
    assert.ok(!listed.includes('t/_sluice/checkpoints/0'), `a checkpoint directory without strays is not listed (listed ${listed.join(', ')})`);
    await release();
  });
});
