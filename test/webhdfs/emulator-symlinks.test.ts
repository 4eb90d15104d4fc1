import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startWebHdfsEmulator, WebHdfsEmulator } from '../../src/dev/webhdfs/emulator';
import { useTempDir } from '../helpers/temp-dir';
import { WebHdfsTarget, assertRemoteException, rawRequest } from '../helpers/webhdfs-http';

describe('WebHDFS emulator: symlinks under the root', function () {
  this.timeout(30_000);
  const tmp = useTempDir();
  let emulator: WebHdfsEmulator;
  const root = () => path.join(tmp(), 'root');
  const outside = () => path.join(tmp(), 'outside');
  const hdfs = () => new WebHdfsTarget(emulator.nameNodeUrls[0], 'hdfs');
  const escape = /^Permission denied: \/data\/\S+ is a symlink leading outside the emulator's root$/;

  beforeEach(async () => {
    fs.mkdirSync(outside(), { recursive: true });
    fs.writeFileSync(path.join(outside(), 'secret'), 'not for HDFS clients');
    emulator = await startWebHdfsEmulator({ root: root() });
    await hdfs().create('/data/ok', 'fine');
    fs.symlinkSync(path.join(outside(), 'secret'), path.join(root(), 'data', 'escape'));
    fs.writeFileSync(path.join(root(), 'data', 'inside-target'), 'inside');
    fs.symlinkSync(path.join(root(), 'data', 'inside-target'), path.join(root(), 'data', 'inside'));
  });
  afterEach(() => emulator.close());

  it('refuses OPEN of a symlink leading outside the root, at the NameNode and at the DataNode', async () => {
    assertRemoteException(await hdfs().read('/data/escape'), 403, 'AccessControlException', escape);
    // Straight to the DataNode, with a redirect's parameters taken from a file that may be read.
    const first = await hdfs().call('GET', '/data/ok', 'OPEN');
    assert.equal(first.status, 307, first.text);
    const direct = new URL(String(first.headers.location));
    direct.pathname = direct.pathname.replace(/\/ok$/, '/escape');
    assertRemoteException(await rawRequest(direct.toString(), { method: 'GET' }), 403, 'AccessControlException', escape);
    assert.equal((await hdfs().read('/data/ok')).text, 'fine', 'the redirect used was a working one');
  });

  it('refuses CREATE with overwrite and APPEND through it, leaving the outside file as it was', async () => {
    assertRemoteException(await hdfs().twoStep('PUT', '/data/escape', 'CREATE', { overwrite: 'true' }, 'replaced'), 403, 'AccessControlException', escape);
    assertRemoteException(await hdfs().twoStep('POST', '/data/escape', 'APPEND', {}, 'more'), 403, 'AccessControlException', escape);
    assert.equal(fs.readFileSync(path.join(outside(), 'secret'), 'utf8'), 'not for HDFS clients');
  });

  it('serves a symlink that stays inside the root with its target\'s content and length', async () => {
    const answer = await hdfs().read('/data/inside');
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.text, 'inside');
    assert.equal(answer.headers['content-length'], '6');
  });
});
