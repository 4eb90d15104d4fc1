import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PartitionLog } from '../../src/log/partition-log';
import { DEFAULT_LOG_CONFIG } from '../../src/log/log-config';
import { asProducerBatch, makeBatch } from '../helpers/batches';
import { useTempDir } from '../helpers/temp-dir';
import { sluice } from '../helpers/cli';

describe('sluice log dump', () => {
  const tmp = useTempDir();

  function writePartition(): string {
    const dir = path.join(tmp(), 'clicks-0');
    const log = PartitionLog.open(dir, { ...DEFAULT_LOG_CONFIG, segmentBytes: 250, retentionMs: -1 });
    for (let b = 0; b < 3; b++) log.append(makeBatch(`b${b}`, 3, { timestamp: 1_700_000_000_000 + b }));
    log.close();
    return dir;
  }

  it('prints each segment and batch with offsets, timestamps, counts and CRC status', () => {
    const dir = writePartition();
    const result = sluice(['log', 'dump', dir]);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0], /^segment .*00000000000000000000\.log {2}bytes 200 {2}offsets 0\.\.5 {2}batches 2/);
    assert.match(lines[1], /baseOffset 0 lastOffset 2 count 3 position 0 size 100 baseTimestamp 1700000000000 .* valid$/);
    assert.match(lines[2], /baseOffset 3 lastOffset 5 .*maxTimestamp 1700000000001 .* valid$/);
    assert.match(lines[3], /^segment .*00000000000000000006\.log .*offsets 6\.\.8/);
  });

  it("shows a producer's id, epoch and sequence, and the transactional and control bits, as Kafka's DumpLogSegments", () => {
    const dir = path.join(tmp(), 'orders-0');
    const log = PartitionLog.open(dir, { ...DEFAULT_LOG_CONFIG, retentionMs: -1 });
    log.append(makeBatch('plain', 1));
    log.append(asProducerBatch(makeBatch('txn', 2), 4000, 3, 0, true));
    log.writeTxnMarker({ producerId: 4000, producerEpoch: 3, commit: true, coordinatorEpoch: 0 });
    log.close();
    const result = sluice(['log', 'dump', dir]);
    assert.equal(result.status, 0, result.stderr);
    // The marker (stamped now) rolls a new segment past the batches' 2023 timestamps (segment.ms).
    const [plain, txn, marker] = result.stdout.trim().split('\n').filter((line) => line.startsWith('  baseOffset'));
    assert.doesNotMatch(plain, /producerId|transactional|control/);
    assert.match(txn, /baseOffset 1 lastOffset 2 .* producerId 4000 producerEpoch 3 baseSequence 0 transactional crc .* valid$/);
    assert.match(marker, /baseOffset 3 lastOffset 3 count 1 .* producerId 4000 producerEpoch 3 baseSequence -1 transactional control crc .* valid$/);
  });

  it('reports a bad CRC and a torn tail, exits 1, and changes nothing', () => {
    const dir = writePartition();
    const file = path.join(dir, '00000000000000000000.log');
    const bytes = fs.readFileSync(file);
    bytes[150] ^= 1;
    const damaged = Buffer.concat([bytes, Buffer.from([0, 0, 0])]);
    fs.writeFileSync(file, damaged);
    const result = sluice(['log', 'dump', dir]);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /baseOffset 3 .*INVALID: CRC-32C mismatch/);
    assert.match(result.stdout, /3 trailing bytes do not form a whole batch/);
    assert.deepEqual(fs.readFileSync(file), damaged);
  });

  it('prints JSON with --json', () => {
    const dir = writePartition();
    const segments = sluice(['log', 'dump', dir, '--json']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(segments.map((s) => s.batches.map((b: { baseOffset: number }) => b.baseOffset)), [[0, 3], [6]]);
  });

  it('names the path when it is not a partition directory', () => {
    const result = sluice(['log', 'dump', path.join(tmp(), 'missing-0')]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /missing-0: is not a directory/);
  });

  it('prints usage and exits 2 on a missing argument', () => {
    const result = sluice(['log', 'dump']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /partition-dir/);
  });
});
