import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useTempDir } from '../helpers/temp-dir';
import { startWebHdfsEmulator, WebHdfsEmulator } from '../../src/dev/webhdfs/emulator';
import { WebHdfsClient } from '../../connectors/webhdfs/webhdfs-client';

// The sink stats a local file, then streams it: the body must be exactly the length declared in Content-Length,
// whatever the file holds by the time it is read.
describe('review: file body whose file is not the length declared', function () {
  this.timeout(30_000);
  const tmp = useTempDir();
  let emulator: WebHdfsEmulator;
  let client: WebHdfsClient;

  beforeEach(async () => {
    emulator = await startWebHdfsEmulator({ root: path.join(tmp(), 'hdfs') });
    client = new WebHdfsClient({ nameNodes: emulator.nameNodeUrls, user: 'etl', retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
  });
  afterEach(async () => emulator.close());

  it('sends only the declared bytes of a file that grew, and the connection stays usable', async () => {
    const local = path.join(tmp(), 'grew.bin');
    fs.writeFileSync(local, 'HELLO' + 'x'.repeat(100_000)); // stat said 5 bytes; the file grew since
    await client.create('/t/a', { file: local, length: 5 }, { overwrite: true });
    assert.equal((await client.open('/t/a')).toString(), 'HELLO');
    await client.create('/t/b', Buffer.from('bee'), { overwrite: false });
    assert.equal((await client.open('/t/b')).toString(), 'bee');
  });

  it('fails at once, without waiting for the idle timeout, when the file shrank', async () => {
    const local = path.join(tmp(), 'shrank.bin');
    fs.writeFileSync(local, 'abc');
    const started = Date.now();
    await assert.rejects(client.create('/t/c', { file: local, length: 10 }, { overwrite: true }));
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
  });
});
