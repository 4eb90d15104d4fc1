import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildRecordBatch } from '../../src/protocol/records';
import { bytesFromJson, JsonRecord } from '../../src/cli/record-json';
import { useBrokerWithTopic } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { Finished, run } from '../helpers/processes';
import { useTempDir } from '../helpers/temp-dir';

const REPO_JOBS = path.resolve(__dirname, '../../../jobs');
const RECORDS = 4000;
/** Lines long enough that the output (≈ 0.5 MB) is many times a pipe's 64 KiB buffer. */
const valueOf = (i: number) => `record ${String(i).padStart(6, '0')} ${'x'.repeat(100)}`;

/** `sluice ARGS | (sleep 1; READER)` through a real shell: the reader starts only after sluice may have finished. */
function throughSlowReader(args: string[], reader: string): Promise<Finished> {
  return run('sh', ['-c', `"$0" "$@" | (sleep 1; ${reader})`, process.execPath, SLUICE_BIN, ...args]);
}

/** Runs sluice with one of its outputs read by a reader that takes one chunk (or none) and closes its end of the pipe. */
function readerThatLeaves(args: string[], leaving: 'stdout' | 'stderr'): Promise<{ code: number | null; signal: NodeJS.Signals | null; firstChunk: string; other: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SLUICE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const [leaves, stays] = leaving === 'stdout' ? [child.stdout, child.stderr] : [child.stderr, child.stdout];
    let firstChunk = '';
    let other = '';
    if (leaving === 'stdout') {
      leaves.once('data', (chunk: Buffer) => {
        firstChunk = chunk.toString();
        leaves.destroy();
      });
    } else leaves.destroy();
    stays.on('data', (chunk: Buffer) => (other += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, firstChunk, other }));
  });
}

describe('CLI output: pipes get every line, a reader that leaves ends the command quietly', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('lines', 2, async (client) => {
    for (let start = 0; start < RECORDS; start += 1000) {
      const records = Array.from({ length: 1000 }, (_, i) => ({ key: null, value: Buffer.from(valueOf(start + i)) }));
      await client.produce('lines', (start / 1000) % 2, buildRecordBatch(records));
    }
  });
  const consumeArgs = () => ['consume', '--bootstrap-server', fixture().running.bootstrap, '--topic', 'lines', '--from-beginning', '-e'];
  const queryArgs = () => ['query', '--jobs', REPO_JOBS, '--cache-dir', path.join(tmp(), 'cache'), '--format', 'csv',
    "SELECT range AS n, 'row ' || range AS label FROM range(20000)"];

  it(`consume | (sleep 1; wc -l) counts all ${RECORDS} records, each one there`, async () => {
    const copy = path.join(tmp(), 'consumed.txt');
    const slow = await throughSlowReader(consumeArgs(), `tee '${copy}' | wc -l`);
    assert.equal(slow.code, 0, slow.stderr);
    assert.equal(Number(slow.stdout.trim()), RECORDS);
    const lines = fs.readFileSync(copy, 'utf8').split('\n').filter((l) => l !== '');
    assert.deepEqual([...lines].sort(), Array.from({ length: RECORDS }, (_, i) => valueOf(i)));
    assert.match(slow.stderr, new RegExp(`consumed ${RECORDS} records from lines`));
  });

  it('query | (sleep 1; cat) gets all 20,001 lines (header and 20,000 rows)', async () => {
    const slow = await throughSlowReader(queryArgs(), 'cat');
    assert.equal(slow.code, 0, slow.stderr);
    const lines = slow.stdout.trimEnd().split('\r\n'); // RFC 4180 lines
    assert.equal(lines.length, 20_001);
    assert.equal(lines[0], 'n,label');
    assert.equal(lines[20_000], '19999,row 19999');
    assert.equal(new Set(lines).size, 20_001);
  });

  it('consume and query into `head -n 1` print one line and nothing on stderr', async () => {
    for (const args of [consumeArgs(), queryArgs()]) {
      const headed = await run('sh', ['-c', '"$0" "$@" | head -n 1', process.execPath, SLUICE_BIN, ...args]);
      assert.equal(headed.code, 0);
      assert.equal(headed.stdout.split('\n').filter((l) => l !== '').length, 1, headed.stdout);
      assert.equal(headed.stderr, '', `${args[0]}: stderr after head left`);
    }
  });

  it('a reader that leaves mid-stream ends consume with status 141 (as SIGPIPE would) and no stack trace', async () => {
    const left = await readerThatLeaves(consumeArgs(), 'stdout');
    assert.match(left.firstChunk, /^record 00/);
    assert.equal(left.signal, null);
    assert.equal(left.code, 141, left.other);
    assert.equal(left.other, '', 'nothing on stderr');
  });

  it('a stderr reader that leaves costs only the diagnostics: the command goes on and prints its output', async () => {
    // reset-offsets writes its dry-run note to stderr first, then asks the broker, then prints the plan.
    const args = ['groups', 'reset-offsets', '--group', 'nobody', '--topic', 'lines', '--to-latest', '--bootstrap-server', fixture().running.bootstrap];
    const left = await readerThatLeaves(args, 'stderr');
    assert.equal(left.code, 0);
    assert.deepEqual(left.other.trim().split('\n').map((l) => l.split(/\s+/)), [['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], ['nobody', 'lines', '0', '2000'], ['nobody', 'lines', '1', '2000']]);
  });
});

describe('consume --format json is lossless', function () {
  this.timeout(30_000);
  const fixture = useBrokerWithTopic('exact', 1);
  const notUtf8 = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3]);

  it('tells a tombstone from an empty value, keeps headers, and round-trips bytes that are not UTF-8', async () => {
    await fixture().client.produce('exact', 0, buildRecordBatch([
      { key: Buffer.from('gone'), value: null },
      { key: Buffer.alloc(0), value: Buffer.alloc(0) },
      { key: null, value: Buffer.from('prix: 5 €, naïve ✓'), headers: [{ key: 'trace', value: Buffer.from('abc') }, { key: 'nothing', value: null }, { key: 'empty', value: Buffer.alloc(0) }] },
      { key: notUtf8, value: notUtf8, headers: [{ key: 'raw', value: notUtf8 }, { key: 'trace', value: Buffer.from('second') }] },
      { key: null, value: Buffer.from('{"base64":"AAAA"}') },
    ], 0, 1_700_000_000_000));
    const consumed = await run(process.execPath, [SLUICE_BIN, 'consume', '--bootstrap-server', fixture().running.bootstrap, '--topic', 'exact', '--from-beginning', '-e', '--format', 'json']);
    assert.equal(consumed.code, 0, consumed.stderr);
    const records = consumed.stdout.trim().split('\n').map((line) => JSON.parse(line) as JsonRecord);
    const base64 = notUtf8.toString('base64');
    assert.deepEqual(records, [
      { topic: 'exact', partition: 0, offset: 0, timestamp: 1_700_000_000_000, key: 'gone', value: null, headers: [] },
      { topic: 'exact', partition: 0, offset: 1, timestamp: 1_700_000_000_000, key: '', value: '', headers: [] },
      {
        topic: 'exact', partition: 0, offset: 2, timestamp: 1_700_000_000_000, key: null, value: 'prix: 5 €, naïve ✓',
        headers: [{ key: 'trace', value: 'abc' }, { key: 'nothing', value: null }, { key: 'empty', value: '' }],
      },
      {
        topic: 'exact', partition: 0, offset: 3, timestamp: 1_700_000_000_000, key: { base64 }, value: { base64 },
        headers: [{ key: 'raw', value: { base64 } }, { key: 'trace', value: 'second' }],
      },
      // A string value that looks like the marker stays a string: only an object is the marker.
      { topic: 'exact', partition: 0, offset: 4, timestamp: 1_700_000_000_000, key: null, value: '{"base64":"AAAA"}', headers: [] },
    ]);
    assert.ok(bytesFromJson(records[3].value, 'value')!.equals(notUtf8), 'the base64 marker gives back the exact bytes');
    assert.ok(bytesFromJson(records[3].headers[0].value, 'header')!.equals(notUtf8));
    assert.equal(bytesFromJson(records[0].value, 'value'), null);
    assert.equal(bytesFromJson(records[1].value, 'value')!.length, 0);
    assert.throws(() => bytesFromJson({ base64: 'not base64!' }, 'line 1 value'), /line 1 value: base64 field is not base64/);
  });
});
