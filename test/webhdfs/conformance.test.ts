import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { startWebHdfsEmulator, WebHdfsEmulator } from '../../src/dev/webhdfs/emulator';
import type { FileStatus } from '../../src/ports/webhdfs-wire';
import { useTempDir } from '../helpers/temp-dir';
import { RawResponse, WebHdfsTarget, assertRemoteException, rawRequest } from '../helpers/webhdfs-http';

/**
 * The 25 cases of shared/reference/webhdfs.md over raw HTTP, redirects followed by hand. Against the emulator by
 * default (DataNode advertised as the unresolvable `dn`, mapped the way a client maps DataNode hosts); against a
 * real NameNode when WEBHDFS_URL is set (WEBHDFS_USER, WEBHDFS_TEST_DIR, WEBHDFS_STANDBY_URL for case 25).
 */
const REAL_URL = process.env.WEBHDFS_URL;
const USER = process.env.WEBHDFS_USER ?? 'alice';
/** Every field of the shared declaration, in order: a field added there and not here fails to compile. */
const FIELDS_OF_FILE_STATUS: Record<keyof FileStatus, true> = {
  accessTime: true, blockSize: true, childrenNum: true, fileId: true, group: true, length: true,
  modificationTime: true, owner: true, pathSuffix: true, permission: true, replication: true, storagePolicy: true, type: true,
};
const FILE_STATUS_FIELDS = Object.keys(FIELDS_OF_FILE_STATUS);

describe(`WebHDFS conformance (${REAL_URL ? `real NameNode ${REAL_URL}` : 'emulator'})`, function () {
  this.timeout(30_000);
  const tmp = useTempDir();
  const base = process.env.WEBHDFS_TEST_DIR ?? `/tmp/sluice-conformance-${randomBytes(4).toString('hex')}`;
  let emulator: WebHdfsEmulator | undefined;
  let nn: WebHdfsTarget;
  let dir = '';
  let caseNumber = 0;

  beforeEach(async () => {
    if (REAL_URL) {
      nn = new WebHdfsTarget(REAL_URL, USER);
    } else {
      emulator = await startWebHdfsEmulator({ root: tmp(), advertisedDataNodeHost: 'dn', nameNodes: 2 });
      nn = new WebHdfsTarget(emulator.nameNodeUrls[0], USER, { dn: '127.0.0.1' });
    }
    dir = `${base}/c${++caseNumber}`;
    await nn.mkdirs(dir);
  });

  afterEach(async () => {
    if (REAL_URL) await nn.call('DELETE', dir, 'DELETE', { recursive: 'true' });
    await emulator?.close();
    emulator = undefined;
  });

  after(async () => {
    if (REAL_URL && !process.env.WEBHDFS_TEST_DIR) await nn.call('DELETE', base, 'DELETE', { recursive: 'true' });
  });

  const dataNodePort = () => new URL(emulator!.dataNodeUrl).port;
  const fileStatus = async (path: string) => (await nn.status(path)).json().FileStatus;
  const content = async (path: string) => (await nn.read(path)).text;

  /** A Location pointing at the DataNode for `path`; with the emulator, at the advertised `dn:<port>`. */
  function assertDataNodeLocation(location: string, path: string, op: string): URL {
    const url = new URL(location);
    if (emulator) assert.equal(url.host, `dn:${dataNodePort()}`);
    assert.equal(decodeURIComponent(url.pathname), `/webhdfs/v1${path}`);
    assert.equal(url.searchParams.get('op'), op);
    return url;
  }

  it('1. CREATE without a body answers 307, Content-Length 0, Location on the DataNode with op, user.name, overwrite', async () => {
    const first = await nn.call('PUT', `${dir}/a`, 'CREATE');
    assert.equal(first.status, 307);
    assert.equal(first.headers['content-length'], '0');
    const location = assertDataNodeLocation(String(first.headers.location), `${dir}/a`, 'CREATE');
    assert.equal(location.searchParams.get('user.name'), USER);
    assert.equal(location.searchParams.get('overwrite'), 'false');
  });

  it('2. the body PUT to the Location answers 201; the file has length 5, type FILE, permission 644', async () => {
    const done = await nn.follow(await nn.call('PUT', `${dir}/a`, 'CREATE'), 'PUT', 'hello');
    assert.equal(done.status, 201, done.text);
    assert.deepEqual(done.interim, [100], 'the DataNode sends 100 Continue unasked');
    const status = await fileStatus(`${dir}/a`);
    assert.deepEqual([status.length, status.type, status.permission], [5, 'FILE', '644']);
  });

  it('3. CREATE with noredirect=true answers 200 {"Location": ...}', async () => {
    const answer = await nn.call('PUT', `${dir}/a`, 'CREATE', { noredirect: 'true' });
    assert.equal(answer.status, 200);
    assertDataNodeLocation(answer.json().Location, `${dir}/a`, 'CREATE');
  });

  it('4. CREATE over an existing file (overwrite=false) redirects, then 403 FileAlreadyExistsException; content unchanged', async () => {
    await nn.create(`${dir}/a`, 'hello');
    const first = await nn.call('PUT', `${dir}/a`, 'CREATE');
    assert.equal(first.status, 307, 'existence is only checked at step 2');
    assertRemoteException(await nn.follow(first, 'PUT', 'other'), 403, 'FileAlreadyExistsException');
    assert.equal(await content(`${dir}/a`), 'hello');
  });

  it('5. CREATE with overwrite=true replaces the content', async () => {
    await nn.create(`${dir}/a`, 'hello');
    await nn.create(`${dir}/a`, 'bye', { overwrite: 'true' });
    assert.equal(await content(`${dir}/a`), 'bye');
  });

  it('6. CREATE on an existing directory answers 403 "already exists as a directory"', async () => {
    await nn.mkdirs(`${dir}/d`);
    assertRemoteException(await nn.twoStep('PUT', `${dir}/d`, 'CREATE', {}, 'x'), 403, 'FileAlreadyExistsException', /already exists as a directory/);
  });

  it('7. CREATE makes missing parents: /x/y is a DIRECTORY', async () => {
    await nn.create(`${dir}/x/y/z`, 'z');
    assert.equal((await fileStatus(`${dir}/x/y`)).type, 'DIRECTORY');
  });

  it('8. CREATE permission=600 is kept; permission=2000 answers 400 IllegalArgumentException', async () => {
    await nn.create(`${dir}/p`, 'p', { permission: '600' });
    assert.equal((await fileStatus(`${dir}/p`)).permission, '600');
    assertRemoteException(await nn.twoStep('PUT', `${dir}/q`, 'CREATE', { permission: '2000' }, 'q'), 400, 'IllegalArgumentException');
  });

  it('9. OPEN redirects, then answers 200 application/octet-stream with Content-Length 3 and "bye"', async () => {
    await nn.create(`${dir}/a`, 'bye');
    const first = await nn.call('GET', `${dir}/a`, 'OPEN');
    assertDataNodeLocation(String(first.headers.location), `${dir}/a`, 'OPEN');
    const read = await nn.follow(first, 'GET');
    assert.equal(read.status, 200);
    assert.equal(read.headers['content-type'], 'application/octet-stream');
    assert.equal(read.headers['content-length'], '3');
    assert.equal(read.text, 'bye');
  });

  it('10. OPEN offset=1&length=1 reads "y"; offset=3 of 3 bytes answers 403 IOException "out of the range"', async () => {
    await nn.create(`${dir}/a`, 'bye');
    assert.equal((await nn.read(`${dir}/a`, { offset: '1', length: '1' })).text, 'y');
    assertRemoteException(await nn.read(`${dir}/a`, { offset: '3' }), 403, 'IOException', /out of the range/);
  });

  it('11. OPEN of a missing file answers 404 FileNotFoundException', async () => {
    assertRemoteException(await nn.read(`${dir}/missing`), 404, 'FileNotFoundException', /not found|does not exist/);
  });

  it('12. GETFILESTATUS of a missing path answers 404 RemoteException FileNotFoundException', async () => {
    const answer = await nn.status(`${dir}/missing`);
    assertRemoteException(answer, 404, 'FileNotFoundException');
    assert.equal(answer.json().RemoteException.javaClassName, 'java.io.FileNotFoundException');
  });

  it('13. LISTSTATUS lists pathSuffix and every FileStatus field; on a file, one entry with pathSuffix ""', async () => {
    await nn.create(`${dir}/b`, 'bb');
    await nn.create(`${dir}/a`, 'a');
    await nn.mkdirs(`${dir}/dt=2026-11-21`);
    const listing = (await nn.call('GET', dir, 'LISTSTATUS')).json().FileStatuses.FileStatus;
    assert.deepEqual(listing.map((s: { pathSuffix: string }) => s.pathSuffix), ['a', 'b', 'dt=2026-11-21']);
    for (const entry of listing) assert.deepEqual(Object.keys(entry).filter((k) => FILE_STATUS_FIELDS.includes(k)).sort(), FILE_STATUS_FIELDS);
    assert.deepEqual(listing.map((s: { type: string; length: number }) => [s.type, s.length]), [['FILE', 1], ['FILE', 2], ['DIRECTORY', 0]]);
    const single = (await nn.call('GET', `${dir}/b`, 'LISTSTATUS')).json().FileStatuses.FileStatus;
    assert.deepEqual(single.map((s: { pathSuffix: string; length: number }) => [s.pathSuffix, s.length]), [['', 2]]);
  });

  it('14. MKDIRS answers true, again true; on a file 403', async () => {
    await nn.mkdirs(`${dir}/d`);
    await nn.mkdirs(`${dir}/d`);
    await nn.create(`${dir}/f`, 'f');
    assert.equal((await nn.call('PUT', `${dir}/f`, 'MKDIRS')).status, 403);
  });

  const rename = (from: string, to: string, params: Record<string, string> = {}) =>
    nn.call('PUT', `${dir}/${from}`, 'RENAME', { destination: `${dir}/${to}`, ...params });
  const assertBoolean = (answer: RawResponse, value: boolean) => assert.deepEqual([answer.status, answer.json()], [200, { boolean: value }]);

  it('15. RENAME a → b answers true; a is gone', async () => {
    await nn.create(`${dir}/a`, 'a');
    assertBoolean(await rename('a', 'b'), true);
    assert.equal((await nn.status(`${dir}/a`)).status, 404);
    assert.equal(await content(`${dir}/b`), 'a');
  });

  it('16. RENAME of a missing source answers 200 {"boolean": false}', async () => {
    assertBoolean(await rename('missing', 'b'), false);
  });

  it('17. RENAME onto an existing file answers false; both intact', async () => {
    await nn.create(`${dir}/a`, 'a');
    await nn.create(`${dir}/b`, 'b');
    assertBoolean(await rename('a', 'b'), false);
    assert.deepEqual([await content(`${dir}/a`), await content(`${dir}/b`)], ['a', 'b']);
  });

  it('18. RENAME a file onto an existing directory moves it inside', async () => {
    await nn.create(`${dir}/b`, 'b');
    await nn.mkdirs(`${dir}/d`);
    assertBoolean(await rename('b', 'd'), true);
    assert.equal(await content(`${dir}/d/b`), 'b');
  });

  it('19. RENAME into a missing parent answers false; with renameoptions=NONE 404', async () => {
    await nn.create(`${dir}/a`, 'a');
    assertBoolean(await rename('a', 'missing/a'), false);
    assertRemoteException(await rename('a', 'missing/a', { renameoptions: 'NONE' }), 404, 'FileNotFoundException');
    assert.equal(await content(`${dir}/a`), 'a');
  });

  it('20. RENAME renameoptions=OVERWRITE onto an existing file answers 200 with an empty body and replaces it', async () => {
    await nn.create(`${dir}/a`, 'new');
    await nn.create(`${dir}/b`, 'old');
    const answer = await rename('a', 'b', { renameoptions: 'OVERWRITE' });
    assert.deepEqual([answer.status, answer.text], [200, '']);
    assert.equal(await content(`${dir}/b`), 'new');
    assert.equal((await nn.status(`${dir}/a`)).status, 404);
  });

  it('21. DELETE: missing → false; non-empty directory without recursive → 403; recursive=true → true', async () => {
    assertBoolean(await nn.call('DELETE', `${dir}/missing`, 'DELETE'), false);
    await nn.create(`${dir}/d/f`, 'f');
    assertRemoteException(await nn.call('DELETE', `${dir}/d`, 'DELETE'), 403, 'PathIsNotEmptyDirectoryException');
    assertBoolean(await nn.call('DELETE', `${dir}/d`, 'DELETE', { recursive: 'true' }), true);
    assert.equal((await nn.status(`${dir}/d`)).status, 404);
  });

  it('22. APPEND: missing → 404; existing → 307, then the POSTed body → 200; the length grows', async () => {
    assertRemoteException(await nn.call('POST', `${dir}/missing`, 'APPEND'), 404, 'FileNotFoundException');
    await nn.create(`${dir}/a`, 'abc');
    const done = await nn.follow(await nn.call('POST', `${dir}/a`, 'APPEND'), 'POST', 'def');
    assert.equal(done.status, 200, done.text);
    assert.equal((await fileStatus(`${dir}/a`)).length, 6);
    assert.equal(await content(`${dir}/a`), 'abcdef');
  });

  it('23. SETPERMISSION 750 answers 200; SETOWNER with neither owner nor group answers 400', async () => {
    await nn.create(`${dir}/a`, 'a');
    assert.equal((await nn.call('PUT', `${dir}/a`, 'SETPERMISSION', { permission: '750' })).status, 200);
    assert.equal((await fileStatus(`${dir}/a`)).permission, '750');
    assert.equal((await nn.call('PUT', `${dir}/a`, 'SETOWNER')).status, 400);
  });

  it('24. GET ?op=MKDIRS answers 400; PUT with no op answers 400', async () => {
    assert.equal((await nn.call('GET', `${dir}/m`, 'MKDIRS')).status, 400);
    const noOp = await rawRequest(`${nn.nameNodeUrl}/webhdfs/v1${dir}/m?user.name=${USER}`, { method: 'PUT' });
    assert.equal(noOp.status, 400);
    assert.equal((await nn.status(`${dir}/m`)).status, 404, 'nothing was created');
  });

  it('25. a standby NameNode answers 403 StandbyException; the other NameNode answers the same request', async () => {
    let standbyUrl = process.env.WEBHDFS_STANDBY_URL;
    let activeUrl = REAL_URL;
    if (emulator) {
      emulator.failover();
      [standbyUrl, activeUrl] = emulator.nameNodeUrls;
    }
    if (!standbyUrl || !activeUrl) throw new Error('case 25 against a real cluster needs WEBHDFS_STANDBY_URL');
    assertRemoteException(await rawRequest(nn.url(dir, 'GETFILESTATUS', {}, standbyUrl)), 403, 'StandbyException');
    const answer = await rawRequest(nn.url(dir, 'GETFILESTATUS', {}, activeUrl));
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json().FileStatus.type, 'DIRECTORY');
  });
});
