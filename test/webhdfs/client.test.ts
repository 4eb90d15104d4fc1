import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useTempDir } from '../helpers/temp-dir';
import { startWebHdfsEmulator, WebHdfsEmulator, WebHdfsEmulatorOptions } from '../../src/dev/webhdfs/emulator';
import { WebHdfsClient, WebHdfsClientOptions } from '../../connectors/webhdfs/webhdfs-client';
import { WebHdfsConnectionError, WebHdfsError } from '../../connectors/webhdfs/errors';
import { WebHdfsRetriesExhaustedError } from '../../connectors/webhdfs/retry-policy';

const FAST_RETRY = { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 20 };

describe('WebHDFS client against the emulator', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  let emulator: WebHdfsEmulator | undefined;

  async function start(options: Partial<WebHdfsEmulatorOptions> = {}): Promise<WebHdfsEmulator> {
    emulator = await startWebHdfsEmulator({ root: path.join(tmp(), 'hdfs'), ...options });
    return emulator;
  }
  function client(options: Partial<WebHdfsClientOptions> = {}): WebHdfsClient {
    return new WebHdfsClient({ nameNodes: emulator!.nameNodeUrls, user: 'alice', retry: FAST_RETRY, ...options });
  }
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('creates through the 307 and through the noredirect answer, never overwriting unless asked, and reads back', async () => {
    await start();
    const hdfs = client();
    await hdfs.create('/t/dt=2026-11-21/a b.txt', Buffer.from('hello'));
    await client({ noRedirect: true }).create('/t/b.txt', Buffer.from('noredirect'));
    assert.equal((await hdfs.open('/t/dt=2026-11-21/a b.txt')).toString(), 'hello');
    assert.equal((await hdfs.open('/t/b.txt')).toString(), 'noredirect');
    assert.equal((await hdfs.open('/t/b.txt', { offset: 2, length: 3 })).toString(), 'red');
    assert.ok(fs.existsSync(path.join(tmp(), 'hdfs/t/dt=2026-11-21/a b.txt')), '"=" and spaces reach HDFS as they are');
    await assert.rejects(hdfs.create('/t/b.txt', Buffer.from('again')), (e: unknown) =>
      e instanceof WebHdfsError && e.exception === 'FileAlreadyExistsException' && e.status === 403 && !e.retriable);
    await hdfs.create('/t/b.txt', Buffer.from('replaced'), { overwrite: true });
    assert.equal((await hdfs.open('/t/b.txt')).toString(), 'replaced');
    const status = await hdfs.getFileStatus('/t/b.txt');
    assert.deepEqual([status?.type, status?.length, status?.owner, status?.permission], ['FILE', 8, 'alice', '644']);
    assert.equal(await hdfs.getFileStatus('/t/none'), null);
  });

  it('answers RENAME with the boolean HDFS gives, and never takes a false for a success', async () => {
    await start();
    const hdfs = client();
    await hdfs.create('/r/a', Buffer.from('a'));
    await hdfs.create('/r/b', Buffer.from('b'));
    assert.equal(await hdfs.rename('/r/missing', '/r/c'), false, 'missing source');
    assert.equal(await hdfs.rename('/r/a', '/r/b'), false, 'existing destination');
    assert.equal(await hdfs.rename('/r/a', '/nowhere/c'), false, 'missing parent');
    assert.equal((await hdfs.open('/r/b')).toString(), 'b');
    assert.equal(await hdfs.rename('/r/a', '/r/c'), true);
    assert.equal(await hdfs.getFileStatus('/r/a'), null);
    assert.equal(await hdfs.delete('/r/none', false), false);
    await assert.rejects(hdfs.delete('/r', false), (e: unknown) => e instanceof WebHdfsError && e.exception === 'PathIsNotEmptyDirectoryException');
    assert.equal(await hdfs.delete('/r', true), true);
  });

  it('settles a RENAME whose answer was lost by looking, not by trusting a retry\'s false', async () => {
    await start();
    const hdfs = client();
    await hdfs.create('/lost/a', Buffer.from('a'));
    emulator!.faults.random({ probability: 1, seed: 1, kinds: ['drop-after'], ops: ['RENAME'] });
    assert.equal(await hdfs.rename('/lost/a', '/lost/b'), true, 'HDFS did it; a blind retry would have answered false');
    assert.equal(emulator!.faults.injected['drop-after RENAME'], 1);
    assert.equal((await hdfs.open('/lost/b')).toString(), 'a');
    emulator!.faults.random({ probability: 1, seed: 1, kinds: ['drop-after'], ops: ['DELETE'] });
    assert.equal(await hdfs.delete('/lost/b', false), true, 'a lost answer then false means the first attempt deleted it');
    emulator!.faults.clear();
  });

  it('lists big directories page by page, appends, and sums content', async () => {
    await start();
    const hdfs = client();
    await Promise.all(Array.from({ length: 1005 }, (_, i) => hdfs.mkdirs(`/many/d${String(i).padStart(4, '0')}`)));
    const listed = await hdfs.listStatus('/many');
    assert.equal(listed?.length, 1005);
    assert.equal(new Set(listed!.map((s) => s.pathSuffix)).size, 1005);
    assert.ok((emulator!.requestCount.LISTSTATUS_BATCH ?? 0) >= 2, 'more than one page was asked for');
    assert.equal(await hdfs.listStatus('/absent'), null);
    await hdfs.create('/log', Buffer.from('one\n'));
    await hdfs.append('/log', Buffer.from('two\n'));
    assert.equal((await hdfs.open('/log')).toString(), 'one\ntwo\n');
    const summary = await hdfs.getContentSummary('/');
    assert.equal(summary.fileCount, 1);
    assert.equal(summary.length, 8);
    assert.ok(summary.directoryCount >= 1006);
  });

  it('retries retriable failures with backoff and gives up at once on answers about the namespace', async () => {
    await start();
    const hdfs = client();
    await hdfs.mkdirs('/x');
    emulator!.faults.failNext({ op: 'GETFILESTATUS', count: 2, status: 403, exception: 'RetriableException' });
    assert.equal((await hdfs.getFileStatus('/x'))?.type, 'DIRECTORY');
    emulator!.faults.failNext({ op: 'MKDIRS', count: 2, status: 500, exception: 'IOException' });
    assert.equal(await hdfs.mkdirs('/y'), true);
    const before = emulator!.requestCount.GETFILESTATUS ?? 0;
    emulator!.faults.failNext({ op: 'GETFILESTATUS', count: 1, status: 403, exception: 'AccessControlException', message: 'Permission denied: user=alice' });
    await assert.rejects(hdfs.getFileStatus('/x'), (e: unknown) => e instanceof WebHdfsError && e.exception === 'AccessControlException' && /Permission denied/.test(e.message));
    assert.equal((emulator!.requestCount.GETFILESTATUS ?? 0) - before, 1, 'not retried');
    emulator!.faults.failNext({ op: 'GETFILESTATUS', count: 10, status: 500, exception: 'IOException' });
    await assert.rejects(hdfs.getFileStatus('/x'), (e: unknown) => e instanceof WebHdfsRetriesExhaustedError && e.attempts === FAST_RETRY.maxAttempts);
    emulator!.faults.clear();
  });

  it('times out a silent NameNode and retries', async () => {
    await start();
    const hdfs = client({ timeouts: { metadataMs: 300 } });
    await hdfs.mkdirs('/slow');
    emulator!.faults.delay({ op: 'GETFILESTATUS', ms: 2000, count: 1 });
    const started = Date.now();
    assert.equal((await hdfs.getFileStatus('/slow'))?.type, 'DIRECTORY');
    assert.ok(Date.now() - started < 1900, 'did not wait for the delayed answer');
  });

  it('fails over to the other NameNode on StandbyException, and back after a switch', async () => {
    await start({ nameNodes: 2 });
    const [first, second] = emulator!.nameNodeUrls;
    const hdfs = client({ nameNodes: [second, first] }); // the standby first
    await hdfs.mkdirs('/ha');
    assert.equal(hdfs.activeNameNode, first);
    emulator!.failover();
    await hdfs.create('/ha/f', Buffer.from('after failover'));
    assert.equal(hdfs.activeNameNode, second);
    assert.equal((await hdfs.open('/ha/f')).toString(), 'after failover');
  });

  it('fails over when a NameNode cannot be reached at all', async () => {
    await start();
    const hdfs = client({ nameNodes: ['http://127.0.0.1:1', emulator!.nameNodeUrls[0]] });
    assert.equal(await hdfs.mkdirs('/reach'), true);
    assert.equal(hdfs.activeNameNode, emulator!.nameNodeUrls[0]);
  });

  it('maps DataNode host names it cannot resolve', async () => {
    await start({ advertisedDataNodeHost: 'dn.sluice.invalid' });
    await assert.rejects(client({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }).create('/m', Buffer.from('x'), { overwrite: true }),
      (e: unknown) => e instanceof WebHdfsRetriesExhaustedError && e.last instanceof WebHdfsConnectionError && /dn\.sluice\.invalid/.test(e.message));
    const mapped = client({ dataNodeHosts: { 'dn.sluice.invalid': '127.0.0.1' } });
    await mapped.create('/m', Buffer.from('mapped'));
    assert.equal((await mapped.open('/m')).toString(), 'mapped');
  });

  it('acts as the proxied user with doas, and as the token owner with a delegation token', async () => {
    await start({ superuser: 'hdfs' });
    await client({ user: 'hdfs' }).mkdirs('/shared', '777');
    await client({ user: 'hdfs', doas: 'bob' }).create('/shared/by-bob', Buffer.from('b'));
    assert.equal((await client().getFileStatus('/shared/by-bob'))?.owner, 'bob');
    const tokenAnswer = await fetch(`${emulator!.nameNodeUrls[0]}/webhdfs/v1/?op=GETDELEGATIONTOKEN&user.name=carol`);
    const token = ((await tokenAnswer.json()) as { Token: { urlString: string } }).Token.urlString;
    await client({ user: undefined, delegation: token }).create('/shared/by-carol', Buffer.from('c'));
    assert.equal((await client().getFileStatus('/shared/by-carol'))?.owner, 'carol');
  });

  it('reports a cut upload without overwrite as a lost answer, and retries a cut upload with overwrite', async () => {
    await start();
    const hdfs = client();
    const file = path.join(tmp(), 'body.bin');
    fs.writeFileSync(file, Buffer.alloc(4 * 1024 * 1024, 1));
    emulator!.faults.dropUpload({ afterBytes: 1024 * 1024 });
    await assert.rejects(hdfs.create('/cut/once', { file, length: 4 * 1024 * 1024 }), WebHdfsConnectionError);
    const left = await hdfs.getFileStatus('/cut/once');
    assert.ok(left && left.length < 4 * 1024 * 1024, `the DataNode left a truncated file (${left?.length} bytes)`);
    emulator!.faults.dropUpload({ afterBytes: 1024 * 1024 });
    await hdfs.create('/cut/retried', { file, length: 4 * 1024 * 1024 }, { overwrite: true });
    assert.equal((await hdfs.getFileStatus('/cut/retried'))?.length, 4 * 1024 * 1024);
  });
});
