import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { runCompaction } from '../../src/pipeline/compact-job';
import { runQuery } from '../../src/analyst/query-engine';
import { tablesOfJob } from '../../src/analyst/table-catalog';
import { verifyTable } from '../../src/table/verify';
import { openTable } from '../../src/connector-factory';
import { commitSwap, committedSwaps, nextSwapSequence, SwapRecord, swapDir, swapRecordName, swapTmpPath, visibleFiles } from '../../src/table/file-swap';
import { TableState } from '../../src/table/table-state';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { HOUR, pageViewValues, produceValues, writeJob } from '../helpers/page-views';

const BASE = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;
const RECORDS = 240;

describe('file swaps: what readers see at every step of a swap a crash interrupted', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', 2);

  it('shows every row once whether the swap stopped before, among or after its moves and deletions, and the next load finishes it', async () => {
    await produceValues(fixture().client, 'page_views', 2, pageViewValues(0, RECORDS, (i) => BASE + (i % 2) * HOUR + i * 1000));
    const jobFile = writeJob(tmp(), { workerThreads: 0, files: { maxRecords: 20 } }, fixture().running.bootstrap);
    const job = loadJobDefinition(jobFile);
    const warehouse = path.join(tmp(), 'warehouse');
    const tableDir = path.join(warehouse, 'page_views');
    await runLoad(job);
    const loaded = path.join(tmp(), 'loaded');
    fs.cpSync(tableDir, loaded, { recursive: true });
    const summary = await runCompaction(job);
    assert.equal(summary.groups.length, 4, 'two hours in two formats');
    const record = JSON.parse(fs.readFileSync(path.join(tableDir, swapRecordName(summary.id)), 'utf8')) as SwapRecord;
    const compacted = path.join(tmp(), 'compacted');
    fs.cpSync(tableDir, compacted, { recursive: true });
    // The swap's steps in the order applySwap takes them: per group, its moves, then its deletions.
    const ops = record.groups.flatMap((g) => [...g.written.map((f) => ({ move: true, path: f.path })), ...g.replaced.map((f) => ({ move: false, path: f.path }))]);
    const moves = ops.filter((op) => op.move).map((op) => op.path);
    const deletions = ops.filter((op) => !op.move).map((op) => op.path);

    /** The table as a crash after the first `done` steps of the swap leaves it. */
    const stateAfter = (done: number) => {
      fs.rmSync(tableDir, { recursive: true, force: true });
      fs.cpSync(loaded, tableDir, { recursive: true });
      fs.mkdirSync(path.join(tableDir, swapDir(record.id)), { recursive: true });
      fs.copyFileSync(path.join(compacted, swapRecordName(record.id)), path.join(tableDir, swapRecordName(record.id)));
      ops.forEach((op, i) => {
        if (!op.move) {
          if (i < done) fs.rmSync(path.join(tableDir, op.path));
          return;
        }
        const to = path.join(tableDir, i < done ? op.path : swapTmpPath(record.id, op.path));
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.copyFileSync(path.join(compacted, op.path), to);
      });
    };

    // Around each group's edges: before and after its first move, after its moves, after its first deletion.
    const steps = new Set<number>([ops.length]);
    let at = 0;
    for (const g of record.groups) {
      for (const step of [at, at + 1, at + g.written.length, at + g.written.length + 1]) steps.add(step);
      at += g.written.length + g.replaced.length;
    }
    const catalog = tablesOfJob(job);
    for (const done of [...steps].sort((a, b) => a - b)) {
      stateAfter(done);
      for (const t of catalog) {
        const counted = await runQuery(catalog, `SELECT count(*), count(DISTINCT (_kafka_partition, _kafka_offset)) FROM ${t.name}`);
        assert.deepEqual(counted.rows[0].map(Number), [RECORDS, RECORDS], `${t.name} after ${done} of the swap's ${ops.length} steps`);
      }
      const report = await verifyTable(job, openTable(job.output.sink, job.output.table));
      assert.deepEqual(report.problems, [`compaction ${record.id} was interrupted after its commit: the next sluice load, compact or reload of the table finishes it`]);
    }

    stateAfter(2);
    await runLoad(job); // nothing new to load: it finishes the swap under its locks
    assert.ok(!fs.existsSync(path.join(tableDir, swapDir(record.id))), 'the load finished the swap');
    const report = await verifyTable(job, openTable(job.output.sink, job.output.table));
    assert.deepEqual(report.problems, []);
    for (const file of deletions) assert.ok(!fs.existsSync(path.join(tableDir, file)), `${file} is gone`);

    // A crash before the record: the next load deletes the working directory and nothing else changes.
    fs.rmSync(tableDir, { recursive: true, force: true });
    fs.cpSync(loaded, tableDir, { recursive: true });
    fs.mkdirSync(path.join(tableDir, path.dirname(swapTmpPath(record.id, moves[0]))), { recursive: true });
    fs.copyFileSync(path.join(compacted, moves[0]), path.join(tableDir, swapTmpPath(record.id, moves[0])));
    await runLoad(job);
    assert.ok(!fs.existsSync(path.join(tableDir, swapDir(record.id))), 'the uncommitted swap was rolled back');
    assert.deepEqual((await verifyTable(job, openTable(job.output.sink, job.output.table))).problems, []);
  });

  it('keeps the written files once all are listed, else the replaced ones, swap after swap', () => {
    const swap = (id: string, replaced: string[], written: string[]): SwapRecord => ({
      id, kind: 'compaction', job: 'j', sequence: Number(id), createdAt: '', partitions: [0],
      groups: [{ format: 'avro', hour: 'h', replaced: replaced.map((p) => ({ path: p, records: 1, bytes: 1 })), written: written.map((p) => ({ path: p, records: 1, bytes: 1 })) }],
    });
    const first = swap('1', ['a', 'b'], ['c']);
    const second = swap('2', ['c', 'd'], ['e', 'f']);
    const seen = (listed: string[]) => [...visibleFiles(new Set(listed), [first, second])].sort();
    assert.deepEqual(seen(['a', 'b', 'd']), ['a', 'b', 'd'], 'before the first swap moved anything');
    assert.deepEqual(seen(['a', 'b', 'c', 'd']), ['c', 'd'], 'first swap moved, not yet deleted');
    assert.deepEqual(seen(['c', 'd', 'e']), ['c', 'd'], 'second swap half moved');
    assert.deepEqual(seen(['c', 'd', 'e', 'f']), ['e', 'f'], 'second swap moved');
    assert.deepEqual(seen(['d', 'e', 'f']), ['e', 'f'], 'second swap deleting');
  });

  it('orders swaps by their sequence, not their ids (two compactions in one second)', async () => {
    const table = new TableState(new LocalSink(tmp()), 't');
    const record = (id: string, sequence: number): SwapRecord => ({ id, kind: 'compaction', job: 'j', sequence, createdAt: '', partitions: [0], groups: [] });
    await commitSwap(table, record('20261121T050000Z-ffffff', 1));
    await commitSwap(table, record('20261121T050000Z-000000', 2));
    const swaps = await committedSwaps(table);
    assert.deepEqual(swaps.map((s) => s.sequence), [1, 2]);
    assert.equal(nextSwapSequence(swaps), 3);
  });
});
