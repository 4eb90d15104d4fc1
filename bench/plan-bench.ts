// Planning benchmark (npm run bench:plan): what a run reads from the table to plan, for a table with 20, 200 and
// 2,000 checkpoints per partition (2,000 hourly runs is ~83 days), on a local directory and through the WebHDFS
// emulator in this process. "plan" is the table's side of planning under the lock: the unfinished-run check and
// each partition's committed offset from its index (the broker's offsets are not counted). "rebuild" is the first
// plan of a table without an index (the upgrade, or after an index was lost); "every checkpoint" reads all of a
// partition's checkpoint files, as every run did before the index.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalSink } from '../connectors/sinks/local-sink';
import { WebHdfsSink } from '../connectors/sinks/webhdfs-sink';
import { startWebHdfsEmulator } from '../src/dev/webhdfs/emulator';
import type { Sink } from '../src/ports/sink';
import { checkpointName } from '../src/table/layout';
import { recoverUnfinishedRuns } from '../src/table/commit';
import { RangeCheckpoint, TableState } from '../src/table/table-state';

const SIZES = [20, 200, 2000];
const PARTITIONS = Number(process.env.BENCH_PLAN_PARTITIONS ?? 4);
const ROUNDS = 7;
const TABLE = 'page_views';
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 8, 1);

/** Checkpoint files as hourly runs leave them: 1,000 offsets a run, two data files (two hours) and no dead letters. */
function writeTable(root: string, perPartition: number): void {
  for (let partition = 0; partition < PARTITIONS; partition++) {
    for (let i = 0; i < perPartition; i++) {
      const at = T0 + i * HOUR;
      const hours = [new Date(at - HOUR).toISOString().slice(0, 13), new Date(at).toISOString().slice(0, 13)];
      const checkpoint: RangeCheckpoint = {
        partition, start: i * 1000, end: (i + 1) * 1000, runId: `run-${i}`, committedAt: new Date(at + 60_000).toISOString(), records: 1000, badRecords: 0, maxEventTime: at,
        files: hours.map((hour, seq) => ({ path: `dt=${hour.slice(0, 10)}/hr=${hour.slice(11)}/${TABLE}+${partition}+${i * 1000}+${(i + 1) * 1000}+${seq}.avro`, format: 'avro' as const, hour, records: 500, bytes: 41_000 })),
      };
      const file = path.join(root, TABLE, checkpointName(partition, checkpoint.start, checkpoint.end));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(checkpoint, null, 2) + '\n');
    }
  }
}

interface Measured {
  ms: number;
  requests: number;
}

type Counter = () => number;

async function timed(count: Counter, work: () => Promise<void>): Promise<Measured> {
  const before = count();
  const started = process.hrtime.bigint();
  await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, requests: count() - before };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Plans once under the lock (the lock itself not timed): unfinished runs, then every partition's committed offset. */
async function plan(table: TableState, count: Counter, expected: number): Promise<Measured> {
  const release = await table.lock('bench', 60_000, Array.from({ length: PARTITIONS }, (_, p) => p));
  try {
    return await timed(count, async () => {
      await recoverUnfinishedRuns(table, 'bench');
      for (let p = 0; p < PARTITIONS; p++) {
        const offset = await table.committedOffset(p);
        if (offset !== expected) throw new Error(`partition ${p}: planned from ${offset}, expected ${expected}`);
      }
    });
  } finally {
    await release();
  }
}

interface Row {
  sink: string;
  checkpoints: number;
  rebuild: Measured;
  plan: Measured;
  everyCheckpoint: Measured;
}

async function measure(label: string, sink: Sink, count: Counter, perPartition: number): Promise<Row> {
  const table = new TableState(sink, TABLE);
  const expected = perPartition * 1000;
  const rebuild = await plan(table, count, expected);
  const plans: Measured[] = [];
  for (let i = 0; i < ROUNDS; i++) plans.push(await plan(table, count, expected));
  const reads: Measured[] = [];
  for (let i = 0; i < 3; i++) {
    reads.push(await timed(count, async () => {
      for (let p = 0; p < PARTITIONS; p++) await table.checkpoints(p);
    }));
  }
  const med = (ms: Measured[]) => ({ ms: median(ms.map((m) => m.ms)), requests: median(ms.map((m) => m.requests)) });
  return { sink: label, checkpoints: perPartition, rebuild, plan: med(plans), everyCheckpoint: med(reads) };
}

const f1 = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const perPartition = (m: Measured) => `${f1(m.ms / PARTITIONS)} ms, ${f1(m.requests / PARTITIONS)} req`;

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const size of SIZES) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-plan-bench-'));
    try {
      const local = path.join(dir, 'local');
      writeTable(local, size);
      rows.push(await measure('local', new LocalSink(local), () => 0, size));
      const hdfsRoot = path.join(dir, 'hdfs');
      writeTable(path.join(hdfsRoot, 'warehouse'), size);
      const emulator = await startWebHdfsEmulator({ root: hdfsRoot });
      try {
        const sink = new WebHdfsSink(`webhdfs://${new URL(emulator.nameNodeUrls[0]).host}/warehouse?user.name=etl`);
        const requests = () => Object.values(emulator.requestCount).reduce((a, b) => a + b, 0);
        rows.push(await measure('webhdfs', sink, requests, size));
      } finally {
        await emulator.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`${PARTITIONS} partitions; figures are per partition (median of ${ROUNDS} plans; WebHDFS requests counted by the emulator, NameNode and DataNode)`);
  console.log('| sink | checkpoints/partition | plan (index) | first plan (rebuild) | every checkpoint (before) |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const requests = (m: Measured) => (r.sink === 'local' ? `${f1(m.ms / PARTITIONS)} ms` : perPartition(m));
    console.log(`| ${r.sink} | ${r.checkpoints.toLocaleString('en-US')} | ${requests(r.plan)} | ${requests(r.rebuild)} | ${requests(r.everyCheckpoint)} |`);
  }
  for (const sink of ['local', 'webhdfs']) {
    const small = rows.find((r) => r.sink === sink && r.checkpoints === SIZES[0])!;
    const large = rows.find((r) => r.sink === sink && r.checkpoints === SIZES[SIZES.length - 1])!;
    const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : (a / b).toFixed(2));
    const requests = sink === 'local' ? '' : `, plan requests x${ratio(large.plan.requests, small.plan.requests)}`;
    console.log(`${sink}: ${SIZES[SIZES.length - 1]} vs ${SIZES[0]} checkpoints: plan time x${ratio(large.plan.ms, small.plan.ms)}${requests}; every checkpoint: time x${ratio(large.everyCheckpoint.ms, small.everyCheckpoint.ms)}`);
  }
  const worst = rows.reduce((w, r) => ({ ms: Math.max(w.ms, r.plan.ms / PARTITIONS), requests: Math.max(w.requests, r.plan.requests / PARTITIONS) }), { ms: 0, requests: 0 });
  console.log(`target ≤ 50 ms and ≤ 4 requests per partition: worst plan ${f1(worst.ms)} ms, ${f1(worst.requests)} requests per partition: ${worst.ms <= 50 && worst.requests <= 4 ? 'met' : 'MISSED'}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
