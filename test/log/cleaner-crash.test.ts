import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLEAN_SHUTDOWN_FILE, LogManager } from '../../src/log/log-manager';
import { useTempDir } from '../helpers/temp-dir';
import { byMode } from '../helpers/long-mode';
import { CLEANER_CRASH_DEFAULTS, CLEANER_CRASH_TOPIC, CLEANER_CRASH_TOPIC_CONFIG, cleanerCrashRecords } from '../helpers/cleaner-crash-data';
import { readAll } from '../helpers/read-log';

const CHILD = path.resolve(__dirname, '../helpers/crash-cleaner.js');
const PHASES = ['map-built', 'cleaned-written', 'swap-committed', 'swap-installed', 'members-removed'] as const;
const KILLS = byMode(6, 48);

interface Expected {
  key: string;
  value: string | null;
}

interface ChildRun {
  appends: { baseOffset: number; seq: number }[];
  killedAt: string;
  cleanings: number;
}

/** Runs the child from append `firstSeq`; it kills itself at `phase` (after `skip` earlier ones) or is killed after `timerMs`. */
function runChild(dataDir: string, firstSeq: number, phase: string, skip: number, timerMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dataDir, String(firstSeq), phase, String(skip)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const run: ChildRun = { appends: [], killedAt: 'timer', cleanings: 0 };
    let pending = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timerMs);
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [kind, a, b] = line.split(' ');
        if (kind === 'A') run.appends.push({ baseOffset: Number(a), seq: Number(b) });
        else if (kind === 'K') run.killedAt = a;
        else if (kind === 'C') run.cleanings++;
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`cleaner child ended by itself: code ${code} signal ${signal}`));
      else resolve(run);
    });
  });
}

function addAppend(model: Map<number, Expected>, baseOffset: number, seq: number): void {
  cleanerCrashRecords(seq).forEach((record, i) => model.set(baseOffset + i, { key: record.key!.toString(), value: record.value?.toString() ?? null }));
}

/**
 * Opens what the killed child left (recovery runs here), then checks: offsets only grow and
 * none repeats; every record holds what was appended at its offset; each key's latest record
 * is there. An append the child made but had not reported yet may be there, whole. Returns the
 * next append number and how many records the log holds.
 */
function verify(dataDir: string, model: Map<number, Expected>, nextSeq: number): { nextSeq: number; held: number } {
  const logs = LogManager.open(dataDir, { defaults: CLEANER_CRASH_DEFAULTS });
  const log = logs.partition(CLEANER_CRASH_TOPIC, 0);
  const { records } = readAll(log);
  const modelEnd = model.size === 0 ? 0 : Math.max(...model.keys()) + 1;
  const unreported = records.filter((r) => r.offset >= modelEnd);
  if (unreported.length > 0) {
    addAppend(model, modelEnd, nextSeq);
    nextSeq++;
  }
  for (let i = 1; i < records.length; i++) assert.ok(records[i].offset > records[i - 1].offset, `offset ${records[i].offset} follows ${records[i - 1].offset}: none lost to reordering or doubled`);
  for (const r of records) assert.deepEqual({ key: r.key, value: r.value }, model.get(r.offset), `offset ${r.offset} holds what was appended there`);
  const latest = new Map<string, number>();
  for (const [offset, { key }] of model) latest.set(key, Math.max(latest.get(key) ?? -1, offset));
  const held = new Set(records.map((r) => r.offset));
  for (const [key, offset] of latest) assert.ok(held.has(offset), `${key}'s latest record (offset ${offset}) survived`);
  assert.deepEqual(fs.readdirSync(path.join(dataDir, `${CLEANER_CRASH_TOPIC}-0`)).filter((f) => /\.(cleaned|swap)$/.test(f)), [], 'no cleaner leftovers after open');
  logs.close();
  fs.rmSync(path.join(dataDir, CLEAN_SHUTDOWN_FILE));
  return { nextSeq, held: records.length };
}

describe('log cleaner crash safety (kill -9 a real process while it cleans)', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it(`loses and doubles no record through ${KILLS} kills at every step of a segment's replacement`, async () => {
    const dataDir = tmp();
    const setup = LogManager.open(dataDir, { defaults: CLEANER_CRASH_DEFAULTS });
    setup.createTopic(CLEANER_CRASH_TOPIC, 1, CLEANER_CRASH_TOPIC_CONFIG);
    setup.close();
    const model = new Map<number, Expected>();
    const kills = new Map<string, number>();
    const history: string[] = [];
    let nextSeq = 0;
    let held = 0;
    let cleanings = 0;
    const covered = () => PHASES.every((p) => (kills.get(p) ?? 0) > 0) && (kills.get('timer') ?? 0) > 0;
    for (let attempt = 0; attempt < KILLS * 4 && (attempt < KILLS || !covered()); attempt++) {
      const phase = attempt % 6 === 5 ? 'timer' : PHASES[attempt % 6];
      const skip = attempt % 3;
      const run = await runChild(dataDir, nextSeq, phase, skip, phase === 'timer' ? 150 + ((attempt * 37) % 300) : 4000);
      for (const append of run.appends) addAppend(model, append.baseOffset, append.seq);
      if (run.appends.length > 0) nextSeq = run.appends[run.appends.length - 1].seq + 1;
      kills.set(run.killedAt, (kills.get(run.killedAt) ?? 0) + 1);
      cleanings += run.cleanings;
      history.push(`run ${attempt}: ${run.appends.length} appends, ${run.cleanings} cleanings, killed at ${run.killedAt}`);
      try {
        ({ nextSeq, held } = verify(dataDir, model, nextSeq));
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${history.join('\n')}`);
      }
    }
    assert.ok(covered(), `kills landed at every phase and by timer: ${JSON.stringify([...kills])}`);
    assert.ok(cleanings > 0, 'cleanings completed between kills');
    assert.ok(held < model.size / 2, `the cleaner compacted: ${held} of ${model.size} records held`);
    console.log(`      kills: ${JSON.stringify(Object.fromEntries(kills))}; ${model.size} records appended, ${held} held after cleaning`);
  });
});
