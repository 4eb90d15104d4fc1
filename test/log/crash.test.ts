import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLEAN_SHUTDOWN_FILE, LogManager } from '../../src/log/log-manager';
import { inspectPartitionDir } from '../../src/log/segment-inspector';
import { CRC_POS, LOG_OVERHEAD, BATCH_LENGTH_POS, readBatchHeader } from '../../src/protocol/record-batch';
import { CRASH_TEST_DEFAULTS, CRASH_TOPIC } from '../helpers/crash-settings';
import { useTempDir } from '../helpers/temp-dir';
import { byMode } from '../helpers/long-mode';

interface Reported {
  lastOffset: number;
  crc: number;
}

const APPENDER = path.resolve(__dirname, '../helpers/crash-appender.js');
const KILLS = byMode(12, 24);

/** A tiny seeded generator so a failing run can be repeated with CRASH_SEED. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/** Starts the appender, lets it run until `runMs` after its first report, kills it with SIGKILL. */
function runAndKill(dataDir: string, label: string, runMs: number, reported: Map<number, Reported>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [APPENDER, dataDir, label], { stdio: ['ignore', 'pipe', 'inherit'] });
    let pending = '';
    let reports = 0;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('ready')) continue;
        const [base, last, crc] = line.split(' ').map(Number);
        reported.set(base, { lastOffset: last, crc });
        reports++;
        if (!timer) timer = setTimeout(() => child.kill('SIGKILL'), runMs);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`appender ended by itself: code ${code} signal ${signal}`));
      else resolve(reports);
    });
  });
}

/** Damages only bytes after the last reported batch: data nobody was promised. */
function damageUnreportedTail(partitionDir: string, reported: Map<number, Reported>, next: () => number, how: 'truncate' | 'garble'): string {
  const segments = inspectPartitionDir(partitionDir);
  const active = segments[segments.length - 1];
  const lastReported = Math.max(...[...reported.values()].map((r) => r.lastOffset));
  const inActive = active.batches.filter((b) => b.lastOffset <= lastReported);
  const safeEnd = inActive.length > 0 ? inActive[inActive.length - 1].position + inActive[inActive.length - 1].size : 0;
  if (active.sizeBytes <= safeEnd) return 'nothing unreported to damage';
  const at = safeEnd + Math.floor(next() * (active.sizeBytes - safeEnd));
  if (how === 'truncate') {
    fs.truncateSync(active.file, at);
    return `truncated ${path.basename(active.file)} at byte ${at}`;
  }
  const fd = fs.openSync(active.file, 'r+');
  const byte = Buffer.alloc(1);
  fs.readSync(fd, byte, 0, 1, at);
  byte[0] ^= 1 + Math.floor(next() * 255);
  fs.writeSync(fd, byte, 0, 1, at);
  fs.closeSync(fd);
  return `garbled byte ${at} of ${path.basename(active.file)}`;
}

/** Every reported batch is intact, and offsets run contiguously from 0 to the log end. */
function verify(dataDir: string, reported: Map<number, Reported>, closeCleanly: boolean): number {
  const logs = LogManager.open(dataDir, { defaults: CRASH_TEST_DEFAULTS });
  const log = logs.partition(CRASH_TOPIC, 0);
  let expected = 0;
  let batches = 0;
  while (expected < log.logEndOffset) {
    const { records } = log.read(expected, 4 << 20);
    for (let pos = 0; pos < records.length; pos += LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH_POS)) {
      const header = readBatchHeader(records, pos);
      assert.equal(header.baseOffset, expected, `batch at offset ${expected} is contiguous`);
      const promise = reported.get(header.baseOffset);
      if (promise) {
        assert.equal(header.baseOffset + header.lastOffsetDelta, promise.lastOffset, `batch ${header.baseOffset} keeps its records`);
        assert.equal(records.readUInt32BE(pos + CRC_POS), promise.crc, `batch ${header.baseOffset} keeps its bytes`);
      }
      expected = header.baseOffset + header.lastOffsetDelta + 1;
      batches++;
    }
  }
  for (const [base, promise] of reported) {
    assert.ok(promise.lastOffset < log.logEndOffset, `reported batch ${base}..${promise.lastOffset} survived (log end ${log.logEndOffset})`);
  }
  logs.close();
  // Without the marker the next open recovers as after a crash.
  if (!closeCleanly) fs.rmSync(path.join(dataDir, CLEAN_SHUTDOWN_FILE));
  return batches;
}

describe('crash safety (kill -9 a real appender process)', function () {
  this.timeout(180_000);
  const tmp = useTempDir();

  it(`keeps every flushed batch through ${KILLS} kills, restarts and tail damage`, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    const next = random(seed);
    const dataDir = tmp();
    const setup = LogManager.open(dataDir, { defaults: CRASH_TEST_DEFAULTS });
    setup.createTopic(CRASH_TOPIC, 1);
    setup.close();
    const reported = new Map<number, Reported>();
    const history: string[] = [`seed ${seed}`];
    const partitionDir = path.join(dataDir, `${CRASH_TOPIC}-0`);
    // On a loaded machine fewer appends are flushed per run: kill on until the log has rolled a segment.
    const rolled = () => inspectPartitionDir(partitionDir).length > 1;
    let kill = 1;
    for (; kill <= KILLS || (!rolled() && kill <= 4 * KILLS); kill++) {
      const runMs = Math.floor(next() * 250);
      const reports = await runAndKill(dataDir, `run${kill}`, runMs, reported);
      // Every third kill damages the tail, truncating and garbling in turn.
      const damage = kill % 3 === 0 ? damageUnreportedTail(partitionDir, reported, next, kill % 6 === 0 ? 'garble' : 'truncate') : 'no damage';
      history.push(`kill ${kill} after ${runMs} ms: ${reports} reports, ${damage}`);
      try {
        verify(dataDir, reported, kill % 4 === 0);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${history.join('\n')}`);
      }
    }
    assert.ok(reported.size > KILLS * 10, `${reported.size} batches were reported flushed`);
    assert.ok(rolled(), `kills landed across segment rolls (${kill - 1} kills)`);
    if (process.env.CRASH_VERBOSE) console.log(history.join('\n'));
  });

  it('refuses a data directory a live process holds, and takes it over once that process is killed', async () => {
    const dataDir = tmp();
    const setup = LogManager.open(dataDir, { defaults: CRASH_TEST_DEFAULTS });
    setup.createTopic(CRASH_TOPIC, 1);
    setup.close();
    const child = spawn(process.execPath, [APPENDER, dataDir, 'holder'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let seen = '';
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (/^\d+ \d+ \d+$/m.test(seen)) resolve(); // a flushed append was reported
      }),
    );
    assert.throws(() => LogManager.open(dataDir), new RegExp(`in use by process ${child.pid}`));
    const exited = new Promise((resolve) => child.on('close', resolve));
    child.kill('SIGKILL');
    await exited;
    const after = LogManager.open(dataDir, { defaults: CRASH_TEST_DEFAULTS });
    assert.ok(after.partition(CRASH_TOPIC, 0).logEndOffset > 0);
    after.close();
  });
});
