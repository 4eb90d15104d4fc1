import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { START, pageView, pageViewValues, produceValues, writeJob } from '../helpers/page-views';

// A time field that is a finite number but no instant a Date can hold (beyond ±8.64e15 ms; 8.7e15 is still a safe integer, so the schema check passes it) is a bad record like
// any other: it belongs in the dead letters, not in an exception that fails every run of the job from then on.
describe('review: event time outside the range of dates', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', 1);

  for (const timezone of ['UTC', 'Asia/Kolkata']) {
    it(`goes to the dead letters (${timezone})`, async () => {
      const good = pageViewValues(0, 199, (i) => START + i * 1000);
      const bad = pageView(199, START);
      const poison = { key: bad.user_id, value: Buffer.from(JSON.stringify({ ...bad, ts: 8.7e15 })), timestamp: START };
      await produceValues(fixture().client, 'page_views', 1, [...good.slice(0, 100), poison, ...good.slice(100)]);
      const job = loadJobDefinition(writeJob(tmp(), {
        workerThreads: 0, output: { formats: ['avro'], sink: path.join(tmp(), 'warehouse'), table: 'page_views' }, time: { field: 'ts', timezone },
      }, fixture().running.bootstrap));
      const summary = await runLoad(job);
      assert.equal(summary.committed.length, 1);
      assert.equal(summary.committed[0].records, 199);
      assert.equal(summary.committed[0].badRecords, 1);
    });
  }
});
