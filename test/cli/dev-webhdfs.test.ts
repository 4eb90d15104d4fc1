import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SLUICE_BIN, sluice } from '../helpers/cli';
import { useTempDir } from '../helpers/temp-dir';
import { WebHdfsTarget, assertRemoteException, rawRequest } from '../helpers/webhdfs-http';

describe('sluice dev webhdfs', function () {
  this.timeout(60_000);
  const tmp = useTempDir();

  it('prints its URLs, serves MKDIRS and a CREATE round trip, takes a fault over HTTP, and exits 0 on SIGTERM', async () => {
    const root = path.join(tmp(), 'hdfs');
    const child = spawn(process.execPath, [SLUICE_BIN, 'dev', 'webhdfs', '--port', '0', '--data-node-port', '0', '--root', root, '--name-nodes', '2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    const started = new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (/^root /m.test(stdout)) resolve(stdout);
      });
      void exited.then(() => reject(new Error(`exited early: ${stderr}`)));
    });
    try {
      const banner = await started;
      const nameNodes = [...banner.matchAll(/^NameNode (http:\/\/127\.0\.0\.1:\d+) \((active|standby)\)$/gm)];
      assert.deepEqual(nameNodes.map((m) => m[2]), ['active', 'standby']);
      assert.match(banner, /^DataNode http:\/\/127\.0\.0\.1:\d+$/m);
      const alice = new WebHdfsTarget(nameNodes[0][1], 'alice');
      await alice.mkdirs('/warehouse/dt=2026-11-21');
      await alice.create('/warehouse/dt=2026-11-21/part-0', 'rows');
      assert.equal(fs.readFileSync(path.join(root, 'warehouse', 'dt=2026-11-21', 'part-0'), 'utf8'), 'rows');
      assert.equal((await alice.read('/warehouse/dt=2026-11-21/part-0')).text, 'rows');
      const fault = { kind: 'failNext', op: 'GETFILESTATUS', count: 1, status: 403, exception: 'RetriableException' };
      const accepted = await rawRequest(`${nameNodes[0][1]}/_emulator/faults`, { method: 'POST', body: JSON.stringify(fault) });
      assert.equal(accepted.status, 200, accepted.text);
      assertRemoteException(await alice.status('/warehouse'), 403, 'RetriableException');
      assert.equal((await alice.status('/warehouse')).status, 200);
      const state = (await rawRequest(`${nameNodes[1][1]}/_emulator/state`)).json();
      assert.deepEqual(state.active, [true, false]);
      assert.equal(state.requestCount.GETFILESTATUS, 2);
    } finally {
      child.kill('SIGTERM');
    }
    assert.deepEqual(await exited, { code: 0, signal: null });
    assert.match(stderr, /SIGTERM: stopping the WebHDFS emulator[\s\S]*stopped cleanly/);
  });

  it('refuses a third NameNode with usage help and exit status 2', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [SLUICE_BIN, 'dev', 'webhdfs', '--name-nodes', '3'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /name-nodes/);
  });

  it('names a --root that is not a directory and exits 1', () => {
    const file = path.join(tmp(), 'a-file');
    fs.writeFileSync(file, 'x');
    const result = sluice(['dev', 'webhdfs', '--root', file, '--port', '0', '--data-node-port', '0']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /root .*a-file: is not a directory/);
  });
});
