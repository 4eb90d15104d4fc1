import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { RunningBroker, startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { run } from '../helpers/processes';

const PYTHON = '/usr/bin/python3';
const TOOL = path.resolve(__dirname, '../../../test/clients/confluent-topic-tool.py');
const KAFKA_PYTHON_READ = path.resolve(__dirname, '../../../test/clients/kafka-python-read.py');
const TRANSACTIONS = path.resolve(__dirname, '../../../test/clients/keyed-transactions.py');

/** Records as kcat prints them with -f '%o\t%k\t%S\t%s\n': offset, key, value length (-1: tombstone), value. */
interface Line {
  offset: number;
  key: string;
  value: string | null;
}

async function kcatRead(bootstrap: string, topic: string): Promise<Line[]> {
  const read = await run('kcat', ['-C', '-b', bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o\t%k\t%S\t%s\n']);
  assert.equal(read.code, 0, read.stderr);
  return read.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [offset, key, size, value] = line.split('\t');
      return { offset: Number(offset), key, value: size === '-1' ? null : value };
    });
}

async function kcatProduce(bootstrap: string, topic: string, lines: string[]): Promise<void> {
  // -Z: an empty value is a tombstone. Four messages a batch, so that batches fit the small segments.
  const produced = await run('kcat', ['-P', '-b', bootstrap, '-t', topic, '-p', '0', '-K', ':', '-Z', '-X', 'batch.num.messages=4', '-X', 'linger.ms=1'], lines.join('\n') + '\n');
  assert.equal(produced.code, 0, produced.stderr);
  assert.doesNotMatch(produced.stderr, /failed|error/i, produced.stderr);
}

async function createTopic(bootstrap: string, topic: string, configs: string): Promise<void> {
  const created = await run(PYTHON, [TOOL, 'create', bootstrap, topic, configs]);
  assert.equal(created.code, 0, created.stderr);
}

describe('compacted topics with real clients (kcat produces and reads, confluent-kafka creates and reads, kafka-python reads)', function () {
  this.timeout(60_000);
  let running: RunningBroker;
  beforeEach(async () => {
    running = await startBroker({ numPartitions: 1 });
  });
  afterEach(() => running.stop());

  it('after the cleaner runs, holds the latest value per key and no expired tombstones, at the offsets they were written', async () => {
    const topic = 'compacted';
    await createTopic(running.bootstrap, topic, 'cleanup.policy=compact,segment.bytes=1024,delete.retention.ms=200');
    const history: string[] = [];
    for (let round = 0; round < 10; round++) for (let k = 0; k < 20; k++) history.push(`k${k}:v${round}-${k}`);
    for (let k = 0; k < 5; k++) history.push(`k${k}:`);
    // Records with keys of their own push the tombstones out of the active segment, which is never cleaned.
    for (let i = 0; i < 40; i++) history.push(`pad-${i}:x`);
    await kcatProduce(running.bootstrap, topic, history);
    const written = await kcatRead(running.bootstrap, topic);
    assert.equal(written.length, 245);

    const [first] = await running.broker.logs.cleanNow();
    assert.ok(first.recordsRemoved >= 150, `the first cleaning removed ${first.recordsRemoved} records`);
    const afterFirst = await kcatRead(running.bootstrap, topic);
    assert.deepEqual(afterFirst.filter((l) => /^k[0-4]$/.test(l.key)).map((l) => l.value), [null, null, null, null, null], 'only the tombstones of k0..k4 are left, until delete.retention.ms has passed');

    await new Promise((resolve) => setTimeout(resolve, 300));
    // New writes make the log dirty again; fillers with keys of their own take the active segment.
    await kcatProduce(running.bootstrap, topic, [...Array.from({ length: 15 }, (_, i) => `k${i + 5}:final-${i + 5}`), ...Array.from({ length: 40 }, (_, i) => `filler-${i}:x`)]);
    const all = await kcatRead(running.bootstrap, topic);
    const everything = [...written, ...all.filter((l) => l.offset > written[written.length - 1].offset)];
    await running.broker.logs.cleanNow();

    const cleaned = await kcatRead(running.bootstrap, topic);
    const latest = new Map<string, Line>();
    for (const line of everything) latest.set(line.key, line);
    const expected = [...latest.values()].filter((l) => l.value !== null).sort((a, b) => a.offset - b.offset);
    assert.deepEqual(cleaned, expected, 'each key once, with its latest value at its original offset; k0..k4 deleted');
    assert.deepEqual(cleaned.filter((l) => /^k[0-4]$/.test(l.key)), []);
    const end = await run('kcat', ['-Q', '-b', running.bootstrap, '-t', `${topic}:0:-1`]);
    assert.equal(end.stdout.trim(), `${topic} [0] offset ${everything.length}`, 'the log end offset is unchanged');

    const [python, kafkaPython] = await Promise.all([
      run(PYTHON, [TOOL, 'read', running.bootstrap, topic]),
      run(PYTHON, [KAFKA_PYTHON_READ, running.bootstrap, topic, String(expected.length)]),
    ]);
    assert.equal(python.code, 0, python.stderr);
    assert.deepEqual(python.stdout.trim().split('\n'), expected.map((l) => `${l.offset}\t${l.key}\t${l.value}`), 'confluent-kafka reads the same');
    assert.equal(kafkaPython.code, 0, kafkaPython.stderr);
    assert.deepEqual((JSON.parse(kafkaPython.stdout) as { values: string[] }).values, expected.map((l) => l.value), 'kafka-python reads across the gaps too');
  });

  it('cleans transactional data as Kafka does: aborted records go, markers stay, each key keeps its latest committed value', async () => {
    const topic = 'compacted-txn';
    await createTopic(running.bootstrap, topic, 'cleanup.policy=compact,segment.bytes=1024');
    // Transactions 0..8 write t<t> to k0..k4; 2, 5 and 8 are aborted: every key's latest committed value is t7,
    // and its latest record, t8, is aborted (the cleaner must not let it supersede t7).
    const produced = await run(PYTHON, [TRANSACTIONS, 'produce', running.bootstrap, topic, 'keyed-txn', '9', '5']);
    assert.equal(produced.code, 0, produced.stderr);
    await kcatProduce(running.bootstrap, topic, Array.from({ length: 40 }, (_, i) => `filler-${i}:x`));
    const read = async (isolation: string) => {
      const consumed = await run(PYTHON, [TRANSACTIONS, 'consume', running.bootstrap, topic, isolation]);
      assert.equal(consumed.code, 0, consumed.stderr);
      return consumed.stdout.trim().split('\n').filter((line) => !line.includes('filler-'));
    };
    const committedBefore = await read('read_committed');
    assert.equal(committedBefore.length, 30, 'six committed transactions of five records before cleaning');
    assert.equal((await read('read_uncommitted')).length, 45);

    const [result] = await running.broker.logs.cleanNow();
    assert.ok(result.recordsRemoved >= 35, `removed ${result.recordsRemoved}`);
    const latest = committedBefore.filter((line) => line.endsWith(' t7'));
    assert.deepEqual(await read('read_committed'), latest, 'read_committed: k0..k4 = t7 at their offsets');
    assert.deepEqual(await read('read_uncommitted'), latest, 'read_uncommitted: the aborted records are gone too');
    const dump = await run(process.execPath, [SLUICE_BIN, 'log', 'dump', path.join(running.dataDir, `${topic}-0`), '--json']);
    const batches = dump.stdout.trim().split('\n').flatMap((line) => (JSON.parse(line) as { batches: { attributes: number }[] }).batches);
    assert.equal(batches.filter((b) => (b.attributes & 0x20) !== 0).length, 9, 'all nine transaction markers are kept');
  });

  it('refuses a record without a key on a compacted topic with INVALID_RECORD, as Kafka 3.9 does', async () => {
    await createTopic(running.bootstrap, 'keyed-only', 'cleanup.policy=compact');
    const produced = await run('kcat', ['-P', '-b', running.bootstrap, '-t', 'keyed-only', '-p', '0'], 'no key here\n');
    assert.match(produced.stderr, /Broker failed to validate record/, produced.stderr);
    const dump = await run(process.execPath, [SLUICE_BIN, 'log', 'dump', path.join(running.dataDir, 'keyed-only-0')]);
    assert.doesNotMatch(dump.stdout, /baseOffset/, 'nothing was stored');
  });
});
