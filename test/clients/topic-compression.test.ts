import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { RunningBroker, startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { run } from '../helpers/processes';

const PYTHON = '/usr/bin/python3';
const TOOL = path.resolve(__dirname, '../../../test/clients/confluent-topic-tool.py');

/** The codec of every batch of a partition, as `sluice log dump` prints them. */
async function storedCodecs(dataDir: string, topic: string): Promise<string[]> {
  const dump = await run(process.execPath, [SLUICE_BIN, 'log', 'dump', path.join(dataDir, `${topic}-0`)]);
  assert.equal(dump.code, 0, dump.stderr);
  return [...dump.stdout.matchAll(/compression (\w+)/g)].map((m) => m[1]);
}

describe('topic compression.type: the broker recompresses what producers send (kcat in, kcat and confluent-kafka out)', function () {
  this.timeout(60_000);
  let running: RunningBroker;
  before(async () => {
    running = await startBroker({ numPartitions: 1 });
  });
  after(() => running.stop());

  const lines = Array.from({ length: 600 }, (_, i) => `key-${i % 50}:value ${i} ${'x'.repeat(i % 70)}`);
  const cases = [
    { topicCodec: 'zstd', sent: 'none', stored: 'zstd' },
    { topicCodec: 'lz4', sent: 'none', stored: 'lz4' },
    { topicCodec: 'gzip', sent: 'none', stored: 'gzip' },
    { topicCodec: 'snappy', sent: 'gzip', stored: 'snappy' },
    { topicCodec: 'uncompressed', sent: 'zstd', stored: 'none' },
  ];
  /** One topic per case, side by side: each gets kcat's batches and is read back by kcat and confluent-kafka. */
  async function check({ topicCodec, sent, stored }: (typeof cases)[number]): Promise<void> {
    const topic = `codec-${topicCodec}`;
    const created = await run(PYTHON, [TOOL, 'create', running.bootstrap, topic, `compression.type=${topicCodec}`]);
    assert.equal(created.code, 0, created.stderr);
    const produced = await run('kcat', ['-P', '-b', running.bootstrap, '-t', topic, '-p', '0', '-K', ':', '-z', sent, '-X', 'batch.num.messages=100', '-X', 'linger.ms=20'], lines.join('\n') + '\n');
    assert.equal(produced.code, 0, produced.stderr);
    assert.doesNotMatch(produced.stderr, /failed|error/i);
    const codecs = await storedCodecs(running.dataDir, topic);
    assert.ok(codecs.length >= 6, `${topic}: ${codecs.length} batches`);
    assert.deepEqual([...new Set(codecs)], [stored], `${topic}: sent as ${sent}, stored as ${stored}`);

    const expected = lines.map((line, i) => `${i}\t${line.slice(0, line.indexOf(':'))}\t${line.slice(line.indexOf(':') + 1)}`);
    const [kcat, python] = await Promise.all([
      run('kcat', ['-C', '-b', running.bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o\t%k\t%s\n']),
      run(PYTHON, [TOOL, 'read', running.bootstrap, topic]),
    ]);
    assert.equal(kcat.code, 0, kcat.stderr);
    assert.deepEqual(kcat.stdout.trimEnd().split('\n'), expected, `${topic}: kcat reads every record`);
    assert.equal(python.code, 0, python.stderr);
    assert.deepEqual(python.stdout.trimEnd().split('\n'), expected, `${topic}: confluent-kafka reads every record`);
  }

  it(`stores ${cases.map((c) => `${c.sent} as ${c.stored} under compression.type=${c.topicCodec}`).join(', ')}; kcat and confluent-kafka read every record`, async () => {
    await Promise.all(cases.map(check));
  });
});
