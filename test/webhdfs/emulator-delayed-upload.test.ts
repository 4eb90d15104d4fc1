import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { useTempDir } from '../helpers/temp-dir';
import { startWebHdfsEmulator } from '../../src/dev/webhdfs/emulator';
import { WebHdfsClient } from '../../connectors/webhdfs/webhdfs-client';

describe('review: emulator upload delayed past the client\'s patience', function () {
  this.timeout(20_000);
  const tmp = useTempDir();

  it('close() does not wait forever for the body of a client that went away during the delay', async () => {
    const emulator = await startWebHdfsEmulator({ root: path.join(tmp(), 'hdfs') });
    const client = new WebHdfsClient({ nameNodes: emulator.nameNodeUrls, user: 'etl', timeouts: { metadataMs: 5_000, dataMs: 200 }, retry: { maxAttempts: 1 } });
    await client.create('/t/a', Buffer.from('one\n'));
    emulator.faults.delay({ op: 'APPEND', ms: 0, count: 1 }); // step 1 on the NameNode
    emulator.faults.delay({ op: 'APPEND', ms: 600, count: 1 }); // step 2 on the DataNode: the client gives up at 200 ms
    await assert.rejects(client.append('/t/a', Buffer.from('two\n')), /no progress/);
    await new Promise((resolve) => setTimeout(resolve, 800));
    const started = Date.now();
    await Promise.race([emulator.close(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    assert.ok(Date.now() - started < 5_000, 'close() still waiting after 5 s');
  });
});
