import { strict as assert } from 'node:assert';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaClient } from '../../src/client/kafka-client';
import { buildRecordBatch } from '../../src/protocol/records';
import { freePort, spawnBroker } from '../helpers/broker-process';
import { GroupMemberProcess } from '../helpers/group-member-process';
import { run } from '../helpers/processes';
import { useTempDir } from '../helpers/temp-dir';

const PARTITIONS = 4;
const PER_PARTITION = 10;
const GROUP_FLAGS = ['--group-initial-rebalance-delay-ms', '100', '--group-min-session-timeout-ms', '1000'];

describe('committed offsets across a broker SIGKILL', function () {
  this.timeout(60_000);
  const tmp = useTempDir();

  it('a new member (kcat -G) resumes exactly at the offsets a librdkafka member committed before the kill', async () => {
    const port = await freePort();
    const bootstrap = `127.0.0.1:${port}`;
    const first = await spawnBroker(['--data-dir', tmp(), '--port', String(port), ...GROUP_FLAGS]);
    const setup = await KafkaClient.connect(bootstrap);
    await setup.createTopic('resume', PARTITIONS);
    for (let p = 0; p < PARTITIONS; p++) {
      await setup.produce('resume', p, buildRecordBatch(Array.from({ length: PER_PARTITION }, (_, i) => ({ value: Buffer.from(`p${p}-${i}`) }))));
    }
    setup.close();

    // Commits after every record, synchronously, then stops after 17 records: every commit it saw answered is on the broker.
    const consumer = GroupMemberProcess.librdkafka('committer', bootstrap, 'resume-group', 'resume', {
      'commit-each': true, 'stop-after': 17, 'session.timeout.ms': 1000, 'heartbeat.interval.ms': 200,
    });
    try {
      await consumer.until(() => consumer.events.some((e) => e.paused), 20_000, 'the consumer to read 17 records and commit each');
    } finally {
      consumer.kill();
    }
    const committed = consumer.committed;
    assert.equal([...committed.values()].reduce((a, b) => a + b, 0), 17, JSON.stringify([...committed]));

    first.child.kill('SIGKILL');
    assert.deepEqual(await first.exited, { code: null, signal: 'SIGKILL' });
    const second = await spawnBroker(['--data-dir', tmp(), '--port', String(port), ...GROUP_FLAGS]);
    const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      // The group came back as its last generation left it: Stable, with the member that was killed (until its session ends).
      const [loaded] = (await admin.describeGroups(['resume-group'])).groups;
      assert.equal(loaded.state, 'Stable');
      assert.equal(loaded.members.length, 1);
      const fetched = await admin.fetchOffsets({ groupId: 'resume-group', topics: ['resume'] });
      const stored = new Map(fetched[0].partitions.map((p) => [p.partition, Number(p.offset)]));
      for (let p = 0; p < PARTITIONS; p++) assert.equal(stored.get(p), committed.get(p) ?? -1, `partition ${p}`);

      const resumed = await run('kcat', ['-b', bootstrap, '-G', 'resume-group', 'resume', '-e', '-q', '-f', '%p %o %s\\n',
        '-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=200', '-X', 'auto.offset.reset=earliest']);
      assert.equal(resumed.code, 0, resumed.stderr);
      if (process.env.GROUPS_VERBOSE) console.log(JSON.stringify([...committed]), resumed.stdout, resumed.stderr);
      const read = resumed.stdout.trim().split('\n').map((line) => line.split(' '));
      for (let p = 0; p < PARTITIONS; p++) {
        const start = committed.get(p) ?? 0;
        const expected = Array.from({ length: PER_PARTITION - start }, (_, i) => `${start + i} p${p}-${start + i}`);
        assert.deepEqual(read.filter(([partition]) => Number(partition) === p).map(([, offset, value]) => `${offset} ${value}`), expected, `partition ${p}`);
      }
      // kcat committed what it read when it closed.
      const after = await admin.fetchOffsets({ groupId: 'resume-group', topics: ['resume'] });
      assert.deepEqual(after[0].partitions.map((p) => Number(p.offset)).sort(), Array(PARTITIONS).fill(PER_PARTITION));
    } finally {
      await admin.disconnect();
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
