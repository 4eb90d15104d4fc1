// Child process for the crash test: appends batches forever with flush.messages=1 and
// reports "baseOffset lastOffset crc" on stdout after each append has been flushed.
import * as fs from 'node:fs';
import { LogManager } from '../../src/log/log-manager';
import { buildRecordBatch } from '../../src/protocol/records';
import { CRC_POS } from '../../src/protocol/record-batch';
import { CRASH_TEST_DEFAULTS, CRASH_TOPIC } from './crash-settings';

const [dataDir, runLabel] = process.argv.slice(2);
const logs = LogManager.open(dataDir, { defaults: CRASH_TEST_DEFAULTS });
const log = logs.partition(CRASH_TOPIC, 0);
fs.writeSync(1, `ready ${log.logEndOffset}\n`);
for (let seq = 0; ; seq++) {
  const count = 1 + (seq % 37);
  const records = Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`${runLabel}:${seq}:${i}:`.padEnd(40 + (seq % 200), '#')) }));
  const batch = buildRecordBatch(records);
  const result = log.append(batch);
  fs.writeSync(1, `${result.baseOffset} ${result.lastOffset} ${batch.readUInt32BE(CRC_POS)}\n`);
}
