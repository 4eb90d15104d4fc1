import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parsePartitionList, parseShard, shardPartitions, SelectionError } from '../../src/pipeline/partition-selection';
import { HourPartitioner } from '../../src/table/layout';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { SinkFileExistsError } from '../../src/ports/sink';
import { JobLockedError, TableState } from '../../src/table/table-state';
import { useTempDir } from '../helpers/temp-dir';

describe('partition selection', () => {
  it('parses lists and ranges, and shards by modulo', () => {
    assert.deepEqual(parsePartitionList('0,2-5,3'), [0, 2, 3, 4, 5]);
    assert.throws(() => parsePartitionList('5-2'), SelectionError);
    assert.throws(() => parsePartitionList('x'), /--partitions: "x"/);
    assert.deepEqual(shardPartitions([0, 1, 2, 3, 4, 5, 6], parseShard('1/3')), [1, 4]);
    assert.throws(() => parseShard('3/3'), /--shard/);
  });
});

describe('hour partitions', () => {
  it('puts instants in dt=/hr= by UTC, or by a named time zone', () => {
    const utc = new HourPartitioner('UTC');
    assert.deepEqual(utc.partitionOf(Date.parse('2026-11-21T05:59:59.999Z')), { dt: '2026-11-21', hr: '05' });
    assert.deepEqual(utc.partitionOf(Date.parse('2026-11-21T06:00:00Z')), { dt: '2026-11-21', hr: '06' });
    const paris = new HourPartitioner('Europe/Paris');
    assert.deepEqual(paris.partitionOf(Date.parse('2026-11-21T23:30:00Z')), { dt: '2026-11-22', hr: '00' });
    const kolkata = new HourPartitioner('Asia/Kolkata'); // UTC+5:30: a UTC hour spans two local hours
    assert.deepEqual(kolkata.partitionOf(Date.parse('2026-11-21T00:15:00Z')), { dt: '2026-11-21', hr: '05' });
    assert.deepEqual(kolkata.partitionOf(Date.parse('2026-11-21T00:45:00Z')), { dt: '2026-11-21', hr: '06' });
  });
});

describe('local sink', () => {
  const tmp = useTempDir();

  it('creates without overwriting and answers rename with false the way WebHDFS does', async () => {
    const sink = new LocalSink(tmp());
    await sink.writeFile('t/a', Buffer.from('one'));
    await assert.rejects(sink.writeFile('t/a', Buffer.from('two')), SinkFileExistsError);
    await sink.writeFile('t/b', Buffer.from('bee'));
    assert.equal(await sink.rename('t/missing', 't/c'), false, 'missing source');
    assert.equal(await sink.rename('t/a', 't/b'), false, 'existing destination');
    assert.equal(await sink.rename('t/a', 'nowhere/c'), false, 'missing parent');
    assert.equal(fs.readFileSync(path.join(tmp(), 't/b'), 'utf8'), 'bee');
    assert.equal(await sink.rename('t/a', 't/c'), true);
    assert.deepEqual((await sink.list('t')).map((e) => e.path).sort(), ['t/b', 't/c']);
    assert.deepEqual(await sink.status('t/c'), { path: 't/c', type: 'file', length: 3 });
    assert.equal(await sink.delete('t/none', false), false);
    await assert.rejects(sink.delete('t', false), /non-empty directory/);
    assert.equal(await sink.delete('t', true), true);
    assert.throws(() => sink.localPath('../outside'), /outside the sink root/);
  });

  it('lets one run hold a table\'s lock at a time, and takes over an expired one', async () => {
    const table = new TableState(new LocalSink(tmp()), 'events');
    const release = await table.lock('run-1', 60_000, [0]);
    await assert.rejects(table.lock('run-2', 60_000, [0]), (e: unknown) => e instanceof JobLockedError && /run run-1/.test(e.message));
    await release();
    const releaseSecond = await table.lock('run-2', -1, [0]); // already expired
    const third = await table.lock('run-3', 60_000, [0]);
    await releaseSecond(); // no longer its lock: must not remove run-3's
    await assert.rejects(table.lock('run-4', 60_000, [0]), /run run-3/);
    await third();
  });

  it('takes over at once a lock whose holder on this host has died', async () => {
    const table = new TableState(new LocalSink(tmp()), 'events');
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    fs.mkdirSync(path.join(tmp(), 'events/_sluice/locks'), { recursive: true });
    const record = { owner: 'a killed load', host: os.hostname(), pid: dead, runId: 'old', expiresAt: new Date(Date.now() + 3600_000).toISOString() };
    fs.writeFileSync(path.join(tmp(), 'events/_sluice/locks/0.json'), JSON.stringify(record));
    const release = await table.lock('new', 60_000, [0]);
    await release();
    fs.writeFileSync(path.join(tmp(), 'events/_sluice/locks/0.json'), JSON.stringify({ ...record, host: 'another-host' }));
    await assert.rejects(table.lock('new', 60_000, [0]), JobLockedError, 'a holder elsewhere keeps its lock until it expires');
  });
});
