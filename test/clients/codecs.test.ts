import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { verifyTable } from '../../src/table/verify';
import { openTable } from '../../src/connector-factory';
import { RunningBroker, startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { pageView, START, writeJob } from '../helpers/page-views';
import { run } from '../helpers/processes';
import { useTempDir } from '../helpers/temp-dir';

const sluice = (args: string[], input?: string) => run(process.execPath, [SLUICE_BIN, ...args], input);

/** The codec of every batch of a partition, as `sluice log dump` prints them. */
async function storedCodecs(dataDir: string, topic: string): Promise<string[]> {
  const dump = await sluice(['log', 'dump', path.join(dataDir, `${topic}-0`)]);
  assert.equal(dump.code, 0, dump.stderr);
  return [...dump.stdout.matchAll(/compression (\w+)/g)].map((m) => m[1]);
}

describe('every codec, stored as sent and read back by sluice and librdkafka', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  let running: RunningBroker;
  beforeEach(async () => {
    running = await startBroker({ numPartitions: 1 });
  });
  afterEach(() => running.stop());

  const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify(pageView(i, START + i * 1000)));

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
    it(`${codec}: sluice produce compresses, the log keeps it compressed, kcat and sluice consume read every record`, async () => {
      const topic = `pv-${codec}`;
      const produced = await sluice(['produce', '--bootstrap-server', running.bootstrap, '--topic', topic, '--compression-codec', codec], lines.join('\n') + '\n');
      assert.equal(produced.code, 0, produced.stderr);
      const codecs = await storedCodecs(running.dataDir, topic);
      assert.ok(codecs.length >= 2, `${codecs.length} batches`);
      assert.deepEqual([...new Set(codecs)], [codec]);

      const kcat = await run('kcat', ['-C', '-b', running.bootstrap, '-t', topic, '-e', '-q']);
      assert.equal(kcat.code, 0, kcat.stderr);
      assert.deepEqual(kcat.stdout.trimEnd().split('\n'), lines, 'librdkafka decompresses what sluice wrote');
      const consumed = await sluice(['consume', '--bootstrap-server', running.bootstrap, '--topic', topic, '--from-beginning', '-e']);
      assert.equal(consumed.code, 0, consumed.stderr);
      assert.deepEqual(consumed.stdout.trimEnd().split('\n'), lines);

      if (codec !== 'lz4' && codec !== 'zstd') return; // the codecs production clusters use: loaded too
      const job = loadJobDefinition(writeJob(tmp(), { source: { bootstrap: running.bootstrap, topic } }, running.bootstrap));
      const loaded = await runLoad(job);
      assert.equal(loaded.committed.reduce((s, r) => s + r.records, 0), lines.length);
      assert.equal(loaded.committed.reduce((s, r) => s + r.badRecords, 0), 0);
      assert.deepEqual((await verifyTable(job, openTable(job.output.sink, job.output.table))).problems, []);
    });
  }

  it('kcat (librdkafka) sends gzip, snappy, lz4 and zstd: each stored with that codec, read back by kcat, kafka-python and sluice consume', async () => {
    const few = lines.slice(0, 300);
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
      const topic = `kcat-${codec}-sent`;
      const produced = await run('kcat', ['-P', '-b', running.bootstrap, '-t', topic, '-p', '0', '-z', codec, '-X', 'linger.ms=20'], few.join('\n') + '\n');
      assert.equal(produced.code, 0, produced.stderr);
      assert.deepEqual([...new Set(await storedCodecs(running.dataDir, topic))], [codec], `${codec}: kcat compressed it`);
      const kcat = await run('kcat', ['-C', '-b', running.bootstrap, '-t', topic, '-e', '-q']);
      assert.deepEqual(kcat.stdout.trimEnd().split('\n'), few, `${codec}: kcat reads it back`);
      const python = await run('/usr/bin/python3', [path.resolve(__dirname, '../../../test/clients/kafka-python-read.py'), running.bootstrap, topic, String(few.length)]);
      assert.equal(python.code, 0, python.stderr);
      assert.deepEqual((JSON.parse(python.stdout) as { values: string[] }).values, few, `${codec}: kafka-python reads it`);
      const consumed = await sluice(['consume', '--bootstrap-server', running.bootstrap, '--topic', topic, '--from-beginning', '-e']);
      assert.deepEqual(consumed.stdout.trimEnd().split('\n'), few, `${codec}: sluice consume reads it`);
    }
  });

  it('zstd from kcat (librdkafka) is stored as zstd and read back by sluice consume, in full through a slow pipe', async () => {
    const produced = await run('kcat', ['-P', '-b', running.bootstrap, '-t', 'kcat-zstd', '-p', '0', '-z', 'zstd', '-X', 'linger.ms=20'], lines.join('\n') + '\n');
    assert.equal(produced.code, 0, produced.stderr);
    assert.deepEqual([...new Set(await storedCodecs(running.dataDir, 'kcat-zstd'))], ['zstd']);
    const consumed = await sluice(['consume', '--bootstrap-server', running.bootstrap, '--topic', 'kcat-zstd', '--from-beginning', '-e']);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.deepEqual(consumed.stdout.trimEnd().split('\n'), lines);
    const consume = `${process.execPath} ${SLUICE_BIN} consume --bootstrap-server ${running.bootstrap} --topic kcat-zstd --from-beginning -e`;
    const slow = await run('bash', ['-c', `set -o pipefail; ${consume} | (sleep 1; wc -l)`]);
    assert.equal(slow.code, 0, slow.stderr);
    assert.equal(slow.stdout.trim(), String(lines.length), 'a reader that starts late still gets every line');
    const head = await run('bash', ['-c', `${consume} | head -3; echo "status \${PIPESTATUS[0]}"`]);
    assert.equal(head.stdout.trim().split('\n').length, 4);
    assert.match(head.stdout.trim(), /status (0|141)$/, 'the reader going away ends consume quietly');
    assert.doesNotMatch(head.stderr, /EPIPE|Error|at /, head.stderr);
  });
});
