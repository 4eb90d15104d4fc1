import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { KafkaClient } from '../../src/client/kafka-client';
import { buildRecordBatch } from '../../src/protocol/records';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { useBrokerWithTopic } from '../helpers/broker';
import { useTempDir } from '../helpers/temp-dir';
import { HOUR, listFiles, pageView, writeJob } from '../helpers/page-views';

const BASE = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;
const at = (hour: number, ms = 0) => BASE + hour * HOUR + ms;
const key = (hour: number) => new Date(at(hour)).toISOString().slice(0, 13);

let sequence = 0;
async function produceAt(client: KafkaClient, times: number[]): Promise<void> {
  const records = times.map((ts) => ({ key: Buffer.from(`k${sequence}`), value: Buffer.from(JSON.stringify(pageView(sequence++, ts))), timestamp: ts }));
  await client.produce('page_views', 0, buildRecordBatch(records));
}

// A partition's watermark is the largest event time it ever committed, capped at now. One record stamped in the
// future (a device clock a day ahead) therefore makes a partition that is far behind count as current, and
// hours whose records are still waiting in Kafka get _SUCCESS.
describe('review: one future-stamped record and a partition that is behind', function () {
  this.timeout(60_000);
  const tmp = useTempDir();
  const fixture = useBrokerWithTopic('page_views', 1);

  it('marks no hour that still has records to load', async () => {
    // hour 0 and hour 1 data; a record stamped a day ahead among the first ones; the run loads 3 records at a time.
    await produceAt(fixture().client, [at(0, 1000), Date.now() + 24 * HOUR, at(1, 1000), at(1, 2000), at(1, 3000), at(2, 1000)]);
    const job = loadJobDefinition(writeJob(tmp(), {
      workerThreads: 0, limits: { maxRecordsPerPartition: 3 }, completeness: { delaySeconds: 600, idlePartitions: 'hold' },
      output: { formats: ['avro'], sink: path.join(tmp(), 'warehouse'), table: 'page_views' },
    }, fixture().running.bootstrap));
    await runLoad(job); // offsets 0..2: hour 0, the future record, the first of hour 1's three records
    const marked = listFiles(path.join(tmp(), 'warehouse', 'page_views')).filter((f) => f.endsWith('/_SUCCESS'));
    assert.ok(!marked.some((f) => f.includes(`hr=${key(1).slice(11, 13)}/`)), `hour ${key(1)} is marked complete with 2 of its 3 records still in Kafka: ${marked}`);
  });
});
