import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaClient } from '../../src/client/kafka-client';
import { buildRecordBatch } from '../../src/protocol/records';
import { RunningBroker, startBroker } from '../helpers/broker';
import { GroupMemberProcess, splitsAll, waitFor } from '../helpers/group-member-process';
import { run } from '../helpers/processes';

const PLATFORMATIC_GROUP = path.resolve(__dirname, '../../../test/clients/platformatic-group.mjs');

const SESSION_TIMEOUT_MS = 1500;
/** librdkafka settings for quick rebalances: short session, frequent heartbeats. */
const LIBRDKAFKA = { 'session.timeout.ms': SESSION_TIMEOUT_MS, 'heartbeat.interval.ms': 200 };

async function produceOnePerPartition(client: KafkaClient, topic: string, partitions: number, label: string): Promise<void> {
  for (let p = 0; p < partitions; p++) await client.produce(topic, p, buildRecordBatch([{ value: Buffer.from(`${label}-${p}`) }]));
}

describe('consumer groups with real clients', function () {
  this.timeout(30_000);
  let running: RunningBroker;
  let client: KafkaClient;
  const members: GroupMemberProcess[] = [];
  const logLines: string[] = [];

  beforeEach(async () => {
    logLines.length = 0;
    // The broker's session floor is lowered so a member's death shows within seconds; the rest are Kafka's defaults.
    running = await startBroker({ groups: { initialRebalanceDelayMs: 100, minSessionTimeoutMs: 1000 }, log: (line) => logLines.push(line) });
    client = await KafkaClient.connect(running.bootstrap);
  });

  afterEach(async () => {
    for (const m of members.splice(0)) m.kill();
    client.close();
    await running.stop();
  });

  const member = (name: string, group: string, topic: string, config: Record<string, string | number | boolean>) => {
    const m = GroupMemberProcess.librdkafka(name, running.bootstrap, group, topic, config);
    members.push(m);
    return m;
  };

  it('librdkafka (cooperative-sticky): two members split 4 partitions, a third joins, a SIGKILLed one\'s partitions move after its session timeout', async () => {
    await client.createTopic('cg-split', 4);
    const config = { ...LIBRDKAFKA, 'partition.assignment.strategy': 'cooperative-sticky' };
    const a = member('a', 'cg-split-group', 'cg-split', config);
    const b = member('b', 'cg-split-group', 'cg-split', config);
    await waitFor([a, b], () => splitsAll([a.assignment, b.assignment], 4) && a.assignment.length === 2, 15_000, 'a and b to hold two partitions each');

    const c = member('c', 'cg-split-group', 'cg-split', config);
    await waitFor([a, b, c], () => splitsAll([a.assignment, b.assignment, c.assignment], 4) && c.assignment.length >= 1, 15_000, 'a, b and c to split the 4 partitions');
    // Cooperative: a and b gave up one partition between them and kept the rest (no full revocation).
    assert.equal(a.assignment.length + b.assignment.length, 3);

    const killedPartitions = c.assignment;
    c.kill();
    const killedAt = Date.now();
    await waitFor([a, b], () => splitsAll([a.assignment, b.assignment], 4), 15_000, 'a and b to take over c\'s partitions');
    const movedAfter = Date.now() - killedAt;
    assert.ok(movedAfter >= SESSION_TIMEOUT_MS - 300, `moved after ${movedAfter} ms, before the session timeout could expire`);
    assert.ok(movedAfter < SESSION_TIMEOUT_MS + 3000, `moved only after ${movedAfter} ms`);
    assert.ok(logLines.some((l) => /member rdkafka-[\w-]+ failed \(no heartbeat in 1500 ms\)/.test(l)), logLines.join('\n'));

    // The partitions really moved: records produced now reach a or b, including those of c's old partitions.
    await produceOnePerPartition(client, 'cg-split', 4, 'after');
    const seen = () => new Set([...a.records, ...b.records].filter((r) => r[2].startsWith('after-')).map((r) => r[0]));
    await waitFor([a, b], () => seen().size === 4, 10_000, 'a and b to read one new record of each partition');
    for (const p of killedPartitions) assert.ok(seen().has(p));
  });

  it('librdkafka static membership (group.instance.id): a restarted member takes its partitions back without a rebalance', async function () {
    this.timeout(60_000); // its three waits may each take 10-15 s on a loaded machine; each names itself when it fails
    await client.createTopic('cg-static', 4);
    const config = (id: string) => ({ ...LIBRDKAFKA, 'session.timeout.ms': 6000, 'group.instance.id': id });
    const a = member('a', 'cg-static-group', 'cg-static', config('instance-a'));
    const b = member('b', 'cg-static-group', 'cg-static', config('instance-b'));
    await waitFor([a, b], () => splitsAll([a.assignment, b.assignment], 4) && a.assignment.length === 2, 15_000, 'a and b to split 4 partitions');
    const before = { a: a.assignment, bChanges: b.assignmentChanges };
    const admin = new Kafka({ brokers: [running.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const described = await admin.describeGroups(['cg-static-group']);
      // Kafka names a static member's id after its instance id (kafkajs does not show the instance id itself).
      const memberIds = described.groups[0].members.map((m) => m.memberId).sort();
      assert.deepEqual(memberIds.map((id) => id.slice(0, 'instance-a'.length)), ['instance-a', 'instance-b']);
      const rebalancesBefore = logLines.filter((l) => l.includes('preparing to rebalance')).length;

      // A static member's close sends no LeaveGroup: the group keeps its place while it restarts.
      await a.close();
      const again = member('a2', 'cg-static-group', 'cg-static', config('instance-a'));
      await again.until(() => again.assignment.length > 0, 15_000, 'the restarted member to get an assignment');
      assert.deepEqual(again.assignment, before.a);
      assert.equal(b.assignmentChanges, before.bChanges, 'b saw no rebalance');
      assert.equal(logLines.filter((l) => l.includes('preparing to rebalance')).length, rebalancesBefore, logLines.join('\n'));
      const after = await admin.describeGroups(['cg-static-group']);
      assert.equal(after.groups[0].state, 'Stable');
      assert.equal(after.groups[0].members.length, 2);
    } finally {
      await admin.disconnect();
    }
  });

  it('kafkajs: two members split 4 partitions, a third joins and they rebalance, a SIGKILLed one\'s partitions move after its session timeout', async () => {
    await client.createTopic('cg-kafkajs', 4);
    const config = { sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 200 };
    const spawnMember = (name: string) => {
      const m = GroupMemberProcess.kafkajs(name, running.bootstrap, 'cg-kafkajs-group', 'cg-kafkajs', config);
      members.push(m);
      return m;
    };
    const x = spawnMember('x');
    const y = spawnMember('y');
    await waitFor([x, y], () => splitsAll([x.assignment, y.assignment], 4) && x.assignment.length === 2, 15_000, 'x and y to hold two partitions each');
    const z = spawnMember('z');
    await waitFor([x, y, z], () => splitsAll([x.assignment, y.assignment, z.assignment], 4) && z.assignment.length >= 1, 15_000, 'x, y and z to split the 4 partitions');
    const killedPartitions = x.assignment;
    x.kill();
    const killedAt = Date.now();
    await waitFor([y, z], () => splitsAll([y.assignment, z.assignment], 4), 15_000, 'y and z to take over x\'s partitions');
    const movedAfter = Date.now() - killedAt;
    assert.ok(movedAfter >= SESSION_TIMEOUT_MS - 300 && movedAfter < SESSION_TIMEOUT_MS + 3000, `moved after ${movedAfter} ms`);
    await produceOnePerPartition(client, 'cg-kafkajs', 4, 'after');
    const seen = () => new Set([...y.records, ...z.records].filter((r) => r[2].startsWith('after-')).map((r) => r[0]));
    await waitFor([y, z], () => seen().size === 4, 10_000, 'y and z to read one new record of each partition');
    for (const p of killedPartitions) assert.ok(seen().has(p));
  });

  it('@platformatic/kafka consumes by group, committing each message', async () => {
    await client.createTopic('cg-plat', 4);
    await produceOnePerPartition(client, 'cg-plat', 4, 'first');
    await produceOnePerPartition(client, 'cg-plat', 4, 'second');
    const done = await run(process.execPath, [PLATFORMATIC_GROUP, running.bootstrap, 'cg-plat', 'cg-plat-group', '8'], undefined, { cwd: path.resolve(__dirname, '../../..') });
    assert.equal(done.code, 0, done.stderr);
    const read = (JSON.parse(done.stdout) as [number, number, string][]).map(([p, o, v]) => `${p}@${o}:${v}`).sort();
    assert.deepEqual(read, [0, 1, 2, 3].flatMap((p) => [`${p}@0:first-${p}`, `${p}@1:second-${p}`]).sort());
    // Its commits are the group's offsets, as another client (kafkajs' admin) reads them.
    const admin = new Kafka({ brokers: [running.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: 'cg-plat-group', topics: ['cg-plat'] });
      assert.deepEqual(offsets.partitions.map((p) => `${p.partition}:${p.offset}`).sort(), ['0:2', '1:2', '2:2', '3:2']);
    } finally {
      await admin.disconnect();
    }
  });

});
