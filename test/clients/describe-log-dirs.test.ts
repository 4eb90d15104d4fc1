import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunningBroker, startBroker } from '../helpers/broker';
import { run } from '../helpers/processes';
import { segmentBytes } from '../helpers/segment-bytes';

const SCRIPT = path.resolve(__dirname, '../../../test/clients/platformatic-log-dirs.mjs');


interface Described {
  broker: number;
  results: { logDir: string; topics: { name: string; partitions: { partitionIndex: number; partitionSize: number; offsetLag: number; isFutureKey: boolean }[] }[]; totalBytes: number; usableBytes: number }[];
}

describe('DescribeLogDirs (@platformatic/kafka Admin.describeLogDirs)', function () {
  this.timeout(30_000);
  let broker: RunningBroker;
  before(async () => {
    broker = await startBroker();
  });
  after(() => broker.stop());

  it('answers the data directory with each partition\'s segment bytes as on disk, and the volume\'s sizes', async () => {
    const result = await run(process.execPath, [SCRIPT, broker.bootstrap]);
    assert.equal(result.code, 0, result.stderr);
    const [described] = JSON.parse(result.stdout) as Described[];
    assert.equal(described.results.length, 1);
    const [dir] = described.results;
    assert.equal(dir.logDir, path.resolve(broker.dataDir));
    assert.deepEqual(dir.topics.map((t) => t.name), ['dirs']);
    const partitions = dir.topics[0].partitions;
    assert.deepEqual(partitions.map((p) => p.partitionIndex), [0, 1], 'partition 7 does not exist: not listed');
    for (const p of partitions) {
      assert.equal(p.partitionSize, segmentBytes(broker.dataDir, 'dirs', p.partitionIndex));
      assert.ok(p.partitionSize > 0);
      assert.equal(p.offsetLag, 0);
      assert.equal(p.isFutureKey, false);
    }
    assert.ok(partitions[0].partitionSize > partitions[1].partitionSize, '30 records take more bytes than 10');
    const volume = fs.statfsSync(broker.dataDir);
    assert.equal(dir.totalBytes, volume.blocks * volume.bsize);
    assert.ok(dir.usableBytes > 0 && dir.usableBytes <= dir.totalBytes);
  });
});
