import { strict as assert } from 'node:assert';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { KafkaClient } from '../../src/client/kafka-client';
import { ConsumerGroupAdmin } from '../../src/client/consumer-group-admin';
import { buildRecordBatch } from '../../src/protocol/records';
import type { OffsetRow } from '../../src/cli/groups/group-views';
import { RunningBroker, startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { run } from '../helpers/processes';
import { run as runInProcess } from '../../src/cli/main';

const TOPIC = 'orders';
const GROUP = 'billing';
const PER_PARTITION = 50;

interface DescribedGroup {
  group: string;
  state: string;
  assignor: string;
  members: { memberId: string; clientId: string; host: string; assignment: { topic: string; partitions: number[] }[] }[];
  offsets: OffsetRow[];
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('sluice groups against a real kafkajs group', function () {
  this.timeout(90_000);
  let running: RunningBroker;
  let client: KafkaClient;
  let admin: ConsumerGroupAdmin;
  const consumers: Consumer[] = [];
  const sluice = (...args: string[]) => run(process.execPath, [SLUICE_BIN, 'groups', ...args, '--bootstrap-server', running.bootstrap]);
  /** Committed offsets of partitions 0-3 (null where none), read in-process: the waits do not spawn the CLI. */
  const committed = async () => {
    const offsets = await admin.committedOffsets(GROUP);
    return [0, 1, 2, 3].map((p) => offsets.find((o) => o.topic === TOPIC && o.partition === p)?.offset ?? null);
  };
  const stateIs = (state: string) => until(async () => ((await admin.describeGroup(GROUP)).state === state ? true : undefined), `the group to be ${state}`);
  /** The CLI run in this process (no spawn), for the checks that need no real stdout. */
  const sluiceHere = async (...args: string[]) => {
    const [out, err]: string[][] = [[], []];
    const code = await runInProcess(['groups', ...args, '--bootstrap-server', running.bootstrap], { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  };
  const produce = async (partition: number, count: number, from: number) => {
    const records = Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`p${partition}-${from + i}`) }));
    await client.produce(TOPIC, partition, buildRecordBatch(records));
  };

  before(async () => {
    running = await startBroker({ groups: { initialRebalanceDelayMs: 100, minSessionTimeoutMs: 1000 } });
    client = await KafkaClient.connect(running.bootstrap);
    admin = new ConsumerGroupAdmin(client);
    await client.createTopic(TOPIC, 4);
    for (let p = 0; p < 4; p++) await produce(p, PER_PARTITION, 0);
  });

  after(async () => {
    for (const consumer of consumers) await consumer.disconnect().catch(() => undefined);
    client?.close();
    await running?.stop();
  });

  const kafka = () => new Kafka({ brokers: [running.bootstrap], clientId: 'billing-app', logLevel: logLevel.NOTHING });
  const startConsumer = async (onMessage: (partition: number, offset: number) => void = () => undefined) => {
    const consumer = kafka().consumer({ groupId: GROUP, sessionTimeout: 6000, heartbeatInterval: 200, rebalanceTimeout: 10_000, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => onMessage(partition, Number(message.offset)) });
    return consumer;
  };

  it('describe shows each partition with its committed offset, log end, lag and member; members and state views; reset and delete refuse an active group', async () => {
    const [a, b] = [await startConsumer(), await startConsumer()];
    const caughtUp = await until(async () => {
      const group = await admin.describeGroup(GROUP);
      const held = group.members.map((m) => m.assignment.reduce((n, t) => n + t.partitions.length, 0));
      const done = (await committed()).every((o) => o === PER_PARTITION);
      return group.state === 'Stable' && held.join() === '2,2' && done ? group : undefined;
    }, 'two members to split the topic and commit every record');

    a.pause([{ topic: TOPIC }]);
    b.pause([{ topic: TOPIC }]);
    await new Promise((r) => setTimeout(r, 300)); // a fetch already under way ends before the new records land
    await produce(0, 7, PER_PARTITION);
    await produce(2, 3, PER_PARTITION);

    const text = await sluice('describe', '--group', GROUP);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trim().split('\n');
    assert.deepEqual(lines[0].split(/\s+/), ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']);
    const rows = lines.slice(1).map((l) => l.split(/\s+/));
    assert.deepEqual(rows.map((r) => r.slice(0, 6)), [
      [GROUP, TOPIC, '0', '50', '57', '7'],
      [GROUP, TOPIC, '1', '50', '50', '0'],
      [GROUP, TOPIC, '2', '50', '53', '3'],
      [GROUP, TOPIC, '3', '50', '50', '0'],
    ]);
    const memberIds = caughtUp.members.map((m) => m.memberId);
    const holder = new Map(caughtUp.members.flatMap((m) => m.assignment.flatMap((t) => t.partitions.map((p) => [String(p), m.memberId] as const))));
    for (const row of rows) {
      assert.equal(row[6], holder.get(row[2]), `partition ${row[2]}: the consumer id of the member it is assigned to`);
      assert.match(row[7], /^\/(::ffff:)?127\.0\.0\.1$/);
      assert.equal(row[8], 'billing-app');
    }

    const members = await sluiceHere('describe', '--group', GROUP, '--members', '--verbose');
    const memberRows = members.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/));
    assert.deepEqual(memberRows.map((r) => r[5]), ['2', '2'], members.stdout);
    assert.deepEqual(memberRows.map((r) => r[1]).sort(), [...memberIds].sort());
    for (const r of memberRows) assert.match(r[6], new RegExp(`^${TOPIC}\\(\\d,\\d\\)$`), 'the partitions of each member');
    const state = await sluiceHere('describe', '--group', GROUP, '--state');
    assert.match(state.stdout, new RegExp(`^${GROUP} +127\\.0\\.0\\.1:${running.port} \\(\\d+\\) +\\S+ +Stable +2$`, 'm'), state.stdout);
    assert.equal((await sluiceHere('list')).stdout.trim(), GROUP);

    const refused = await sluice('reset-offsets', '--group', GROUP, '--topic', TOPIC, '--to-earliest', '--execute');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Assignments can only be reset if the group 'billing' is inactive, but the current state is Stable\./);
    const notDeleted = await sluiceHere('delete', '--group', GROUP);
    assert.equal(notDeleted.code, 1);
    assert.match(notDeleted.stderr, /Group 'billing' could not be deleted due to: NON_EMPTY_GROUP/);
    const subscribed = await sluiceHere('delete-offsets', '--group', GROUP, '--topic', `${TOPIC}:3`);
    assert.equal(subscribed.code, 1);
    assert.match(subscribed.stdout, /orders +3 +Error: GROUP_SUBSCRIBED_TO_TOPIC/);
    assert.deepEqual(await committed(), [50, 50, 50, 50], 'nothing was reset or deleted');

    await a.disconnect();
    await b.disconnect();
  });

  it('reset-offsets plans by default, --execute commits on the empty group, and a new consumer resumes exactly there; delete then removes the group', async () => {
    await stateIs('Empty');
    const noMembers = await sluice('describe', '--group', GROUP, '--json');
    assert.equal(noMembers.code, 0, noMembers.stderr);
    const empty = (JSON.parse(noMembers.stdout) as { groups: DescribedGroup[] }).groups[0];
    assert.equal(empty.state, 'Empty');
    assert.deepEqual(empty.offsets.map((r) => [r.partition, r.currentOffset, r.logEndOffset, r.lag, r.memberId]), [[0, 50, 57, 7, null], [1, 50, 50, 0, null], [2, 50, 53, 3, null], [3, 50, 50, 0, null]]);

    const planned = await sluice('reset-offsets', '--group', GROUP, '--all-topics', '--shift-by', '-5');
    assert.equal(planned.code, 0, planned.stderr);
    assert.deepEqual(planned.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/).slice(2)), [['0', '45'], ['1', '45'], ['2', '45'], ['3', '45']]);
    assert.match(planned.stderr, /dry run/);
    assert.deepEqual(await committed(), [50, 50, 50, 50], 'a dry run commits nothing');

    const executed = await sluice('reset-offsets', '--group', GROUP, '--topic', `${TOPIC}:0,1`, '--to-offset', '20', '--execute', '--json');
    assert.equal(executed.code, 0, executed.stderr);
    assert.deepEqual(JSON.parse(executed.stdout), { groups: [{ group: GROUP, executed: true, offsets: [{ topic: TOPIC, partition: 0, newOffset: 20 }, { topic: TOPIC, partition: 1, newOffset: 20 }] }] });
    assert.deepEqual(await committed(), [20, 20, 50, 50]);
    const deletedOffsets = await sluiceHere('delete-offsets', '--group', GROUP, '--topic', `${TOPIC}:3`);
    assert.equal(deletedOffsets.code, 0, deletedOffsets.stderr);
    assert.match(deletedOffsets.stdout, /orders +3 +Successful/);
    assert.deepEqual(await committed(), [20, 20, 50, null]);

    const firstOffset = new Map<number, number>();
    let received = 0;
    const resumed = await startConsumer((partition, offset) => {
      if (!firstOffset.has(partition)) firstOffset.set(partition, offset);
      received++;
    });
    const expected = 37 + 30 + 3 + 50; // partition 3 has no commit left: from the beginning
    await until(async () => (received >= expected ? true : undefined), `the new consumer to read ${expected} records`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(received, expected, 'nothing before the reset offsets was read again');
    assert.deepEqual([...firstOffset].sort((x, y) => x[0] - y[0]), [[0, 20], [1, 20], [2, 50], [3, 0]]);
    await resumed.disconnect();

    await stateIs('Empty');
    const deleted = await sluice('delete', '--group', GROUP);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout.trim(), "Deletion of requested consumer groups ('billing') was successful.");
    assert.deepEqual(await admin.listGroups(), []);
    const gone = await sluice('describe', '--group', GROUP);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /Consumer group 'billing' does not exist\./);
  });
});
