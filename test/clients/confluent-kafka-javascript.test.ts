import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { inspectPartitionDir } from '../../src/log/segment-inspector';
import { RunningBroker, startBroker } from '../helpers/broker';
import { run } from '../helpers/processes';

const REPO = path.resolve(__dirname, '../../..');
const SCRIPT = path.join(REPO, 'test/clients/confluent-kafka-javascript.mjs');
const PARTITIONS = 4;

interface Seen {
  created: boolean;
  partitions: number;
  received: [number, number, string, string][];
  committed: [number, number][];
  group: { state: string; protocolType: string };
  deleted: [number, number, string | null][];
  watermarks: [number, number, number][];
}

function installed(): void {
  try {
    require.resolve('@confluentinc/kafka-javascript', { paths: [REPO] });
  } catch {
    // It is an optional dependency: its prebuilt binary and its static build download from GitHub.
    assert.fail('@confluentinc/kafka-javascript is not installed; on a machine without GitHub run `CKJS_LINKING=dynamic npm ci` (README)');
  }
}

describe('@confluentinc/kafka-javascript (its KafkaJS API over librdkafka 2.15)', function () {
  this.timeout(60_000);
  let running: RunningBroker;
  beforeEach(async () => {
    running = await startBroker({ groups: { initialRebalanceDelayMs: 50 } });
  });
  afterEach(async () => {
    await running.stop();
  });

  it('admin creates a topic, an idempotent zstd producer sends, a group member reads and commits everything, admin reads the offsets and deletes records', async () => {
    installed();
    const count = 300;
    const result = await run(process.execPath, [SCRIPT, running.bootstrap, 'ckjs', 'ckjs-group', String(count)], undefined, { cwd: REPO });
    assert.equal(result.code, 0, result.stderr);
    const seen = JSON.parse(result.stdout) as Seen;
    assert.equal(seen.created, true);
    assert.equal(seen.partitions, PARTITIONS);

    const values = seen.received.map(([, , , value]) => value).sort();
    assert.deepEqual(values, Array.from({ length: count }, (_, i) => `event-${i}`).sort(), 'every message read once');
    const partitionOfKey = new Map<string, number>();
    const perPartition = new Map<number, number[]>();
    for (const [partition, offset, key] of seen.received) {
      assert.equal(partitionOfKey.get(key) ?? partition, partition, `key ${key} stays on one partition`);
      partitionOfKey.set(key, partition);
      perPartition.set(partition, [...(perPartition.get(partition) ?? []), offset]);
    }
    for (const [partition, offsets] of perPartition) {
      assert.deepEqual(offsets, offsets.map((_, i) => i), `partition ${partition}: offsets 0.. in order`);
    }

    const expectedCommits = [...perPartition].map(([p, offsets]) => [p, offsets.length]).sort((a, b) => a[0] - b[0]);
    assert.deepEqual([...seen.committed].sort((a, b) => a[0] - b[0]), expectedCommits, 'the committed offset of each partition is its end');
    assert.deepEqual(seen.group, { state: 'EMPTY', protocolType: 'consumer' });
    assert.deepEqual(seen.deleted, [[0, 1, null]]);
    const expectedMarks = expectedCommits.map(([p, end]) => [p, p === 0 ? 1 : 0, end]);
    assert.deepEqual([...seen.watermarks].sort((a, b) => a[0] - b[0]), expectedMarks, 'partition 0 starts at 1 after DeleteRecords');

    for (let p = 0; p < PARTITIONS; p++) {
      const batches = inspectPartitionDir(path.join(running.dataDir, `ckjs-${p}`)).flatMap((s) => s.batches);
      assert.ok(batches.length > 0, `partition ${p} has batches`);
      for (const batch of batches) {
        assert.equal(batch.compression, 'zstd', `partition ${p} offset ${batch.baseOffset}: stored as the producer compressed it`);
        assert.ok(batch.producerId >= 0, `partition ${p} offset ${batch.baseOffset}: written by an idempotent producer`);
      }
    }
  });
});
