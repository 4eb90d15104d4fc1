import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PartitionLog } from '../../src/log/partition-log';
import { DEFAULT_LOG_CONFIG, LogConfig } from '../../src/log/log-config';
import { LogManager } from '../../src/log/log-manager';
import { decodeRecords } from '../../src/protocol/records';
import { makeBatch } from '../helpers/batches';
import { useTempDir } from '../helpers/temp-dir';

const config: LogConfig = { ...DEFAULT_LOG_CONFIG, indexIntervalBytes: 64, retentionMs: -1 };
const LOG_FILE = '00000000000000000000.log';

function values(log: PartitionLog): string[] {
  const out: string[] = [];
  for (let offset = log.logStartOffset; offset < log.logEndOffset; ) {
    const batch = log.read(offset, 1).records;
    const records = decodeRecords(batch).filter((r) => r.offset >= offset);
    out.push(...records.map((r) => `${r.offset}=${r.value}`));
    offset = records[records.length - 1].offset + 1;
  }
  return out;
}

/** Writes batches of 3 records and returns the byte position where each batch ends. */
function writeBatches(dir: string, count: number): number[] {
  const log = PartitionLog.open(dir, config);
  const ends: number[] = [];
  for (let b = 0; b < count; b++) {
    log.append(makeBatch(`b${b}`, 3));
    ends.push(log.sizeInBytes);
  }
  log.close();
  return ends;
}

describe('recovery', () => {
  const tmp = useTempDir();

  it('cuts a torn tail at every byte back to the last whole batch', () => {
    const source = path.join(tmp(), 'source');
    const ends = writeBatches(source, 4);
    const full = fs.readFileSync(path.join(source, LOG_FILE));
    for (let length = ends[3] - 1; length >= ends[1]; length--) {
      const dir = path.join(tmp(), `cut-${length}`);
      fs.cpSync(source, dir, { recursive: true });
      fs.writeFileSync(path.join(dir, LOG_FILE), full.subarray(0, length));
      const log = PartitionLog.open(dir, config);
      const wholeBatches = ends.filter((end) => end <= length).length;
      assert.equal(log.logEndOffset, wholeBatches * 3, `cut at ${length}`);
      assert.equal(fs.statSync(path.join(dir, LOG_FILE)).size, ends[wholeBatches - 1], `file cut back at ${length}`);
      assert.equal(values(log).length, wholeBatches * 3);
      assert.equal(log.append(makeBatch('after', 1)).baseOffset, wholeBatches * 3, 'appending continues');
      log.close();
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('drops the last batch when any one of its bytes is garbled', () => {
    const source = path.join(tmp(), 'source');
    const ends = writeBatches(source, 3);
    const full = fs.readFileSync(path.join(source, LOG_FILE));
    for (let at = ends[1]; at < ends[2]; at++) {
      const dir = path.join(tmp(), `garble-${at}`);
      fs.cpSync(source, dir, { recursive: true });
      const garbled = Buffer.from(full);
      garbled[at] ^= 0x5a;
      fs.writeFileSync(path.join(dir, LOG_FILE), garbled);
      const log = PartitionLog.open(dir, config);
      assert.equal(log.logEndOffset, 6, `byte ${at - ends[1]} of the last batch`);
      assert.deepEqual(values(log), ['0=b0:0', '1=b0:1', '2=b0:2', '3=b1:0', '4=b1:1', '5=b1:2']);
      log.close();
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('rebuilds a missing index after a clean shutdown', () => {
    const dir = tmp();
    writeBatches(dir, 10);
    const indexFile = path.join(dir, '00000000000000000000.index');
    const originalIndex = fs.readFileSync(indexFile);
    assert.ok(originalIndex.length >= 8 * 8);
    fs.rmSync(indexFile);
    fs.rmSync(path.join(dir, '00000000000000000000.timeindex'));
    const log = PartitionLog.open(dir, config, { cleanShutdown: true });
    assert.deepEqual(fs.readFileSync(indexFile), originalIndex);
    assert.equal(values(log).length, 30);
    log.close();
  });

  it('rebuilds an index that disagrees with its segment', () => {
    const dir = tmp();
    writeBatches(dir, 10);
    const indexFile = path.join(dir, '00000000000000000000.index');
    const originalIndex = fs.readFileSync(indexFile);
    const wrong = Buffer.from(originalIndex);
    wrong.writeInt32BE(wrong.readInt32BE(12) + 17, 12); // second entry's position points mid-batch
    fs.writeFileSync(indexFile, wrong);
    const log = PartitionLog.open(dir, config, { cleanShutdown: true });
    assert.deepEqual(fs.readFileSync(indexFile), originalIndex);
    assert.deepEqual(values(log).slice(0, 4), ['0=b0:0', '1=b0:1', '2=b0:2', '3=b1:0']);
    log.close();
  });

  it('skips validation after a clean shutdown, and validates after an unclean one', () => {
    const dataDir = tmp();
    const manager = LogManager.open(dataDir, { defaults: config });
    manager.createTopic('t', 1);
    for (let b = 0; b < 4; b++) manager.partition('t', 0).append(makeBatch(`b${b}`, 3));
    manager.close();
    const logFile = path.join(dataDir, 't-0', LOG_FILE);
    const bytes = fs.readFileSync(logFile);
    bytes[bytes.length - 5] ^= 0xff; // inside the last batch's records: only a CRC check notices
    fs.writeFileSync(logFile, bytes);

    const clean = LogManager.open(dataDir, { defaults: config });
    assert.equal(clean.openedClean, true);
    assert.equal(clean.partition('t', 0).logEndOffset, 12, 'no scan after a clean shutdown');
    clean.checkpointRecoveryPoints();
    // no close(): the next open sees no clean-shutdown marker, as after a crash
    const unclean = LogManager.open(dataDir, { defaults: config });
    assert.equal(unclean.openedClean, false);
    assert.equal(unclean.partition('t', 0).logEndOffset, 9, 'the corrupt last batch was cut');
    unclean.close();
  });

  it('validates only segments from the recovery point on', () => {
    const dir = tmp();
    const log = PartitionLog.open(dir, { ...config, segmentBytes: 250 });
    for (let b = 0; b < 6; b++) log.append(makeBatch(`b${b}`, 3));
    const segments = log.describeSegments();
    log.close();
    assert.ok(segments.length >= 3);
    const firstFile = path.join(dir, LOG_FILE);
    const bytes = fs.readFileSync(firstFile);
    bytes[bytes.length - 5] ^= 0xff;
    fs.writeFileSync(firstFile, bytes);
    const trusting = PartitionLog.open(dir, config, { recoveryPoint: segments[segments.length - 1].baseOffset });
    assert.equal(trusting.logEndOffset, 18, 'segments below the recovery point are not re-validated');
    trusting.close();
    const checking = PartitionLog.open(dir, config, { recoveryPoint: 0 });
    assert.equal(checking.logEndOffset, segments[0].nextOffset - 3, 'the bad batch and every later segment are dropped');
    assert.equal(checking.segmentCount, 1);
    checking.close();
  });
});
