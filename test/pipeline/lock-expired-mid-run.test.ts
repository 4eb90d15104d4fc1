import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalSink } from '../../connectors/sinks/local-sink';
import type { RecordSource } from '../../src/ports/record-source';
import { loadJobDefinition } from '../../src/job/job-definition';
import { executeRun, makePlan, runLoad } from '../../src/pipeline/load-job';
import { TableState, TableStore } from '../../src/table/table-state';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { START, pageViewValues, produceValues, writeJob } from '../helpers/page-views';

// The lock has a time limit (maxDurationSeconds + 300 s) and is never renewed. A run that outlives it (slow
// uploads, a long roll-forward) meets a second run that took the lock, rolled it back and committed. It must not
// then write its manifest: a manifest whose files are gone stops every later run in recovery.
describe('review: a run whose lock expired and was taken over', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', 1);

  it('does not commit, and later runs are not stuck', async () => {
    await produceValues(fixture().client, 'page_views', 1, pageViewValues(0, 50, (i) => START + i * 1000));
    const job = loadJobDefinition(writeJob(tmp(), { workerThreads: 0, output: { formats: ['avro'], sink: path.join(tmp(), 'warehouse'), table: 'page_views' } }, fixture().running.bootstrap));
    const lockFile = path.join(tmp(), 'warehouse/page_views/_sluice/locks/0.json');
    const planner = async (t: TableStore, source: RecordSource, partitions: number[]) => {
      const plan = await makePlan(job, t, source, partitions, () => undefined);
      // Time passes (the run reads for longer than its lock lasts): the lock expires; another process takes it
      // and loads the data itself.
      const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
      fs.writeFileSync(lockFile, JSON.stringify({ ...lock, host: 'elsewhere', expiresAt: new Date(Date.now() - 1).toISOString() }));
      await produceValues(fixture().client, 'page_views', 1, pageViewValues(50, 10, (i) => START + i * 1000));
      await runLoad(job);
      return plan;
    };
    const table = new TableState(new LocalSink(path.join(tmp(), 'warehouse')), 'page_views');
    await executeRun(job, { table, kind: 'scheduled', planner }, {}).catch(() => undefined);

    const later = await runLoad(job); // must not fail in recovery
    assert.deepEqual(later.committed, []);
    const ranges = await table.checkpoints(0);
    assert.deepEqual(ranges.map((r) => [r.start, r.end]), [[0, 60]], 'every offset committed once');
  });
});
