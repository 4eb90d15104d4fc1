import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useTempDir } from '../helpers/temp-dir';
import { listFiles } from '../helpers/page-views';
import { startWebHdfsEmulator, WebHdfsEmulator } from '../../src/dev/webhdfs/emulator';
import { WebHdfsSink } from '../../connectors/sinks/webhdfs-sink';
import { SinkFileExistsError } from '../../src/ports/sink';
import { JobLockedError, TableState } from '../../src/table/table-state';

describe('WebHDFS sink', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  let emulator: WebHdfsEmulator;
  let sink: WebHdfsSink;
  const onDisk = (p: string) => path.join(tmp(), 'hdfs', 'warehouse', p);

  beforeEach(async () => {
    emulator = await startWebHdfsEmulator({ root: path.join(tmp(), 'hdfs') });
    sink = new WebHdfsSink(`webhdfs://${new URL(emulator.nameNodeUrls[0]).host}/warehouse?user.name=etl`, { retry: { maxAttempts: 6, baseDelayMs: 2, maxDelayMs: 20 } });
  });
  afterEach(async () => emulator.close());

  it('keeps the Sink contract the local directory keeps: no overwrite, rename answering false, list, status, delete', async () => {
    await sink.writeFile('t/a', Buffer.from('one'));
    await assert.rejects(sink.writeFile('t/a', Buffer.from('two')), SinkFileExistsError);
    await sink.writeFile('t/b', Buffer.from('bee'));
    assert.equal(await sink.rename('t/missing', 't/c'), false, 'missing source');
    assert.equal(await sink.rename('t/a', 't/b'), false, 'existing destination');
    assert.equal(await sink.rename('t/a', 'nowhere/c'), false, 'missing parent');
    await sink.mkdirs('t/dir');
    assert.equal(await sink.rename('t/a', 't/dir'), false, 'an existing directory (HDFS would move the file into it)');
    assert.equal(fs.readFileSync(onDisk('t/b'), 'utf8'), 'bee');
    assert.equal(await sink.rename('t/a', 't/c'), true);
    assert.deepEqual((await sink.list('t')).map((e) => `${e.path}:${e.type}`).sort(), ['t/b:file', 't/c:file', 't/dir:directory']);
    assert.deepEqual(await sink.status('t/c'), { path: 't/c', type: 'file', length: 3 });
    assert.equal(await sink.status('t/none'), null);
    assert.deepEqual(await sink.list('t/none'), []);
    assert.equal((await sink.readFile('t/c')).toString(), 'one');
    await assert.rejects(sink.readFile('t/none'), /no such file/);
    assert.equal(await sink.delete('t/none', false), false);
    await assert.rejects(sink.delete('t', false), /non-empty directory/);
    assert.equal(await sink.delete('t', true), true);
    assert.equal(sink.localPath(), null);
    assert.throws(() => sink.hdfsPath('../outside'), /outside the sink root/);
  });

  it('uploads under a hidden name, checks the length, renames into place; a cut upload never shows', async () => {
    const local = path.join(tmp(), 'data.bin');
    fs.writeFileSync(local, Buffer.alloc(3 * 1024 * 1024, 9));
    emulator.faults.dropUpload({ afterBytes: 512 * 1024, count: 2 });
    await sink.upload(local, 'dt=2026-11-21/hr=05/part-0.avro');
    assert.deepEqual(listFiles(onDisk('dt=2026-11-21')), ['hr=05/part-0.avro'], 'only the finished file, no hidden leftovers');
    assert.equal(fs.statSync(onDisk('dt=2026-11-21/hr=05/part-0.avro')).size, 3 * 1024 * 1024);
    await assert.rejects(sink.upload(local, 'dt=2026-11-21/hr=05/part-0.avro'), SinkFileExistsError);
    assert.deepEqual(listFiles(onDisk('dt=2026-11-21')), ['hr=05/part-0.avro']);
  });

  it('takes a fresh hidden name when a DataNode still holds the lease of an abandoned attempt', async () => {
    const local = path.join(tmp(), 'lease.bin');
    fs.writeFileSync(local, Buffer.alloc(1000, 3));
    emulator.faults.failNext({ op: 'CREATE', count: 1, status: 403, exception: 'AlreadyBeingCreatedException', where: 'datanode' });
    await sink.upload(local, 'leased/part-0.avro');
    assert.deepEqual(listFiles(onDisk('leased')), ['part-0.avro']);
    assert.equal(fs.statSync(onDisk('leased/part-0.avro')).size, 1000);
  });

  it('appends, creating the file first', async () => {
    await sink.append('_sluice/history.jsonl', Buffer.from('{"run":1}\n'));
    await sink.append('_sluice/history.jsonl', Buffer.from('{"run":2}\n'));
    assert.equal(fs.readFileSync(onDisk('_sluice/history.jsonl'), 'utf8'), '{"run":1}\n{"run":2}\n');
  });

  it('holds a job lock: one run at a time', async () => {
    const table = new TableState(sink, 'events');
    const release = await table.lock('run-1', 60_000, [0]);
    await assert.rejects(table.lock('run-2', 60_000, [0]), (e: unknown) => e instanceof JobLockedError && /run run-1/.test(e.message));
    await release();
    const again = await table.lock('run-3', 60_000, [0]);
    await again();
    assert.equal(await sink.status('events/_sluice/locks/0.json'), null);
  });
});
