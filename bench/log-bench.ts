// Storage benchmark (npm run bench): in-process appends and reads of 100-byte records
// in batches of 1,000, at 1 GB and 10 GB stored, against the disk's own write speed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogManager } from '../src/log/log-manager';
import { PartitionLog } from '../src/log/partition-log';
import { buildRecordBatch } from '../src/protocol/records';
import { BATCH_LENGTH_POS, LOG_OVERHEAD, RECORDS_COUNT_POS } from '../src/protocol/record-batch';

const GB = 1024 ** 3;
const STORED_GB = Number(process.env.BENCH_STORED_GB ?? 10);
const RECORDS_PER_BATCH = 1000;
const RECORD_VALUE_BYTES = 100;
const RANDOM_READS = 5000;

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Sequential 1 MiB writes and one fdatasync: what the disk itself sustains. */
function diskWriteSpeed(dir: string, bytes: number): number {
  const file = path.join(dir, 'disk-ceiling.bin');
  const chunk = Buffer.alloc(1024 * 1024, 7);
  const fd = fs.openSync(file, 'w');
  const start = process.hrtime.bigint();
  for (let written = 0; written < bytes; written += chunk.length) fs.writeSync(fd, chunk);
  fs.fdatasyncSync(fd);
  const elapsed = seconds(start);
  fs.closeSync(fd);
  fs.rmSync(file);
  return bytes / elapsed;
}

function templateBatches(): Buffer[] {
  return Array.from({ length: 16 }, (_, b) =>
    buildRecordBatch(
      Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({
        value: Buffer.from(`{"page":"/p/${b}/${i}","user":"u${(i * 7919) % 100000}"}`.padEnd(RECORD_VALUE_BYTES, ' ')),
      })),
    ),
  );
}

/** Appends until the log holds `untilBytes`; yields to the event loop so background flushes complete. */
async function appendUntil(log: PartitionLog, untilBytes: number, batches: Buffer[]): Promise<{ records: number; seconds: number }> {
  const start = process.hrtime.bigint();
  let records = 0;
  for (let i = 0; log.sizeInBytes < untilBytes; i++) {
    records += log.append(batches[i % batches.length]).recordCount;
    if (i % 32 === 31) await new Promise((resolve) => setImmediate(resolve));
  }
  await log.whenFlushed();
  return { records, seconds: seconds(start) };
}

function recordsIn(buffer: Buffer): number {
  let count = 0;
  for (let pos = 0; pos < buffer.length; pos += LOG_OVERHEAD + buffer.readInt32BE(pos + BATCH_LENGTH_POS)) {
    count += buffer.readInt32BE(pos + RECORDS_COUNT_POS);
  }
  return count;
}

/** Reads [from, until) front to back in 1 MiB fetches, as a consumer would. */
function sequentialRead(log: PartitionLog, from: number, until: number): { records: number; seconds: number } {
  const start = process.hrtime.bigint();
  let records = 0;
  for (let offset = from; offset < until; ) {
    const got = recordsIn(log.read(offset, 1024 * 1024).records);
    records += got;
    offset += got; // batches here are whole and start exactly at `offset`
  }
  return { records, seconds: seconds(start) };
}

interface Latencies {
  p50: number;
  p99: number;
  max: number;
}

/** Reads at random offsets across the whole log; `maxBytes` 1 returns just the batch holding the offset. */
function randomReads(log: PartitionLog, maxBytes: number): Latencies {
  const latencies: number[] = [];
  const span = log.logEndOffset - log.logStartOffset;
  for (let i = 0; i < RANDOM_READS; i++) {
    const offset = log.logStartOffset + Math.floor(Math.random() * span);
    const start = process.hrtime.bigint();
    log.read(offset, maxBytes);
    latencies.push(seconds(start) * 1000);
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] };
}

const rate = (r: { records: number; seconds: number }) => r.records / r.seconds;
const latency = (l: Latencies) => `p50 ${l.p50.toFixed(3)} ms, p99 ${l.p99.toFixed(3)} ms, max ${l.max.toFixed(3)} ms`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

interface Side {
  label: string;
  log: PartitionLog;
  firstGBEnd: number;
  appendRates: number[];
  readRates: number[];
  batchRead?: Latencies;
  fetchRead?: Latencies;
}

/** Appends `bytes` and returns the offset where the first GB ends. */
async function fill(log: PartitionLog, bytes: number, batches: Buffer[]): Promise<number> {
  await appendUntil(log, Math.min(GB, bytes), batches);
  const firstGBEnd = log.logEndOffset;
  await appendUntil(log, bytes, batches);
  log.flush();
  return firstGBEnd;
}

/**
 * Two partitions, one holding 1 GB and one holding STORED_GB, measured in
 * alternating rounds so that both see the same machine state (page cache,
 * writeback, disk burst); the comparison uses each side's median.
 */
async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'sluice-bench-'));
  const out = (line: string) => console.log(line);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
  const windowBytes = 128 * 1024 * 1024;
  try {
    const batches = templateBatches();
    const bytesPerRecord = batches[0].length / RECORDS_PER_BATCH;
    out(`machine: ${os.cpus().length} x ${os.cpus()[0].model}, ${Math.round(os.totalmem() / GB)} GiB RAM, node ${process.version}`);
    out(`data dir: ${dir}; ${RECORD_VALUE_BYTES}-byte values, ${RECORDS_PER_BATCH} per batch, ${bytesPerRecord.toFixed(1)} bytes/record on disk`);
    const disk = diskWriteSpeed(dir, 2 * GB);
    const ceiling = disk / bytesPerRecord;
    out(`disk sequential write (2 GiB + fdatasync): ${fmt(disk / 1e6)} MB/s = ceiling of ${fmt(ceiling)} records/s`);

    const logs = LogManager.open(dir, { defaults: { flushMs: 1000, retentionMs: -1 } });
    logs.createTopic('large', 1);
    logs.createTopic('small', 1);
    const large = logs.partition('large', 0);
    const small = logs.partition('small', 0);
    const fillStart = process.hrtime.bigint();
    const largeFirstGB = await fill(large, STORED_GB * GB, batches);
    out(`filled ${STORED_GB} GB at ${fmt(large.logEndOffset / seconds(fillStart))} records/s`);
    const smallFirstGB = await fill(small, GB, batches);
    const sides: Side[] = [
      { label: '1 GB stored', log: small, firstGBEnd: smallFirstGB, appendRates: [], readRates: [] },
      { label: `${STORED_GB} GB stored`, log: large, firstGBEnd: largeFirstGB, appendRates: [], readRates: [] },
    ];
    for (const side of sides) sequentialRead(side.log, 0, side.firstGBEnd); // warm-up, not measured
    for (let round = 0; round < rounds; round++) {
      for (const side of sides) {
        side.readRates.push(rate(sequentialRead(side.log, 0, side.firstGBEnd)));
        side.appendRates.push(rate(await appendUntil(side.log, side.log.sizeInBytes + windowBytes, batches)));
        side.log.flush(); // let writeback finish so the next read does not compete with it
      }
    }
    for (const side of sides) {
      side.batchRead = randomReads(side.log, 1);
      side.fetchRead = randomReads(side.log, 1024 * 1024);
    }
    logs.close();

    for (const side of sides) {
      const append = median(side.appendRates);
      out(`\n-- ${side.label} (${side.log.segmentCount} segments) --`);
      out(`append, 128 MiB windows: median ${fmt(append)} records/s (${fmt((append * bytesPerRecord) / 1e6)} MB/s, flush.ms=1000), ${(append / ceiling).toFixed(2)} of the disk ceiling; rounds ${side.appendRates.map((r) => (r / 1e6).toFixed(2)).join(' ')} M/s`);
      out(`sequential read of the first GB, 1 MiB fetches: median ${fmt(median(side.readRates))} records/s; rounds ${side.readRates.map((r) => (r / 1e6).toFixed(1)).join(' ')} M/s`);
      out(`random offset, read its batch: ${latency(side.batchRead!)}`);
      out(`random offset, 1 MiB fetch:    ${latency(side.fetchRead!)}`);
    }
    const [s, l] = sides;
    out(`\n-- targets --`);
    out(`append ≥ 2,000,000 records/s: ${fmt(median(s.appendRates))} (1 GB), ${fmt(median(l.appendRates))} (${STORED_GB} GB)`);
    out(`sequential read ≥ 4,000,000 records/s: ${fmt(median(s.readRates))} (1 GB), ${fmt(median(l.readRates))} (${STORED_GB} GB)`);
    out(`append ${STORED_GB} GB / 1 GB: ${(median(l.appendRates) / median(s.appendRates)).toFixed(3)} (0.9-1.1: constant time)`);
    out(`read ${STORED_GB} GB / 1 GB: ${(median(l.readRates) / median(s.readRates)).toFixed(3)} (0.9-1.1: constant time)`);
    out(`random-offset read p99 ≤ 1 ms: batch ${s.batchRead!.p99.toFixed(3)} / ${l.batchRead!.p99.toFixed(3)} ms; 1 MiB fetch ${s.fetchRead!.p99.toFixed(3)} / ${l.fetchRead!.p99.toFixed(3)} ms`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
