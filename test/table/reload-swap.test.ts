import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { runCompaction } from '../../src/pipeline/compact-job';
import { runReload } from '../../src/pipeline/reload';
import { runQuery } from '../../src/analyst/query-engine';
import { tablesOfJob } from '../../src/analyst/table-catalog';
import { verifyTable } from '../../src/table/verify';
import { openTable } from '../../src/connector-factory';
import { SwapRecord, swapAsidePath, swapDir, swapRecordName, swapTmpPath } from '../../src/table/file-swap';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { HOUR, pageViewValues, produceValues, writeJob } from '../helpers/page-views';

const BASE = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;
const RECORDS = 240;
const hourKey = (ms: number) => new Date(ms).toISOString().slice(0, 13);
const HOURS = { from: hourKey(BASE), to: hourKey(BASE + HOUR) };

type Op = { kind: 'aside' | 'in' | 'delete'; path: string };

/** applySwap's steps in order: per group, each written file (a file of the same name moved aside first), then the deletions. */
function stepsOf(record: SwapRecord): Op[] {
  return record.groups.flatMap((g) => {
    const replaced = new Set(g.replaced.map((f) => f.path));
    const written = new Set(g.written.map((f) => f.path));
    return [
      ...g.written.flatMap((f): Op[] => (replaced.has(f.path) ? [{ kind: 'aside', path: f.path }, { kind: 'in', path: f.path }] : [{ kind: 'in', path: f.path }])),
      ...g.replaced.filter((f) => !written.has(f.path)).map((f): Op => ({ kind: 'delete', path: f.path })),
    ];
  });
}

describe('reload swaps: what readers see at every step of a reload a crash interrupted', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', 2);

  it('query sees every row once, and verify only the interrupted reload, at each step of a reload in place and of a reload of compacted hours', async () => {
    await produceValues(fixture().client, 'page_views', 2, pageViewValues(0, RECORDS, (i) => BASE + (i % 2) * HOUR + i * 1000));
    const jobFile = writeJob(tmp(), { workerThreads: 0, files: { maxRecords: 20 } }, fixture().running.bootstrap);
    const job = loadJobDefinition(jobFile);
    const tableDir = path.join(tmp(), 'warehouse', 'page_views');
    await runLoad(job);
    const catalog = tablesOfJob(job);
    const snapshot = (name: string) => {
      const dir = path.join(tmp(), name);
      fs.cpSync(tableDir, dir, { recursive: true });
      return dir;
    };

    /** Replays `record` on the table `base` up to step `done`, the swap's files taken from `after` (the table once it finished). */
    const check = async (base: string, after: string, record: SwapRecord) => {
      const ops = stepsOf(record);
      // Every step of the first group, then each group's edges: before and after its first step, after its last.
      const steps = new Set<number>([ops.length]);
      let at = 0;
      record.groups.forEach((g, i) => {
        const count = g.written.length + g.replaced.length;
        for (let step = at; step <= at + count; step++) if (i === 0 || step <= at + 1 || step === at + count) steps.add(step);
        at += count;
      });
      for (const done of [...steps].sort((a, b) => a - b)) {
        fs.rmSync(tableDir, { recursive: true, force: true });
        fs.cpSync(base, tableDir, { recursive: true });
        fs.mkdirSync(path.join(tableDir, swapDir(record.id)), { recursive: true });
        fs.copyFileSync(path.join(after, swapRecordName(record.id)), path.join(tableDir, swapRecordName(record.id)));
        const place = (from: string, to: string) => {
          fs.mkdirSync(path.dirname(path.join(tableDir, to)), { recursive: true });
          fs.renameSync(path.join(tableDir, from), path.join(tableDir, to));
        };
        for (const op of ops.filter((o) => o.kind === 'in')) {
          fs.mkdirSync(path.dirname(path.join(tableDir, swapTmpPath(record.id, op.path))), { recursive: true });
          fs.copyFileSync(path.join(after, op.path), path.join(tableDir, swapTmpPath(record.id, op.path)));
        }
        for (const op of ops.slice(0, done)) {
          if (op.kind === 'aside') place(op.path, swapAsidePath(record.id, op.path));
          else if (op.kind === 'in') place(swapTmpPath(record.id, op.path), op.path);
          else fs.rmSync(path.join(tableDir, op.path));
        }
        const at = `after ${done} of the reload's ${ops.length} steps (${ops[done - 1]?.kind ?? 'none'})`;
        for (const t of catalog) {
          const counted = await runQuery(catalog, `SELECT count(*), count(DISTINCT (_kafka_partition, _kafka_offset)) FROM ${t.name}`);
          assert.deepEqual(counted.rows[0].map(Number), [RECORDS, RECORDS], `${t.name} ${at}`);
        }
        const report = await verifyTable(job, openTable(job.output.sink, job.output.table));
        assert.deepEqual(report.problems, [`reload ${record.id} was interrupted after its commit: the next sluice load, compact or reload of the table finishes it`], at);
      }
      assert.ok(ops.some((o) => o.kind === 'aside') || ops.some((o) => o.kind === 'delete'), 'the swap moves files aside or deletes replaced ones');
    };

    // A reload in place: every file of the hours replaced by its copy of the same name.
    const loaded = snapshot('loaded');
    const inPlace = await runReload(job, { hours: HOURS });
    const reloaded = snapshot('reloaded');
    const inPlaceRecord = JSON.parse(fs.readFileSync(path.join(reloaded, swapRecordName(inPlace.runId)), 'utf8')) as SwapRecord;
    assert.ok(stepsOf(inPlaceRecord).every((o) => o.kind !== 'delete'));
    await check(loaded, reloaded, inPlaceRecord);

    // A reload of compacted hours: the compaction's outputs replaced by the loaded files' names again.
    fs.rmSync(tableDir, { recursive: true, force: true });
    fs.cpSync(reloaded, tableDir, { recursive: true });
    assert.equal((await runCompaction(job)).groups.length, 4);
    const compacted = snapshot('compacted');
    const again = await runReload(job, { hours: HOURS });
    const reloadedAgain = snapshot('reloaded-again');
    const record = JSON.parse(fs.readFileSync(path.join(reloadedAgain, swapRecordName(again.runId)), 'utf8')) as SwapRecord;
    assert.ok(stepsOf(record).some((o) => o.kind === 'delete') && stepsOf(record).every((o) => o.kind !== 'aside'));
    await check(compacted, reloadedAgain, record);

    // Left with every step done but its directory still there: the next load finishes it and verify passes.
    await runLoad(job);
    assert.ok(!fs.existsSync(path.join(tableDir, swapDir(record.id))), 'the load finished the reload');
    assert.deepEqual((await verifyTable(job, openTable(job.output.sink, job.output.table))).problems, []);
  });
});
