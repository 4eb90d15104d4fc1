import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startWebHdfsEmulator, WebHdfsEmulator, WebHdfsEmulatorOptions } from '../../src/dev/webhdfs/emulator';
import { useTempDir } from '../helpers/temp-dir';
import { RawResponse, WebHdfsTarget, assertRemoteException, rawOutcome, rawRequest } from '../helpers/webhdfs-http';

describe('WebHDFS emulator: faults, failover and safe mode', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  let emulator: WebHdfsEmulator;
  let alice: WebHdfsTarget;

  async function start(options: Partial<WebHdfsEmulatorOptions> = {}): Promise<void> {
    emulator = await startWebHdfsEmulator({ root: path.join(tmp(), 'root'), ...options });
    alice = new WebHdfsTarget(emulator.nameNodeUrls[0], 'alice');
  }

  beforeEach(() => start());
  afterEach(() => emulator.close());

  const exists = async (p: string) => (await alice.status(p)).status === 200;

  it('failNext answers the injected RemoteException for the next N requests of that op only, doing nothing', async () => {
    emulator.faults.failNext({ op: 'MKDIRS', count: 2, status: 403, exception: 'RetriableException', message: 'try again' });
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await alice.call('PUT', '/d', 'MKDIRS');
      assertRemoteException(answer, 403, 'RetriableException', /^try again$/);
      assert.equal(answer.json().RemoteException.javaClassName, 'org.apache.hadoop.ipc.RetriableException');
      assert.equal(await exists('/d'), false, 'a failed MKDIRS did nothing');
    }
    await alice.mkdirs('/d');
    assert.equal(await exists('/d'), true);
  });

  it("failNext with where 'datanode' fails step 2 of CREATE; '*' matches any op", async () => {
    emulator.faults.failNext({ op: 'CREATE', count: 1, status: 500, exception: 'java.io.IOException', where: 'datanode' });
    const first = await alice.call('PUT', '/f', 'CREATE');
    assert.equal(first.status, 307, 'the NameNode is not affected');
    assertRemoteException(await alice.follow(first, 'PUT', 'data'), 500, 'IOException');
    assert.equal(await exists('/f'), false);
    emulator.faults.failNext({ op: '*', count: 1, status: 403, exception: 'StandbyException' });
    assertRemoteException(await alice.status('/'), 403, 'StandbyException');
    assert.equal((await alice.status('/')).status, 200);
  });

  it('dropUpload cuts the connection after afterBytes; exactly those bytes stay in a closed file', async () => {
    const body = Buffer.alloc(1 << 20, 'x');
    body.write('start', 0);
    emulator.faults.dropUpload({ afterBytes: 100_000 });
    const first = await alice.call('PUT', '/cut', 'CREATE');
    assert.equal(await rawOutcome(String(first.headers.location), { method: 'PUT', body }), 'dropped');
    assert.deepEqual(fs.readFileSync(path.join(tmp(), 'root', 'cut')), body.subarray(0, 100_000));
    assert.equal((await alice.status('/cut')).json().FileStatus.length, 100_000);
    await alice.create('/cut', body, { overwrite: 'true' });
    assert.equal((await alice.status('/cut')).json().FileStatus.length, body.length, 'the rule was used once and the file was closed');
  });

  it('delay holds back the next responses of an op; with a count it stops after that many', async () => {
    await alice.mkdirs('/d');
    const finished: string[] = [];
    const timed = (name: string, request: Promise<RawResponse>) => request.then((answer) => finished.push(`${name}:${answer.status}`));
    emulator.faults.delay({ op: 'GETFILESTATUS', ms: 1000, count: 1 });
    const delayed = timed('status', alice.status('/d'));
    await timed('list', alice.call('GET', '/d', 'LISTSTATUS'));
    await delayed;
    assert.deepEqual(finished, ['list:200', 'status:200']);
    finished.length = 0;
    emulator.faults.delay({ op: 'LISTSTATUS', ms: 1000 });
    const list = timed('list', alice.call('GET', '/d', 'LISTSTATUS'));
    await timed('status', alice.status('/d'));
    await list;
    assert.deepEqual(finished, ['status:200', 'list:200'], 'the GETFILESTATUS delay was used up');
  });

  it('random faults are deterministic for a seed and come at roughly the given probability', async () => {
    await alice.mkdirs('/d');
    const run = async () => {
      emulator.faults.random({ probability: 0.2, seed: 42, kinds: ['500', 'drop-before', 'drop-after'] });
      const outcomes: string[] = [];
      for (let i = 0; i < 1000; i++) {
        const answer = await rawOutcome(alice.url('/d', 'GETFILESTATUS'));
        outcomes.push(answer === 'dropped' ? 'dropped' : String(answer.status));
      }
      emulator.faults.clear();
      return outcomes;
    };
    const first = await run();
    const second = await run();
    assert.deepEqual(second, first);
    const faults = first.filter((o) => o !== '200').length;
    assert.ok(faults > 120 && faults < 280, `${faults} faults in 1000 requests at probability 0.2`);
    assert.ok(first.includes('500') && first.includes('dropped'));
    assert.equal((await alice.status('/d')).status, 200, 'clear() stops them');
  });

  it("'drop-after' performs the operation and loses the answer; 'drop-before' and '500' do nothing", async () => {
    emulator.faults.random({ probability: 1, seed: 7, kinds: ['drop-after'] });
    assert.equal(await rawOutcome(alice.url('/after', 'MKDIRS'), { method: 'PUT' }), 'dropped');
    emulator.faults.random({ probability: 1, seed: 7, kinds: ['drop-before'] });
    assert.equal(await rawOutcome(alice.url('/before', 'MKDIRS'), { method: 'PUT' }), 'dropped');
    emulator.faults.random({ probability: 1, seed: 7, kinds: ['500'] });
    assertRemoteException(await alice.call('PUT', '/failed', 'MKDIRS'), 500, 'IOException');
    emulator.faults.clear();
    assert.deepEqual([await exists('/after'), await exists('/before'), await exists('/failed')], [true, false, false]);
  });

  it("a 'drop-after' upload is complete on disk although the client saw the connection die", async () => {
    const first = await alice.call('PUT', '/uploaded', 'CREATE');
    emulator.faults.random({ probability: 1, seed: 1, kinds: ['drop-after'] });
    assert.equal(await rawOutcome(String(first.headers.location), { method: 'PUT', body: 'all of it' }), 'dropped');
    emulator.faults.clear();
    assert.equal((await alice.read('/uploaded')).text, 'all of it');
  });

  it('failover swaps which of two NameNodes answers; both serve one namespace', async () => {
    await emulator.close();
    await start({ nameNodes: 2 });
    const [one, two] = emulator.nameNodeUrls.map((url) => new WebHdfsTarget(url, 'alice'));
    await one.mkdirs('/made-on-one');
    assertRemoteException(await two.status('/made-on-one'), 403, 'StandbyException', /Operation category READ is not supported in state standby/);
    emulator.failover();
    assertRemoteException(await one.call('PUT', '/x', 'MKDIRS'), 403, 'StandbyException', /Operation category WRITE/);
    assert.equal((await two.status('/made-on-one')).json().FileStatus.type, 'DIRECTORY');
    emulator.failover();
    assert.equal((await one.status('/made-on-one')).status, 200);
  });

  it('with one NameNode, failover toggles it into standby and back', async () => {
    emulator.failover();
    assertRemoteException(await alice.status('/'), 403, 'StandbyException');
    emulator.failover();
    assert.equal((await alice.status('/')).status, 200);
  });

  it('safe mode refuses every namespace change with SafeModeException but still serves reads', async () => {
    await alice.create('/kept', 'kept');
    emulator.setSafeMode(true);
    assertRemoteException(await alice.call('PUT', '/d', 'MKDIRS'), 403, 'SafeModeException', /Name node is in safe mode/);
    assertRemoteException(await alice.call('DELETE', '/kept', 'DELETE'), 403, 'SafeModeException');
    assertRemoteException(await alice.call('PUT', '/kept', 'RENAME', { destination: '/moved' }), 403, 'SafeModeException');
    assertRemoteException(await alice.twoStep('PUT', '/new', 'CREATE', {}, 'x'), 403, 'SafeModeException');
    assert.equal((await alice.read('/kept')).text, 'kept');
    emulator.setSafeMode(false);
    await alice.mkdirs('/d');
  });

  it('with two NameNodes safe mode answers RetriableException, as HDFS does with HA', async () => {
    await emulator.close();
    await start({ nameNodes: 2 });
    emulator.setSafeMode(true);
    assertRemoteException(await alice.call('PUT', '/d', 'MKDIRS'), 403, 'RetriableException', /SafeModeException: Cannot create directory \/d/);
  });

  it('puts op, user, overwrite, permission and namenoderpcaddress into the CREATE redirect, and the DataNode insists on the last', async () => {
    const location = new URL(String((await alice.call('PUT', '/f', 'CREATE', { permission: '0600', buffersize: '4096' })).headers.location));
    const params = Object.fromEntries(location.searchParams);
    assert.deepEqual(
      { ...params, namenoderpcaddress: undefined },
      { op: 'CREATE', 'user.name': 'alice', overwrite: 'false', permission: '600', createparent: 'true', buffersize: '4096', namenoderpcaddress: undefined },
    );
    assert.equal(params.namenoderpcaddress, new URL(emulator.nameNodeUrls[0]).host);
    location.searchParams.set('namenoderpcaddress', 'elsewhere:8020');
    assertRemoteException(await rawRequest(location.href, { method: 'PUT', body: 'x' }), 400, 'IllegalArgumentException', /elsewhere:8020/);
  });

  it('counts requests per op, NameNode and DataNode together', async () => {
    await alice.create('/a', 'a');
    await alice.call('PUT', '/a', 'RENAME', { destination: '/b' });
    await alice.read('/b');
    assert.deepEqual({ ...emulator.requestCount }, { CREATE: 2, RENAME: 1, OPEN: 2 });
  });

  it('takes fault rules, failover and safe mode over HTTP under /_emulator/', async () => {
    const control = (p: string, body?: unknown) =>
      rawRequest(`${emulator.nameNodeUrls[0]}/_emulator/${p}`, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
    assert.equal((await control('faults', { kind: 'failNext', op: 'MKDIRS', count: 1, status: 403, exception: 'AccessControlException' })).status, 200);
    assertRemoteException(await alice.call('PUT', '/d', 'MKDIRS'), 403, 'AccessControlException');
    const bad = await control('faults', { kind: 'delay', op: 'OPEN', ms: -1 });
    assert.equal(bad.status, 400);
    assert.match(bad.json().error, /ms must be a non-negative integer/);
    assert.equal((await control('faults', { kind: 'nonsense' })).status, 400);
    assert.equal((await control('safemode?on=true')).status, 200);
    assertRemoteException(await alice.call('PUT', '/d', 'MKDIRS'), 403, 'SafeModeException');
    await control('safemode?on=false');
    assert.equal((await control('failover')).json().active[0], false);
    assertRemoteException(await alice.status('/'), 403, 'StandbyException');
    assert.equal((await control('failover')).status, 200, 'the control endpoints work on a standby too');
    await alice.mkdirs('/d');
  });
});
