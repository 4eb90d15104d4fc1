import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KafkaClient } from '../../src/client/kafka-client';
import { openTable } from '../../src/connector-factory';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { buildRecordBatch } from '../../src/protocol/records';
import { verifyTable } from '../../src/table/verify';
import { RunningBroker, startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { byMode } from '../helpers/long-mode';
import { pageView, writeJob } from '../helpers/page-views';
import { useTempDir } from '../helpers/temp-dir';

const KILLS = byMode(2, 10);
const HOUR = 3_600_000;
const BASE = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;

/** Starts `sluice load` and SIGKILLs it a random 0-`within` ms after its run directory gets `file` (its plan or its manifest). */
function loadKilledAfter(jobFile: string, table: string, file: 'plan.json' | 'commit.json', within: number): Promise<void> {
  const runs = path.join(table, '_sluice', 'runs');
  const before = new Set(fs.existsSync(runs) ? fs.readdirSync(runs) : []);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SLUICE_BIN, 'load', '--job', jobFile], { stdio: 'ignore' });
    let timer: NodeJS.Timeout | undefined;
    const poll = setInterval(() => {
      const mine = (fs.existsSync(runs) ? fs.readdirSync(runs) : []).filter((run) => !before.has(run));
      if (!mine.some((run) => fs.existsSync(path.join(runs, run, file)))) return;
      clearInterval(poll);
      timer = setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * within));
    }, 1);
    child.on('close', () => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('retention gaps under kill -9: a lost checkpoint commits with its run, exactly once', function () {
  this.timeout(90_000);
  const tmp = useTempDir();
  let running: RunningBroker;
  let client: KafkaClient;

  before(async () => {
    running = await startBroker({ logRetentionCheckIntervalMs: 50 });
    client = await KafkaClient.connect(running.bootstrap);
    // One ~1.16 kB batch per segment; retention.bytes keeps the newest two segments.
    await client.createTopic('page_views', 1, { 'segment.bytes': '1500', 'retention.bytes': '1800' });
  });
  after(async () => {
    client.close();
    await running.stop();
  });

  let sequence = 0;
  async function produceBatch(): Promise<void> {
    const records = Array.from({ length: 5 }, () => {
      const view = pageView(sequence, BASE + (sequence++ % 300) * 60_000);
      return { key: Buffer.from(view.user_id), value: Buffer.from(JSON.stringify(view)), timestamp: view.ts };
    });
    await client.produce('page_views', 0, buildRecordBatch(records));
  }

  async function logStartReaches(offset: number): Promise<void> {
    const deadline = Date.now() + 5000;
    while ((await client.offsetFor('page_views', 0, -2)).offset < offset) {
      assert.ok(Date.now() < deadline, `retention moved the log start to ${offset}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('killed while reading or while committing, the next run leaves each gap recorded once and the offsets tiling', async () => {
    const jobFile = writeJob(tmp(), {
      workerThreads: 0, completeness: { delaySeconds: 0 },
      output: { formats: ['avro'], avroCodec: 'deflate', sink: path.join(tmp(), 'warehouse'), table: 'page_views' },
    }, running.bootstrap);
    const table = path.join(tmp(), 'warehouse', 'page_views');
    const job = loadJobDefinition(jobFile);
    await produceBatch();
    await runLoad(job);
    const expectedGaps: [number, number][] = [];
    const phases = new Set<string>();
    // On a loaded machine a kill meant for the reading can land after the manifest: a few more tries until one lands before it.
    for (let kill = 0; kill < KILLS || (!phases.has('reading') && kill < KILLS + 6); kill++) {
      // Three new segments: retention keeps the newest two, so the first one's five offsets go unloaded.
      const end = sequence;
      for (let i = 0; i < 3; i++) await produceBatch();
      await logStartReaches(end + 5);
      expectedGaps.push([end, end + 5]);
      await loadKilledAfter(jobFile, table, kill % 2 === 0 || !phases.has('reading') ? 'plan.json' : 'commit.json', kill % 2 === 0 || !phases.has('reading') ? 5 : 8);
      const left = fs.existsSync(path.join(table, '_sluice', 'runs')) ? fs.readdirSync(path.join(table, '_sluice', 'runs')) : [];
      if (left.length > 0) phases.add(fs.existsSync(path.join(table, '_sluice', 'runs', left[0], 'commit.json')) ? 'committing' : 'reading');
      const next = await runLoad(job);
      const lost = next.committed.filter((r) => r.kind === 'lost').map((r) => [r.start, r.end]);
      assert.ok(lost.length <= 1, `at most the one gap is recorded again: ${JSON.stringify(lost)}`);
      const report = await verifyTable(job, openTable(job.output.sink, job.output.table));
      assert.deepEqual(report.gaps.map((g) => [g.start, g.end, g.lost !== null]), expectedGaps.map(([s, e]) => [s, e, true]), `kill ${kill}`);
      const others = report.problems.filter((p) => !/were deleted by retention before they were loaded/.test(p));
      assert.deepEqual(others, [], `kill ${kill}: nothing but the unacknowledged gaps`);
      assert.equal(report.partitions[0].committedOffset, sequence);
      assert.equal(report.partitions[0].lostOffsets, 5 * expectedGaps.length);
      assert.equal(report.partitions[0].records, sequence - 5 * expectedGaps.length, 'every record still in Kafka loaded once');
    }
    assert.ok(phases.has('reading'), `a kill landed while a run read (before its manifest): ${[...phases]}`);
  });
});
