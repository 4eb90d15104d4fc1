import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { verifyTable } from '../../src/table/verify';
import { openTable } from '../../src/connector-factory';
import { FakeRecordSource, FAST_RETRY } from '../helpers/fake-record-source';
import { listFiles, pageViewValues, START, writeJob } from '../helpers/page-views';
import { useTempDir } from '../helpers/temp-dir';

/** Every checkpoint file of the table, with its parsed content. */
function checkpointFiles(table: string): { file: string; checkpoint: Record<string, unknown> }[] {
  const root = path.join(table, '_sluice/checkpoints');
  return listFiles(root).filter((f) => f.endsWith('.json')).map((f) => ({ file: path.join(root, f), checkpoint: JSON.parse(fs.readFileSync(path.join(root, f), 'utf8')) as Record<string, unknown> }));
}

describe('verify: offsets skipped by loads (transaction markers, aborted records)', function () {
  this.timeout(30_000);
  const tmp = useTempDir();

  const setUp = () => {
    const source = new FakeRecordSource('page_views', 2, 40, FAST_RETRY);
    const views = (from: number, count: number) => pageViewValues(from, count, (i) => START + i * 1000).map((v) => ({ key: Buffer.from(v.key), value: v.value, timestamp: v.timestamp }));
    const job = loadJobDefinition(writeJob(tmp(), { workerThreads: 0, output: { formats: ['avro'], avroCodec: 'null', sink: path.join(tmp(), 'warehouse'), table: 'page_views' } }, 'fake:1'));
    const load = () => runLoad(job, {
      openSource: async () => {
        source.closed = false;
        return source;
      },
    });
    return { source, views, job, load, table: path.join(tmp(), 'warehouse', 'page_views') };
  };

  it('records skipped offsets per range, so ranges still tile, and counts them per partition', async () => {
    const { source, views, job, load, table } = setUp();
    source.append(0, views(0, 50));
    source.appendSkipped(0, 7); // an aborted transaction and its marker, say
    source.append(0, views(50, 30));
    source.appendSkipped(0, 1);
    source.append(1, views(80, 20));
    const first = await load();
    assert.deepEqual(first.committed.map((r) => [r.partition, r.start, r.end, r.records, r.skippedOffsets]), [[0, 0, 88, 80, 8], [1, 0, 20, 20, 0]]);
    source.appendSkipped(1, 3); // a range of nothing but markers still moves the committed offset
    const second = await load();
    assert.deepEqual(second.committed.map((r) => [r.partition, r.start, r.end, r.records, r.skippedOffsets]), [[1, 20, 23, 0, 3]]);
    const report = await verifyTable(job, openTable(job.output.sink, job.output.table));
    assert.deepEqual(report.problems, []);
    assert.deepEqual(report.partitions.map((p) => [p.partition, p.committedOffset, p.records, p.skippedOffsets]), [[0, 88, 80, 8], [1, 23, 20, 3]]);
    assert.equal(checkpointFiles(table).length, 3);
  });

  it('reads checkpoints written before skipped offsets were counted, and catches a count that does not add up', async () => {
    const { source, views, job, load, table } = setUp();
    source.append(0, views(0, 60));
    source.append(1, views(60, 30));
    await load();
    for (const { file, checkpoint } of checkpointFiles(table)) {
      assert.equal(checkpoint.skippedOffsets, 0);
      delete checkpoint.skippedOffsets; // as an older sluice wrote it
      fs.writeFileSync(file, JSON.stringify(checkpoint));
    }
    const old = await verifyTable(job, openTable(job.output.sink, job.output.table));
    assert.deepEqual(old.problems, []);
    assert.deepEqual(old.partitions.map((p) => p.skippedOffsets), [0, 0]);

    const [{ file, checkpoint }] = checkpointFiles(table);
    fs.writeFileSync(file, JSON.stringify({ ...checkpoint, skippedOffsets: 2 }));
    const wrong = await verifyTable(job, openTable(job.output.sink, job.output.table));
    assert.deepEqual(wrong.problems, ['partition 0 range 0..60: 60 good + 0 bad records + 2 skipped offsets for 60 offsets']);
  });
});
