// Child process for the cleaner's crash test: appends keyed batches (flushed before each is
// reported as "A <baseOffset> <seq> <count>") and runs the log cleaner every few appends. Given a
// phase, it SIGKILLs itself when the cleaner reaches that durable step for the `skip`+1-th time
// while replacing a group of segments (more than one, so that the group note is in play).
import * as fs from 'node:fs';
import { LogManager } from '../../src/log/log-manager';
import type { CleanerPhase } from '../../src/log/cleaner/cleaner';
import { buildRecordBatch } from '../../src/protocol/records';
import { CLEANER_CRASH_DEFAULTS, CLEANER_CRASH_TOPIC, cleanerCrashRecords } from './cleaner-crash-data';

const [dataDir, firstSeqArg, killPhase, skipArg] = process.argv.slice(2);
let skip = Number(skipArg);
const logs = LogManager.open(dataDir, {
  defaults: CLEANER_CRASH_DEFAULTS,
  onCleanerPhase: (phase: CleanerPhase, _base: number, segments: number) => {
    if (phase !== killPhase || segments < 2) return;
    if (skip-- > 0) return;
    fs.writeSync(1, `K ${phase}\n`);
    process.kill(process.pid, 'SIGKILL');
  },
});
const log = logs.partition(CLEANER_CRASH_TOPIC, 0);
fs.writeSync(1, `ready ${log.logEndOffset}\n`);

async function main(): Promise<void> {
  for (let seq = Number(firstSeqArg); ; seq++) {
    const records = cleanerCrashRecords(seq);
    const result = log.append(buildRecordBatch(records));
    fs.writeSync(1, `A ${result.baseOffset} ${seq} ${records.length}\n`);
    if (seq % 12 === 11) {
      const cleaned = await logs.cleanNow();
      fs.writeSync(1, `C ${cleaned.map((c) => c.segmentsRewritten).join(',')}\n`);
    }
  }
}

void main();
