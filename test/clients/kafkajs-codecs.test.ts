import { strict as assert } from 'node:assert';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { RunningBroker, startBroker } from '../helpers/broker';
import { storedCodecs } from '../helpers/stored-codecs';
import { run } from '../helpers/processes';
import { registerKafkajsCodecs } from '../helpers/kafkajs-codecs';

// kcat (librdkafka) is the independent reader of what kafkajs writes with the codecs registered there.
registerKafkajsCodecs();

const CODECS = [
  ['gzip', CompressionTypes.GZIP],
  ['snappy', CompressionTypes.Snappy],
  ['lz4', CompressionTypes.LZ4],
  ['zstd', CompressionTypes.ZSTD],
] as const;

describe('kafkajs with every codec: stored as sent, read back by kafkajs and kcat', function () {
  this.timeout(60_000);
  let running: RunningBroker;
  before(async () => {
    running = await startBroker({ numPartitions: 1, groups: { initialRebalanceDelayMs: 50 } });
  });
  after(() => running.stop());

  it('gzip, snappy, lz4 and zstd batches from kafkajs keep their codec in the log and decode in kafkajs and librdkafka', async () => {
    const kafka = new Kafka({ clientId: 'sluice-codecs', brokers: [running.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const sent = new Map<string, string[]>();
    for (const [name, type] of CODECS) {
      const values = Array.from({ length: 300 }, (_, i) => `${name} record ${i} ${'w'.repeat(i % 60)}`);
      sent.set(`kjs-${name}`, values);
      for (let i = 0; i < values.length; i += 100) {
        await producer.send({ topic: `kjs-${name}`, compression: type, messages: values.slice(i, i + 100).map((value) => ({ value })) });
      }
    }
    await producer.disconnect();

    for (const [name] of CODECS) {
      assert.deepEqual([...new Set(storedCodecs(running.dataDir, `kjs-${name}`))], [name], `${name}: stored with its codec`);
      const kcat = await run('kcat', ['-C', '-b', running.bootstrap, '-t', `kjs-${name}`, '-e', '-q']);
      assert.equal(kcat.code, 0, kcat.stderr);
      assert.deepEqual(kcat.stdout.trimEnd().split('\n'), sent.get(`kjs-${name}`), `${name}: librdkafka reads kafkajs's batches`);
    }

    const consumer = kafka.consumer({ groupId: 'kjs-codecs', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [...sent.keys()], fromBeginning: true });
    const received = new Map<string, string[]>([...sent.keys()].map((topic) => [topic, []]));
    const total = [...sent.values()].reduce((n, v) => n + v.length, 0);
    await new Promise<void>((resolve, reject) => {
      let count = 0;
      const timer = setTimeout(() => reject(new Error(`kafkajs read ${count} of ${total}`)), 30_000);
      consumer.run({
        eachMessage: async ({ topic, message }) => {
          received.get(topic)?.push(message.value?.toString() ?? '');
          if (++count === total) {
            clearTimeout(timer);
            resolve();
          }
        },
      }).catch(reject);
    });
    await consumer.disconnect();
    assert.deepEqual(received, sent, 'kafkajs reads back every record of every codec');
  });
});
