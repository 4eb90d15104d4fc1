import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as avro from 'avsc';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { JobDefinition, loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { CloseQueue, closesInTurn, loadRange } from '../../src/pipeline/range-loader';
import { rangeLoadContext } from '../../src/pipeline/range-context';
import { TableState } from '../../src/table/table-state';
import { ReadOptions, RecordSource, RecordSourceError, SourceDecodeError, SourceKafkaError } from '../../src/ports/record-source';
import { KafkaErrors } from '../../src/protocol/error-codes';
import { FakeRecordSource, FAST_RETRY } from '../helpers/fake-record-source';
import { useTempDir } from '../helpers/temp-dir';
import { HOUR, START, listFiles, pageViewValues, writeJob } from '../helpers/page-views';

const PER_PARTITION = 450;
const BATCH = 100;

/** (partition, offset) of every row in the Avro files under `root`, sorted. */
async function avroRows(root: string): Promise<[number, number][]> {
  const rows: [number, number][] = [];
  for (const file of listFiles(root).filter((f) => f.endsWith('.avro'))) {
    await new Promise<void>((resolve, reject) => {
      avro.createFileDecoder(path.join(root, file))
        .on('data', (row: { _kafka_partition: number; _kafka_offset: number }) => rows.push([row._kafka_partition, row._kafka_offset]))
        .on('end', resolve)
        .on('error', reject);
    });
  }
  return rows.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

const offsets = (partition: number, from: number, to: number): [number, number][] => Array.from({ length: to - from }, (_, i) => [partition, from + i]);

const notLeader = () => new SourceKafkaError('NOT_LEADER_OR_FOLLOWER', KafkaErrors.NOT_LEADER_OR_FOLLOWER.code, true, { topic: 'page_views', partition: 0, broker: 'fake:1' }, 'not the leader');
const corrupt = () => new SourceDecodeError(300, { topic: 'page_views', partition: 0, broker: 'fake:1' }, 'records fetched from offset 300: bad CRC');

describe('range reading on an in-memory RecordSource', function () {
  this.timeout(30_000);
  const tmp = useTempDir();
  let source: FakeRecordSource;
  let job: JobDefinition;
  const warehouse = () => path.join(tmp(), 'warehouse');
  const table = () => path.join(warehouse(), 'page_views');
  const load = () => runLoad(job, {
    openSource: async () => {
      source.closed = false; // each run closes the source it opened
      return source;
    },
  });

  beforeEach(() => {
    source = new FakeRecordSource('page_views', 2, BATCH, FAST_RETRY);
    const tsOf = (i: number) => START + Math.floor(i / 300) * HOUR + i * 1000;
    for (const partition of [0, 1]) {
      source.append(partition, pageViewValues(partition * PER_PARTITION, PER_PARTITION, tsOf).map((v) => ({ key: Buffer.from(v.key), value: v.value, timestamp: v.timestamp })));
    }
    job = loadJobDefinition(writeJob(tmp(), {
      workerThreads: 0, concurrency: 2, metadataColumns: ['partition', 'offset'],
      output: { formats: ['avro'], avroCodec: 'null', sink: warehouse(), table: 'page_views' },
    }, 'fake:1'));
  });

  describe('loadRange', () => {
    const context = (deadline = Date.now() + 60_000, signal?: AbortSignal, onProgress?: (records: number) => void) => rangeLoadContext({
      job, table: new TableState(new LocalSink(warehouse()), 'page_views'), runId: 'run-1', source, stagingDir: path.join(tmp(), 'staging'), deadline, signal, onProgress,
    });

    it('reads exactly [start, end), batch by batch from start, into the run\'s temporary files', async () => {
      const result = await loadRange(context(), { partition: 0, start: 150, end: 420 });
      assert.deepEqual([result.start, result.end, result.records, result.badRecords], [150, 420, 270, 0]);
      assert.deepEqual(source.fetches.map((f) => f.offset), [150, 250, 350]);
      assert.deepEqual(await avroRows(path.join(table(), '_sluice/runs/run-1/tmp')), offsets(0, 150, 420));
      assert.deepEqual(result.files.map((f) => f.records).reduce((a, b) => a + b, 0), 270);
      assert.ok(result.files.every((f) => /\/page_views\+0\+150\+420\+\d+\.avro$/.test(f.path)), result.files.map((f) => f.path).join());
    });

    it('ends where reading got to when the run is stopped, keeping the planned range in its file names', async () => {
      const stop = new AbortController();
      const result = await loadRange(context(undefined, stop.signal, () => stop.abort()), { partition: 1, start: 0, end: 450 });
      assert.deepEqual([result.start, result.end, result.records], [0, BATCH, BATCH]);
      assert.deepEqual(await avroRows(path.join(table(), '_sluice/runs/run-1/tmp')), offsets(1, 0, BATCH));
      assert.ok(result.files.every((f) => f.path.includes('page_views+1+0+450+')));
    });

    it('past the deadline reads its first fetch and no more, so a late run still makes progress', async () => {
      const result = await loadRange(context(Date.now() - 1), { partition: 0, start: 0, end: 450 });
      assert.deepEqual([result.end, result.records], [100, 100]);
      assert.deepEqual(source.fetches.map((f) => f.offset), [0]);
    });

    it('past the deadline waits for a first fetch that hangs only up to its grace, then ends with nothing read', async () => {
      let dropped = false;
      const hanging: RecordSource = Object.assign(Object.create(source) as RecordSource, {
        read: (_p: number, start: number, _e: number, _on: unknown, _stop: unknown, options?: ReadOptions) => new Promise<number>((resolve) => {
          options?.signal?.addEventListener('abort', () => {
            dropped = true;
            resolve(start);
          });
        }),
      });
      const started = Date.now();
      const result = await loadRange({ ...context(Date.now() + 100), source: hanging, firstFetchGraceMs: 200 }, { partition: 0, start: 0, end: 450 });
      assert.deepEqual([result.start, result.end, result.records, result.files], [0, 0, 0, []]);
      assert.ok(dropped, 'the read was told to drop its fetch');
      assert.ok(Date.now() - started >= 300, 'the deadline and then the grace went by first');
    });

    it('stopped by its signal, reads nothing at all', async () => {
      const stopped = new AbortController();
      stopped.abort();
      const result = await loadRange(context(undefined, stopped.signal), { partition: 0, start: 0, end: 450 });
      assert.deepEqual([result.end, result.records, result.files], [0, 0, []]);
      assert.deepEqual(source.fetches, []);
    });

    it('with a close queue (a worker\'s), finishes closed files behind the reading, a bounded number at once; one that cannot be finished fails the range', async () => {
      // A remote sink (files staged, then uploaded) whose uploads take a while: 270 records in files of 50.
      const events: string[] = [];
      let failUpload = -1;
      let uploading = 0;
      let mostAtOnce = 0;
      const remote = (): LocalSink => {
        const sink = new LocalSink(warehouse());
        let uploads = 0;
        return Object.assign(Object.create(sink) as LocalSink, {
          localPath: () => null,
          upload: async (local: string, target: string) => {
            const n = uploads++;
            mostAtOnce = Math.max(mostAtOnce, ++uploading);
            events.push(`upload ${n} starts after ${source.fetches.length} fetches`);
            await new Promise((resolve) => setTimeout(resolve, 30));
            uploading--;
            if (n === failUpload) throw new Error(`upload ${n} refused`);
            await sink.upload(local, target);
            events.push(`upload ${n} done after ${source.fetches.length} fetches`);
          },
        });
      };
      const small = { ...job, files: { ...job.files, maxRecords: 50 } };
      const ctx = (closeQueue?: CloseQueue) => ({
        ...rangeLoadContext({ job: small, table: new TableState(remote(), 'page_views'), runId: 'run-1', source, stagingDir: path.join(tmp(), 'staging'), deadline: Date.now() + 60_000 }),
        closeQueue,
      });
      const result = await loadRange(ctx(closesInTurn()), { partition: 0, start: 150, end: 420 });
      assert.equal(result.records, 270);
      assert.equal(result.files.length, 6);
      assert.deepEqual(await avroRows(path.join(table(), '_sluice/runs/run-1/tmp')), offsets(0, 150, 420));
      // Reading went on while the first file was uploaded, and no more than MAX_FINISHING + 1 were on their way at once.
      assert.match(events.find((e) => e.startsWith('upload 0 done'))!, /after [23] fetches/, events.join('; '));
      assert.ok(mostAtOnce >= 2 && mostAtOnce <= 3, `${mostAtOnce} uploads at once: ${events.join('; ')}`);

      // Without a queue (the main thread's loads) each file is finished before reading goes on.
      events.length = 0;
      mostAtOnce = 0;
      source.fetches.length = 0;
      fs.rmSync(path.join(table(), '_sluice/runs/run-1/tmp'), { recursive: true, force: true });
      await loadRange(ctx(), { partition: 0, start: 150, end: 420 });
      assert.equal(events[1], 'upload 0 done after 1 fetches', events.join('; '));
      assert.equal(mostAtOnce, 1);

      for (const queue of [closesInTurn(), undefined]) {
        failUpload = 1;
        source.fetches.length = 0;
        fs.rmSync(path.join(table(), '_sluice/runs/run-1/tmp'), { recursive: true, force: true });
        await assert.rejects(loadRange(ctx(queue), { partition: 1, start: 0, end: 450 }), /upload 1 refused/);
      }
    });

    it('resumes a retried fetch at the offset that failed: no record twice, none missing', async () => {
      source.failFetches({ partition: 0, offset: 250, times: 2, error: notLeader });
      const result = await loadRange(context(), { partition: 0, start: 50, end: 450 });
      assert.equal(result.records, 400);
      assert.deepEqual(source.fetches.map((f) => [f.offset, f.failed]), [[50, false], [150, false], [250, true], [250, true], [250, false], [350, false]]);
      assert.deepEqual(await avroRows(path.join(table(), '_sluice/runs/run-1/tmp')), offsets(0, 50, 450));
    });
  });

  describe('a whole run (executeRun) on the fake source and a local sink', () => {
    it('commits every offset of every partition once; the next run has nothing to do', async () => {
      const summary = await load();
      assert.deepEqual(summary.committed.map((r) => [r.partition, r.start, r.end, r.records]), [[0, 0, 450, 450], [1, 0, 450, 450]]);
      assert.deepEqual(await avroRows(table()), [...offsets(0, 0, 450), ...offsets(1, 0, 450)]);
      assert.deepEqual(listFiles(path.join(table(), '_sluice/runs')), []);
      source.append(1, pageViewValues(900, 30, (i) => START + i * 1000).map((v) => ({ key: Buffer.from(v.key), value: v.value, timestamp: v.timestamp })));
      const next = await load();
      assert.deepEqual(next.committed.map((r) => [r.partition, r.start, r.end]), [[1, 450, 480]]);
      assert.deepEqual((await load()).committed, []);
    });

    it('retries a retriable error and commits as if nothing had happened', async () => {
      source.failFetches({ partition: 0, offset: 200, times: 2, error: notLeader });
      const summary = await load();
      assert.deepEqual(summary.committed.map((r) => [r.partition, r.start, r.end]), [[0, 0, 450], [1, 0, 450]]);
      assert.deepEqual(source.fetches.filter((f) => f.partition === 0 && f.offset === 200).map((f) => f.failed), [true, true, false]);
      assert.deepEqual(await avroRows(table()), [...offsets(0, 0, 450), ...offsets(1, 0, 450)]);
    });

    it('fails the run with the retriable error, typed, once the attempts are used up; nothing is committed', async () => {
      source.failFetches({ partition: 0, offset: 200, times: 99, error: notLeader });
      const error = await load().then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof SourceKafkaError, String(error));
      assert.equal(error.retriable, true);
      assert.equal(error.attempts, FAST_RETRY.maxAttempts);
      assert.match(error.message, /^page_views-0 \(broker fake:1\): not the leader \(gave up after 4 attempts\)$/);
      assertNothingCommitted(error.message);
    });

    it('fails the run at once with a non-retriable error, its type intact; nothing is committed', async () => {
      source.failFetches({ partition: 0, offset: 300, times: 1, error: corrupt });
      const error = await load().then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof SourceDecodeError && error instanceof RecordSourceError, String(error));
      assert.deepEqual([error.retriable, error.offset, error.partition, error.broker], [false, 300, 0, 'fake:1']);
      assert.equal(source.fetches.filter((f) => f.offset === 300 && f.partition === 0).length, 1, 'not retried');
      assertNothingCommitted(error.message);
      // The failure came from the source, not from the data: once the source reads again, the run commits it all.
      const summary = await load();
      assert.deepEqual(summary.committed.map((r) => [r.partition, r.start, r.end]), [[0, 0, 450], [1, 0, 450]]);
    });

    function assertNothingCommitted(message: string): void {
      assert.deepEqual(listFiles(path.join(table(), '_sluice/checkpoints')), []);
      assert.deepEqual(listFiles(path.join(table(), '_sluice/runs')), []);
      assert.deepEqual(listFiles(table()).filter((f) => f.endsWith('.avro')), []);
      const history = listFiles(path.join(table(), '_sluice/history')).flatMap((f) => fs.readFileSync(path.join(table(), '_sluice/history', f), 'utf8').trim().split('\n'));
      assert.deepEqual(history.map((line) => JSON.parse(line)).map((e: { status: string; error?: string }) => [e.status, e.error]), [['failed', message]]);
    }
  });
});
