import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { useTempDir } from '../helpers/temp-dir';
import { startWebHdfsEmulator, WebHdfsEmulator } from '../../src/dev/webhdfs/emulator';
import { WebHdfsSink } from '../../connectors/sinks/webhdfs-sink';
import { JobLockedError, TableState } from '../../src/table/table-state';

describe('review: job lock when the lock cannot be read', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  let emulator: WebHdfsEmulator;
  const newSink = () => new WebHdfsSink(`webhdfs://${new URL(emulator.nameNodeUrls[0]).host}/warehouse?user.name=etl`, { retry: { maxAttempts: 3, baseDelayMs: 2, maxDelayMs: 10 } });

  beforeEach(async () => {
    emulator = await startWebHdfsEmulator({ root: path.join(tmp(), 'hdfs') });
  });
  afterEach(async () => emulator.close());

  it('does not take over a live lock whose file could not be read (a transient failure is not staleness)', async () => {
    const holder = new TableState(newSink(), 'events');
    const release = await holder.lock('run-A', 600_000, [0]);
    // Reading the lock fails for a while (NameNode 500s until the client gives up); everything else works.
    emulator.faults.failNext({ op: 'OPEN', count: 100, status: 500, exception: 'IOException' });
    const contender = new TableState(newSink(), 'events');
    let took = false;
    await contender.lock('run-B', 600_000, [0]).then(() => (took = true), () => undefined);
    emulator.faults.clear();
    const lock = JSON.parse((await holder.sink.readFile('events/_sluice/locks/0.json')).toString()) as { runId: string };
    assert.equal(took, false, 'a second run took the lock while run-A held it');
    assert.equal(lock.runId, 'run-A');
    await release();
  });

  it('does not take over a lock file its creator is still writing (empty at first), but does take a torn one', async () => {
    const dir = path.join(tmp(), 'local');
    const lockFile = path.join(dir, 'events/_sluice/locks/0.json');
    fs.mkdirSync(path.dirname(lockFile), { recursive: true });
    fs.writeFileSync(lockFile, ''); // HDFS shows a file being created with 0 bytes until it is closed
    const record = { owner: 'elsewhere run-A', host: 'another-host', pid: 1, runId: 'run-A', expiresAt: new Date(Date.now() + 600_000).toISOString() };
    setTimeout(() => fs.writeFileSync(lockFile, JSON.stringify(record)), 300);
    await assert.rejects(new TableState(new LocalSink(dir), 'events').lock('run-B', 60_000, [0]), JobLockedError);
    fs.writeFileSync(lockFile, '{"owner": "torn');
    const release = await new TableState(new LocalSink(dir), 'events').lock('run-C', 60_000, [0]);
    assert.equal(JSON.parse(fs.readFileSync(lockFile, 'utf8')).runId, 'run-C');
    await release();
  });
});
