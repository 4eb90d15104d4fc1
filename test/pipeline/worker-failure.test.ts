import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { startWebHdfsEmulator, WebHdfsEmulator } from '../../src/dev/webhdfs/emulator';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { START, listFiles, pageViewValues, produceValues, writeJob } from '../helpers/page-views';

// When one worker's range fails, the run fails, deletes its directory and releases the lock. The other workers
// must stop too: left running, they go on reading their ranges (and taking the next ones) and writing into the
// table under a lock that is no longer held.
describe('review: a failed range stops the other workers', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', 2);
  let emulator: WebHdfsEmulator;
  beforeEach(async () => {
    emulator = await startWebHdfsEmulator({ root: path.join(tmp(), 'hdfs') });
  });
  afterEach(async () => emulator.close());

  for (const workerThreads of [2, 0]) {
  it(`writes nothing into the table after the run has failed (workerThreads ${workerThreads})`, async () => {
    await produceValues(fixture().client, 'page_views', 2, pageViewValues(0, 20_000, (i) => START + i * 100));
    const sink = `webhdfs://${new URL(emulator.nameNodeUrls[0]).host}/warehouse?user.name=etl`;
    const job = loadJobDefinition(writeJob(tmp(), {
      workerThreads, concurrency: 2, files: { maxRecords: 100 }, output: { formats: ['avro'], sink, table: 'page_views' },
    }, fixture().running.bootstrap));
    const running = runLoad(job);
    running.catch(() => undefined);
    // Once uploads are going, the next one is refused for good: that range, and so the run, fails.
    const runs = path.join(tmp(), 'hdfs/warehouse/page_views/_sluice/runs');
    while (!listFiles(runs).some((f) => f.endsWith('.avro'))) await new Promise((resolve) => setTimeout(resolve, 2));
    emulator.faults.failNext({ op: 'CREATE', where: 'datanode', count: 1, status: 403, exception: 'AccessControlException' });
    await assert.rejects(running, /AccessControlException/);
    const creates = emulator.requestCount.CREATE ?? 0;
    // Files of 100 records: a range still going would start its next upload within milliseconds.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(emulator.requestCount.CREATE ?? 0, creates, 'uploads went on after the run failed');
    assert.deepEqual(listFiles(path.join(tmp(), 'hdfs/warehouse/page_views/_sluice/runs')), []);
  });
  }
});
