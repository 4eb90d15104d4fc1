import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useTempDir } from '../helpers/temp-dir';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { JobLockedError, TableState } from '../../src/table/table-state';

/** A sink that runs `before` once, just before the first rename of the lock aside: another contender's turn. */
class PausingSink extends LocalSink {
  constructor(location: string, private before?: () => Promise<void>) {
    super(location);
  }
  override async rename(from: string, to: string): Promise<boolean> {
    const before = this.before;
    if (before && from.endsWith('/locks/0.json')) {
      this.before = undefined;
      await before();
    }
    return super.rename(from, to);
  }
}

// Two runs find the same expired lock. A renames it aside, deletes it and creates its own; B, which read the
// expired one before A acted, then renames "locks/0.json" aside: by now that is A's live lock.
describe('review: two contenders taking over one stale lock', function () {
  this.timeout(20_000);
  const tmp = useTempDir();

  it('leaves the job to exactly one of them', async () => {
    const dir = path.join(tmp(), 'warehouse');
    const lockFile = path.join(dir, 'events/_sluice/locks/0.json');
    fs.mkdirSync(path.dirname(lockFile), { recursive: true });
    fs.writeFileSync(lockFile, JSON.stringify({ owner: 'dead run', host: 'gone', pid: 1, runId: 'run-0', expiresAt: new Date(Date.now() - 1000).toISOString() }));
    const a = new TableState(new LocalSink(dir), 'events');
    let aTook = false;
    const b = new TableState(new PausingSink(dir, async () => {
      await a.lock('run-A', 600_000, [0]);
      aTook = true;
    }), 'events');
    const bTook = await b.lock('run-B', 600_000, [0]).then(() => true, (error: unknown) => {
      if (error instanceof JobLockedError) return false;
      throw error;
    });
    assert.equal(aTook, true);
    assert.equal(bTook, false, 'both runs hold the lock');
    assert.equal(JSON.parse(fs.readFileSync(lockFile, 'utf8')).runId, 'run-A');
    assert.deepEqual(fs.readdirSync(path.dirname(lockFile)), ['0.json']);
  });
});
