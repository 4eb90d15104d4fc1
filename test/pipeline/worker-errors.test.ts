import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { WebHdfsConnectionError } from '../../connectors/webhdfs/errors';
import { KafkaClient } from '../../src/client/kafka-client';
import { loadJobDefinition } from '../../src/job/job-definition';
import { runLoad } from '../../src/pipeline/load-job';
import { RangeWorkerError } from '../../src/pipeline/worker-pool';
import { rebuildError, serializeError } from '../../src/pipeline/worker-errors';
import { RecordSourceError, SourceDecodeError, SourceKafkaError, SourceTimeoutError } from '../../src/ports/record-source';
import { SinkError, SinkFileExistsError } from '../../src/ports/sink';
import { KafkaErrors } from '../../src/protocol/error-codes';
import { RunningBroker, startBroker } from '../helpers/broker';
import { compressedBatch, corruptLastStoredBatch } from '../helpers/compressed-batches';
import { API, fetchErrorAnswer, KafkaProxy, startKafkaProxy } from '../helpers/kafka-proxy';
import { useTempDir } from '../helpers/temp-dir';
import { START, listFiles, pageViewValues, produceValues, writeJob } from '../helpers/page-views';

/** What a worker's message goes through: structured clone over a real message port. */
function throughPort<T>(value: T): Promise<T> {
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve) => {
    port2.once('message', (message: T) => {
      port1.close();
      resolve(message);
    });
    port1.postMessage(value);
  });
}

const unknownType = () => new Error('the test has no fallback');

async function roundTrip(error: unknown): Promise<Error> {
  return rebuildError(await throughPort(serializeError(error)), unknownType);
}

describe('errors crossing the worker-thread boundary', function () {
  this.timeout(60_000);

  describe('serializeError / rebuildError', () => {
    it('rebuilds a source error as its own class, with its message, stack, retriable flag and fields', async () => {
      const original = new SourceTimeoutError(300, { topic: 'page_views', partition: 3, broker: '10.0.0.7:9092' }, 'request (API 1) got no answer within 300 ms').gaveUpAfter(6);
      const rebuilt = await roundTrip(original);
      assert.ok(rebuilt instanceof SourceTimeoutError && rebuilt instanceof RecordSourceError && rebuilt instanceof Error);
      assert.equal(rebuilt.name, 'SourceTimeoutError');
      assert.equal(rebuilt.message, 'page_views-3 (broker 10.0.0.7:9092): request (API 1) got no answer within 300 ms (gave up after 6 attempts)');
      assert.deepEqual([rebuilt.retriable, rebuilt.timeoutMs, rebuilt.topic, rebuilt.partition, rebuilt.broker, rebuilt.attempts], [true, 300, 'page_views', 3, '10.0.0.7:9092', 6]);
      assert.equal(rebuilt.stack, original.stack);
      assert.equal(String(rebuilt), String(original));
    });

    it('keeps a non-retriable one non-retriable, and rebuilds sink and connector errors with nested causes', async () => {
      const decode = await roundTrip(new SourceDecodeError(40, { topic: 't', partition: 0 }, 'bad batch'));
      assert.ok(decode instanceof SourceDecodeError);
      assert.deepEqual([decode.retriable, decode.offset, decode.broker], [false, 40, null]);

      const exists = await roundTrip(new SinkFileExistsError('t/_sluice/lock.json'));
      assert.ok(exists instanceof SinkFileExistsError && exists instanceof SinkError);
      assert.equal(exists.remoteException, 'FileAlreadyExistsException');

      const lost = await roundTrip(new WebHdfsConnectionError('CREATE', '/warehouse/x.avro', 'http://dn:9864', new TypeError('socket hang up'), false));
      assert.ok(lost instanceof WebHdfsConnectionError);
      assert.equal(lost.retriable, true);
      assert.ok(lost.cause instanceof TypeError);
      assert.equal(lost.cause.message, 'socket hang up');
    });

    it('hands a class it does not know to the fallback, with name, message and retriable flag; a thrown string becomes an Error', async () => {
      class OnlyOnTheWorker extends Error {
        readonly retriable = true;
        constructor() {
          super('went wrong');
          this.name = 'OnlyOnTheWorker';
        }
      }
      const serialized = await throughPort(serializeError(new OnlyOnTheWorker()));
      const rebuilt = rebuildError(serialized, (s) => new RangeWorkerError({ partition: 2, start: 0, end: 10 }, `${s.name}: ${s.message}`, s.retriable));
      assert.ok(rebuilt instanceof RangeWorkerError);
      assert.equal(rebuilt.message, 'partition 2 offsets 0..10: OnlyOnTheWorker: went wrong');
      assert.equal(rebuilt.retriable, true);

      const fromString = await roundTrip('just a string');
      assert.ok(fromString instanceof Error);
      assert.equal(fromString.message, 'just a string');
    });
  });

  describe('a run on worker threads fails as a run on the main thread does', () => {
    const tmp = useTempDir();
    let running: RunningBroker;
    let proxy: KafkaProxy;
    let client: KafkaClient;

    beforeEach(async () => {
      running = await startBroker({ numPartitions: 2, advertisedHost: '127.0.0.2' });
      proxy = await startKafkaProxy(running.port);
      client = await KafkaClient.connect(running.bootstrap);
      await client.createTopic('page_views', 2);
      await produceValues(client, 'page_views', 2, pageViewValues(0, 400, (i) => START + i * 1000));
    });
    afterEach(async () => {
      client.close();
      await proxy.close();
      await running.stop();
    });

    const jobWith = (workerThreads: number, table = 'page_views') => loadJobDefinition(writeJob(tmp(), {
      workerThreads, concurrency: 2, output: { formats: ['avro'], sink: path.join(tmp(), 'warehouse'), table },
    }, proxy.bootstrap));
    const failure = (promise: Promise<unknown>) => promise.then(() => assert.fail('the run should have failed'), (e: unknown) => e);

    it('a non-retriable SourceKafkaError keeps its class, message and flag, and is not retried', async () => {
      proxy.decide = (request) => (request.apiKey === API.Fetch ? fetchErrorAnswer(KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code) : 'forward');
      const errors: unknown[] = [];
      for (const workerThreads of [1, 0]) errors.push(await failure(runLoad(jobWith(workerThreads))));
      const [onWorker, onMain] = errors;
      assert.ok(onWorker instanceof SourceKafkaError, String(onWorker));
      assert.ok(onMain instanceof SourceKafkaError, String(onMain));
      assert.equal(onWorker.message.replace(/page_views-\d/, ''), onMain.message.replace(/page_views-\d/, ''));
      assert.deepEqual([onWorker.errorName, onWorker.retriable, onWorker.attempts, onWorker.broker], ['TOPIC_AUTHORIZATION_FAILED', false, null, proxy.bootstrap]);
      assert.deepEqual(listFiles(path.join(tmp(), 'warehouse/page_views/_sluice/checkpoints')), []);
    });

    it('a corrupt zstd batch is the same dead letter on a worker thread as on the main thread, and both runs commit', async () => {
      const bad = (await client.produce('page_views', 1, compressedBatch([{ value: Buffer.from('{}') }], 'zstd')))!;
      corruptLastStoredBatch(running.dataDir, 'page_views', 1);
      const letters: unknown[] = [];
      for (const [workerThreads, table] of [[1, 'on_worker'], [0, 'on_main']] as const) {
        const summary = await runLoad(jobWith(workerThreads, table));
        assert.equal(summary.committed.reduce((n, r) => n + r.records, 0), 400);
        assert.equal(summary.committed.reduce((n, r) => n + r.badRecords, 0), 1);
        const dir = path.join(tmp(), 'warehouse', table, '_dead_letter');
        const [file] = listFiles(dir);
        letters.push(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
      }
      assert.deepEqual(letters[0], letters[1]);
      const letter = letters[0] as { partition: number; offset: number; lastOffset: number; records: number; error: string; batch: string };
      assert.deepEqual([letter.partition, letter.offset, letter.lastOffset, letter.records], [1, bad, bad, 1]);
      assert.match(letter.error, new RegExp(`^cannot decode the batch at offset ${bad}: .*cannot decompress zstd`));
    });

    it('a retriable SourceKafkaError keeps its flag, and the run\'s source options reach the worker (its attempts)', async () => {
      proxy.decide = (request) => (request.apiKey === API.Fetch ? fetchErrorAnswer(KafkaErrors.NOT_LEADER_OR_FOLLOWER.code) : 'forward');
      const sourceOptions = { retry: { maxAttempts: 2, initialBackoffMs: 5, maxBackoffMs: 10 } };
      const onWorker = await failure(runLoad(jobWith(1), { sourceOptions }));
      const onMain = await failure(runLoad(jobWith(0), { sourceOptions }));
      for (const error of [onWorker, onMain]) {
        assert.ok(error instanceof SourceKafkaError, String(error));
        assert.deepEqual([error.errorName, error.retriable, error.attempts, error.broker], ['NOT_LEADER_OR_FOLLOWER', true, 2, proxy.bootstrap]);
        assert.match(error.message, /^page_views-[01] \(broker 127\.0\.0\.2:\d+\): NOT_LEADER_OR_FOLLOWER: .*\(gave up after 2 attempts\)$/);
      }
    });
  });
});
