import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { startWebHdfsEmulator, WebHdfsEmulator } from '../../src/dev/webhdfs/emulator';
import { useTempDir } from '../helpers/temp-dir';
import { WebHdfsTarget, assertRemoteException, rawRequest } from '../helpers/webhdfs-http';

describe('WebHDFS emulator: namespace, permissions, malformed requests, streaming', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  let emulator: WebHdfsEmulator;
  const as = (user: string) => new WebHdfsTarget(emulator.nameNodeUrls[0], user);
  const root = () => path.join(tmp(), 'root');

  beforeEach(async () => {
    emulator = await startWebHdfsEmulator({ root: root(), listingLimit: 5 });
  });
  afterEach(() => emulator.close());

  it('checks owner/group/other bits and answers Hadoop-shaped AccessControlExceptions; the superuser passes', async () => {
    const [alice, bob, hdfs] = ['alice', 'bob', 'hdfs'].map(as);
    await alice.mkdirs('/home/alice');
    await alice.create('/home/alice/secret', 's', { permission: '600' });
    assertRemoteException(await bob.twoStep('PUT', '/home/alice/x', 'CREATE', {}, 'x'), 403, 'AccessControlException',
      /^Permission denied: user=bob, access=WRITE, inode="\/home\/alice":alice:supergroup:drwxr-xr-x$/);
    assertRemoteException(await bob.read('/home/alice/secret'), 403, 'AccessControlException',
      /^Permission denied: user=bob, access=READ, inode="\/home\/alice\/secret":alice:supergroup:-rw-------$/);
    assertRemoteException(await bob.call('DELETE', '/home/alice/secret', 'DELETE'), 403, 'AccessControlException', /access=WRITE_EXECUTE/);
    assertRemoteException(await bob.call('PUT', '/home/alice/secret', 'SETPERMISSION', { permission: '777' }), 403, 'AccessControlException', /is not the owner/);
    assert.equal((await hdfs.read('/home/alice/secret')).text, 's');
    await alice.call('PUT', '/home/alice', 'SETPERMISSION', { permission: '700' });
    assertRemoteException(await bob.call('GET', '/home/alice', 'LISTSTATUS'), 403, 'AccessControlException', /access=READ_EXECUTE, inode="\/home\/alice"/);
    assertRemoteException(await bob.status('/home/alice/secret'), 403, 'AccessControlException', /access=EXECUTE, inode="\/home\/alice"/);
    assertRemoteException(await alice.call('PUT', '/home/alice', 'SETOWNER', { owner: 'bob' }), 403, 'AccessControlException', /not a super user/);
    assert.equal((await hdfs.call('PUT', '/home/alice', 'SETOWNER', { owner: 'bob', group: 'staff' })).status, 200);
    const status = (await bob.status('/home/alice')).json().FileStatus;
    assert.deepEqual([status.owner, status.group, status.permission], ['bob', 'staff', '700']);
  });

  it('honours the sticky bit, doas, delegation tokens and the default user dr.who', async () => {
    const [alice, bob, hdfs] = ['alice', 'bob', 'hdfs'].map(as);
    await hdfs.mkdirs('/shared');
    await hdfs.call('PUT', '/shared', 'SETPERMISSION', { permission: '1777' });
    assert.equal((await hdfs.status('/shared')).json().FileStatus.permission, '1777');
    await alice.create('/shared/a', 'a');
    assertRemoteException(await bob.call('DELETE', '/shared/a', 'DELETE'), 403, 'AccessControlException', /sticky bit/);
    assert.equal((await bob.call('DELETE', '/shared/a', 'DELETE', { doas: 'alice' })).text, '{"boolean":true}');
    const token = (await alice.call('GET', '/', 'GETDELEGATIONTOKEN', { renewer: 'alice' })).json().Token.urlString;
    assert.equal(typeof token, 'string');
    const withToken = await rawRequest(`${emulator.nameNodeUrls[0]}/webhdfs/v1/by-token?op=MKDIRS&delegation=${token}`, { method: 'PUT' });
    assert.equal(withToken.status, 200);
    assert.equal((await alice.status('/by-token')).json().FileStatus.owner, 'alice');
    const unknown = await rawRequest(`${emulator.nameNodeUrls[0]}/webhdfs/v1/x?op=MKDIRS&delegation=nonsense`, { method: 'PUT' });
    assertRemoteException(unknown, 403, 'SecurityException', /InvalidToken/);
    await rawRequest(`${emulator.nameNodeUrls[0]}/webhdfs/v1/anonymous?op=MKDIRS`, { method: 'PUT' });
    assert.equal((await alice.status('/anonymous')).json().FileStatus.owner, 'dr.who');
    assert.deepEqual((await alice.call('GET', '/', 'GETHOMEDIRECTORY')).json(), { Path: '/user/alice' });
  });

  it('LISTSTATUS_BATCH pages through a directory larger than the page size with startAfter', async () => {
    const alice = as('alice');
    const names = Array.from({ length: 12 }, (_, i) => `f${String(i).padStart(2, '0')}`);
    for (const name of names) await alice.create(`/big/${name}`, name);
    const seen: string[] = [];
    const remaining: number[] = [];
    let startAfter: string | undefined;
    for (;;) {
      const page = (await alice.call('GET', '/big', 'LISTSTATUS_BATCH', startAfter ? { startAfter } : {})).json().DirectoryListing;
      const entries = page.partialListing.FileStatuses.FileStatus.map((s: { pathSuffix: string }) => s.pathSuffix);
      seen.push(...entries);
      remaining.push(page.remainingEntries);
      if (page.remainingEntries === 0) break;
      startAfter = entries[entries.length - 1];
    }
    assert.deepEqual(seen, names);
    assert.deepEqual(remaining, [7, 2, 0]);
  });

  it('serves files found on disk with default metadata, 1000 entries a page by default', async () => {
    await emulator.close();
    fs.mkdirSync(path.join(root(), 'found'), { recursive: true });
    for (let i = 0; i < 1001; i++) fs.writeFileSync(path.join(root(), 'found', `n${String(i).padStart(4, '0')}`), 'x');
    emulator = await startWebHdfsEmulator({ root: root() });
    const first = (await as('alice').call('GET', '/found', 'LISTSTATUS_BATCH')).json().DirectoryListing;
    assert.equal(first.partialListing.FileStatuses.FileStatus.length, 1000);
    assert.equal(first.remainingEntries, 1);
    const last = (await as('alice').call('GET', '/found', 'LISTSTATUS_BATCH', { startAfter: 'n0999' })).json().DirectoryListing;
    assert.deepEqual(last.partialListing.FileStatuses.FileStatus.map((s: { pathSuffix: string }) => s.pathSuffix), ['n1000']);
    const status = (await as('alice').status('/found/n0000')).json().FileStatus;
    assert.deepEqual([status.owner, status.group, status.permission, status.length], ['hdfs', 'supergroup', '644', 1]);
  });

  it('keeps "=" in paths, unescaped or percent-encoded, and counts GETCONTENTSUMMARY', async () => {
    const base = emulator.nameNodeUrls[0];
    const created = await rawRequest(`${base}/webhdfs/v1/t/dt=2026-11-21/hr=00/part?op=CREATE&user.name=alice`, { method: 'PUT' });
    assert.equal(new URL(String(created.headers.location)).pathname, '/webhdfs/v1/t/dt=2026-11-21/hr=00/part');
    assert.equal((await as('alice').follow(created, 'PUT', 'row')).status, 201);
    assert.ok(fs.existsSync(path.join(root(), 't', 'dt=2026-11-21', 'hr=00', 'part')));
    const read = await as('alice').read('/t/dt=2026-11-21/hr=00/part');
    assert.equal(read.text, 'row', 'the helper percent-encodes "=" as %3D');
    const summary = (await as('alice').call('GET', '/t', 'GETCONTENTSUMMARY')).json().ContentSummary;
    assert.deepEqual([summary.directoryCount, summary.fileCount, summary.length], [3, 1, 3]);
  });

  it('leases a file while it is written: a second writer gets AlreadyBeingCreatedException, even after a rename', async () => {
    const alice = as('alice');
    const first = await alice.call('PUT', '/open', 'CREATE');
    const target = new URL(String(first.headers.location));
    let answered = 0;
    const writer = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'PUT',
      headers: { 'Content-Length': '10' } }, (res) => { answered = res.statusCode ?? 0; res.resume(); });
    writer.on('error', () => undefined);
    writer.write('12345');
    await waitFor(() => fs.existsSync(path.join(root(), 'open')) && fs.statSync(path.join(root(), 'open')).size === 5);
    assertRemoteException(await alice.twoStep('PUT', '/open', 'CREATE', { overwrite: 'true' }, 'x'), 403, 'AlreadyBeingCreatedException');
    assert.equal((await alice.call('PUT', '/open', 'RENAME', { destination: '/moved' })).text, '{"boolean":true}');
    assertRemoteException(await alice.twoStep('POST', '/moved', 'APPEND', {}, 'x'), 403, 'AlreadyBeingCreatedException');
    writer.end('67890');
    await waitFor(() => answered !== 0);
    assert.equal(answered, 201);
    assert.equal((await alice.twoStep('POST', '/moved', 'APPEND', {}, '!')).status, 200, 'the lease followed the file and ended with the upload');
    assert.equal((await alice.read('/moved')).text, '1234567890!');
  });

  it('creates and reads an empty file', async () => {
    await as('alice').create('/empty', '');
    const read = await as('alice').read('/empty');
    assert.deepEqual([read.status, read.headers['content-length'], read.text], [200, '0', '']);
    assert.equal((await as('alice').status('/empty')).json().FileStatus.length, 0);
  });

  it('answers malformed requests with 400 and keeps serving', async () => {
    const base = emulator.nameNodeUrls[0];
    const expect400 = async (url: string, method: string, message: RegExp) => {
      const answer = await rawRequest(url, { method });
      assert.equal(answer.status, 400, `${method} ${url}: ${answer.text}`);
      assert.match(answer.json().RemoteException.message, message);
    };
    await expect400(`${base}/webhdfs/v1/a%zz?op=GETFILESTATUS`, 'GET', /malformed percent-encoding/);
    await expect400(`${base}/webhdfs/v1/a%2F..%2Fb?op=MKDIRS`, 'PUT', /Invalid file name: \/a\/..\/b/);
    await expect400(`${base}/webhdfs/v1/a?op=FROBNICATE`, 'GET', /No enum constant .*GetOpParam\.Op\.FROBNICATE/);
    await expect400(`${base}/webhdfs/v1/a?op=CREATE&overwrite=yes`, 'PUT', /"overwrite": Failed to parse "yes" to Boolean/);
    await expect400(`${base}/webhdfs/v1/a?op=MKDIRS&user.name=a%20b`, 'PUT', /"user.name"/);
    await expect400(`${base}/webhdfs/v1/a?op=OPEN&offset=-1`, 'GET', /"offset"/);
    await expect400(`${base}/webhdfs/v1/a?op=RENAME&destination=relative`, 'PUT', /not an absolute path/);
    await expect400(`${emulator.dataNodeUrl}/webhdfs/v1/a?op=CREATE&user.name=alice`, 'PUT', /namenoderpcaddress is not specified/);
    assert.equal((await rawRequest(`${base}/webhdfs/v1/a?op=MKDIRS`, { method: 'PATCH' })).status, 400);
    for (const garbage of ['GARBAGE\r\n\r\n', 'GET / HTTP/1.1\r\nContent-Length: nope\r\n\r\n', '\x00\x01\x02\x03', `GET /${'a'.repeat(20_000)} HTTP/1.1\r\n\r\n`]) {
      for (const url of [base, emulator.dataNodeUrl]) assert.match(await sendRaw(url, garbage), /^HTTP\/1\.1 400 /);
    }
    assert.equal((await as('alice').status('/')).status, 200);
  });

  it('streams an upload to disk while the body is still arriving, and reads it back intact', async () => {
    const chunk = Buffer.alloc(1 << 20);
    for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE(i * 2654435761 >>> 0, i);
    const total = 64;
    const expected = createHash('sha256');
    const first = await as('alice').call('PUT', '/big', 'CREATE');
    const target = new URL(String(first.headers.location));
    const local = path.join(root(), 'big');
    const answer = new Promise<number>((resolve, reject) => {
      const req = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'PUT',
        headers: { 'Content-Length': String(total * chunk.length) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      const send = async () => {
        for (let i = 0; i < total; i++) {
          const piece = Buffer.from(chunk);
          piece.writeUInt32LE(i, 0);
          expected.update(piece);
          if (!req.write(piece)) await new Promise((r) => req.once('drain', r));
          if (i === total / 2) await waitFor(() => fs.existsSync(local) && fs.statSync(local).size >= 16 * chunk.length);
        }
        req.end();
      };
      send().catch(reject);
    });
    assert.equal(await answer, 201);
    assert.equal(fs.statSync(local).size, total * chunk.length);
    const read = await as('alice').read('/big');
    assert.equal(createHash('sha256').update(read.body).digest('hex'), expected.digest('hex'));
  });
});

/** Waits until `condition` holds; fails (instead of hanging) if it never does. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the condition never held (e.g. the DataNode had not written the body so far to disk)');
}

/** Writes raw bytes to a server and returns whatever it answers before closing. */
function sendRaw(url: string, bytes: string): Promise<string> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(target.port), target.hostname, () => socket.write(bytes));
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer));
    socket.setTimeout(5000, () => socket.destroy());
  });
}
