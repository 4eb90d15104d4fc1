import { strict as assert } from 'node:assert';
import type { GroupDescription } from '../../src/client/consumer-group-admin';
import { decodeConsumerAssignment, MalformedAssignmentError } from '../../src/client/consumer-group-admin';
import { formatMembers, formatOffsets, groupNotice, offsetRows, partitionKey } from '../../src/cli/groups/group-views';
import { run } from '../../src/cli/main';
import { parseDateTime, parseTopicArgument, planReset, ResetPlanError } from '../../src/cli/groups/reset-plan';

const group = (members: GroupDescription['members'], state = 'Stable'): GroupDescription => ({
  groupId: 'g', state, protocolType: 'consumer', protocol: 'range', coordinator: { nodeId: 1, host: 'localhost', port: 9092 }, members,
});
const member = (memberId: string, assignment: { topic: string; partitions: number[] }[]) => ({ memberId, groupInstanceId: null, clientId: `client-${memberId}`, host: '10.0.0.1', assignment });
const keyed = (entries: [string, number, number][]) => new Map(entries.map(([t, p, o]) => [partitionKey(t, p), o]));

/** ConsumerProtocolAssignment v`version`: topics with partitions, then user data. */
function assignmentBytes(version: number, topics: [string, number[]][], userData: Buffer | null = null): Buffer {
  const parts: Buffer[] = [Buffer.from([version >> 8, version & 0xff])];
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  parts.push(int32(topics.length));
  for (const [topic, partitions] of topics) {
    const name = Buffer.from(topic);
    parts.push(Buffer.from([name.length >> 8, name.length & 0xff]), name, int32(partitions.length), ...partitions.map(int32));
  }
  parts.push(userData === null ? int32(-1) : Buffer.concat([int32(userData.length), userData]));
  return Buffer.concat(parts);
}

describe('sluice groups: views and reset plans', () => {
  it('decodes consumer-protocol assignments of every version, and names a cut-short one', () => {
    assert.deepEqual(decodeConsumerAssignment(assignmentBytes(0, [['a', [0, 2]], ['b', [1]]])), [{ topic: 'a', partitions: [0, 2] }, { topic: 'b', partitions: [1] }]);
    assert.deepEqual(decodeConsumerAssignment(assignmentBytes(3, [['ü', [5]]], Buffer.from('sticky'))), [{ topic: 'ü', partitions: [5] }]);
    assert.deepEqual(decodeConsumerAssignment(Buffer.alloc(0)), [], 'a member between join and sync has no assignment');
    const cut = assignmentBytes(1, [['topic', [0, 1, 2]]]).subarray(0, 20);
    assert.throws(() => decodeConsumerAssignment(cut, 'm-1'), (e: Error) => e instanceof MalformedAssignmentError && /member m-1: cut short at byte/.test(e.message));
  });

  it('rows: assigned partitions with their member, committed partitions nobody holds, a member with none; lag only where both offsets are known', () => {
    const described = group([member('m1', [{ topic: 't', partitions: [1, 0] }]), member('m2', [{ topic: 't', partitions: [2] }]), member('idle', [])]);
    const rows = offsetRows(described, [
      { topic: 't', partition: 0, offset: 10, metadata: null },
      { topic: 't', partition: 3, offset: 4, metadata: null },
      { topic: 'old', partition: 0, offset: 9, metadata: '' },
    ], keyed([['t', 0, 15], ['t', 1, 8], ['t', 2, 0], ['t', 3, 4], ['old', 0, 9]]));
    assert.deepEqual(rows.map((r) => [r.topic, r.partition, r.currentOffset, r.logEndOffset, r.lag, r.memberId]), [
      ['old', 0, 9, 9, 0, null],
      ['t', 0, 10, 15, 5, 'm1'],
      ['t', 1, null, 8, null, 'm1'],
      ['t', 2, null, 0, null, 'm2'],
      ['t', 3, 4, 4, 0, null],
      [null, null, null, null, null, 'idle'],
    ]);
    const text = formatOffsets(rows).split('\n');
    assert.equal(text[0], 'GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST      CLIENT-ID');
    assert.equal(text[2], 'g     t     0         10             15             5   m1          /10.0.0.1 client-m1');
    assert.equal(text[3], 'g     t     1         -              8              -   m1          /10.0.0.1 client-m1');
    assert.equal(text[6], 'g     -     -         -              -              -   idle        /10.0.0.1 client-idle');
    assert.match(formatMembers(described, true), /^g +m1 +- +\/10\.0\.0\.1 +client-m1 +2 +t\(0,1\)$/m);
  });

  it('notices: a dead group with no offsets does not exist; one with no members says so', () => {
    assert.equal(groupNotice(group([], 'Dead'), false), "Consumer group 'g' does not exist.");
    assert.equal(groupNotice(group([], 'Empty'), true), "Consumer group 'g' has no active members.");
    assert.equal(groupNotice(group([member('m', [])], 'PreparingRebalance'), true), "Warning: Consumer group 'g' is rebalancing.");
    assert.equal(groupNotice(group([member('m', [])]), true), null);
  });

  it('plans each --to-* and --shift-by as Kafka does, within the log', () => {
    const scope = [0, 1, 2].map((partition) => ({ topic: 't', partition }));
    const offsets = {
      earliest: keyed([['t', 0, 5], ['t', 1, 0], ['t', 2, 0]]),
      latest: keyed([['t', 0, 50], ['t', 1, 10], ['t', 2, 0]]),
      committed: keyed([['t', 0, 20], ['t', 1, 9]]),
      atTimestamp: keyed([['t', 0, 30], ['t', 1, -1]]),
    };
    const plan = (spec: Parameters<typeof planReset>[0]) => planReset(spec, scope, offsets).map((p) => p.newOffset);
    assert.deepEqual(plan({ kind: 'to-earliest' }), [5, 0, 0]);
    assert.deepEqual(plan({ kind: 'to-latest' }), [50, 10, 0]);
    assert.deepEqual(plan({ kind: 'to-current' }), [20, 9, 0], 'no commit: the log end');
    assert.deepEqual(plan({ kind: 'to-datetime', timestamp: 1 }), [30, 10, 0], 'nothing at or after the time: the log end');
    assert.deepEqual(plan({ kind: 'to-offset', offset: 7 }), [7, 7, 0], 'kept within [log start, log end]');
    assert.deepEqual(plan({ kind: 'to-offset', offset: 2 }), [5, 2, 0]);
    assert.deepEqual(planReset({ kind: 'shift-by', delta: -30 }, scope.slice(0, 2), offsets).map((p) => p.newOffset), [5, 0]);
    assert.deepEqual(planReset({ kind: 'shift-by', delta: 3 }, scope.slice(0, 2), offsets).map((p) => p.newOffset), [23, 10]);
    assert.throws(() => plan({ kind: 'shift-by', delta: 1 }), /--shift-by: group has no committed offset for t-2/);
    assert.throws(() => planReset({ kind: 'to-latest' }, [{ topic: 'x', partition: 0 }], offsets), /no offsets known for x-0/);
  });

  it('parses --topic T[:P,...] and --to-datetime as Kafka writes them', () => {
    assert.deepEqual(parseTopicArgument('orders'), { topic: 'orders', partitions: null });
    assert.deepEqual(parseTopicArgument('orders:2,0,2'), { topic: 'orders', partitions: [0, 2] });
    assert.throws(() => parseTopicArgument('orders:a'), ResetPlanError);
    assert.throws(() => parseTopicArgument(':1'), /--topic ":1"/);
    assert.equal(parseDateTime('2026-11-21T10:00:00.000Z'), Date.UTC(2026, 10, 21, 10));
    assert.equal(parseDateTime('2026-11-21T10:00:00+01:00'), Date.UTC(2026, 10, 21, 9));
    assert.equal(parseDateTime('2026-11-21T10:00:00.250-0130'), Date.UTC(2026, 10, 21, 11, 30, 0, 250));
    assert.equal(parseDateTime('2026-11-21T10:00:00'), new Date(2026, 10, 21, 10).getTime(), 'no zone: local time');
    assert.throws(() => parseDateTime('yesterday'), /--to-datetime "yesterday": expected YYYY-MM-DDTHH:mm:SS.sss/);
    assert.throws(() => parseDateTime('2026-13-45T10:00:00Z'), /not a real date and time/);
  });

  it('bad flags are usage errors (exit 2) named before any broker is asked', async () => {
    const unreachable = ['--bootstrap-server', '127.0.0.1:1'];
    const cases: [string[], RegExp][] = [
      [['reset-offsets', '--group', 'g', '--topic', 't'], /needs exactly one of --to-earliest, --to-latest/],
      [['reset-offsets', '--group', 'g', '--topic', 't', '--to-latest', '--to-earliest'], /needs exactly one of/],
      [['reset-offsets', '--group', 'g', '--to-latest'], /needs --topic or --all-topics/],
      [['reset-offsets', '--group', 'g', '--topic', 't', '--all-topics', '--to-latest'], /needs --topic or --all-topics/],
      [['reset-offsets', '--group', 'g', '--topic', 't', '--to-latest', '--dry-run', '--execute'], /--dry-run and --execute exclude each other/],
      [['reset-offsets', '--group', 'g', '--topic', 't:x', '--to-latest'], /--topic "t:x": expected TOPIC or TOPIC:P/],
      [['reset-offsets', '--group', 'g', '--topic', 't', '--to-offset', '1.5'], /--to-offset: expected a whole number/],
      [['reset-offsets', '--group', 'g', '--topic', 't', '--to-datetime', 'noon'], /--to-datetime "noon"/],
      [['describe'], /describe: name a --group \(or --all-groups\)/],
    ];
    for (const [args, message] of cases) {
      const errors: string[] = [];
      const status = await run(['groups', ...args, ...unreachable], { out: () => undefined, err: (text) => errors.push(text) });
      assert.equal(status, 2, `${args.join(' ')}: ${errors.join('')}`);
      assert.match(errors.join('\n'), message);
    }
  });
});
