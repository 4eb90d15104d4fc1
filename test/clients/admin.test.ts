import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { KafkaClient } from '../../src/client/kafka-client';
import { buildRecordBatch } from '../../src/protocol/records';
import { RunningBroker, startBroker } from '../helpers/broker';
import { BrokerProcess, freePort, spawnBroker } from '../helpers/broker-process';
import { withUnsetMaxTimestamp } from '../helpers/batches';
import { run } from '../helpers/processes';

const PYTHON = '/usr/bin/python3'; // Debian's, which has python3-confluent-kafka and python3-kafka
const CONFLUENT_SCRIPT = path.resolve(__dirname, '../../../test/clients/confluent-admin.py');
const LIBRDKAFKA_DELETE_RECORDS = path.resolve(__dirname, '../../../test/clients/librdkafka-delete-records.py');
const PLATFORMATIC_SCRIPT = path.resolve(__dirname, '../../../test/clients/platformatic-admin.mjs');
const REPO = path.resolve(__dirname, '../../..');
const HOUR = 3600_000;

interface ConfluentReport {
  created: Record<string, string | [string, string]>;
  topic: Record<string, [string, number, boolean, [string, string, number][]]>;
  broker: Record<string, [string, number]>;
  altered: Record<string, string>;
  after_alter: Record<string, [string, number]>;
  bad_alter: [string, string][];
  grown: Record<string, string>;
  shrunk: [string, string][];
  partitions: number;
  stamps: Record<string, [string, number][]>;
  window: [number, number];
}

describe('admin APIs from unmodified clients (confluent-kafka AdminClient, kafkajs admin, @platformatic/kafka, kcat, kafka-python)', function () {
  this.timeout(60_000);

  describe('against one broker', () => {
    let running: RunningBroker;
    beforeEach(async () => {
      running = await startBroker({ numPartitions: 1 });
    });
    afterEach(async () => running.stop());

    it('confluent-kafka: topic configs validated, describe (sources, synonyms) and legacy alter configs, create partitions, delete records, LogAppendTime timestamps', async () => {
      const result = await run(PYTHON, [CONFLUENT_SCRIPT, running.bootstrap]);
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout) as ConfluentReport;
      assert.deepEqual(report.created['cf-compact'], 'ok', 'cleanup.policy, compression.type and message.timestamp.type=CreateTime are accepted');
      assert.deepEqual(report.created['cf-bad-ratio'][0], 'INVALID_CONFIG');
      assert.match(report.created['cf-bad-ratio'][1], /min\.cleanable\.dirty\.ratio.*no less than 0 and no more than 1/);
      assert.match(report.created['cf-bad-name'][1], /Unknown topic config name: retention\.msec/);
      assert.equal(Object.keys(report.topic).length, 36, 'every topic config described');
      assert.deepEqual(report.topic['cleanup.policy'], ['compact,delete', 1, false, [['cleanup.policy', 'compact,delete', 1], ['log.cleanup.policy', 'delete', 5]]]);
      assert.deepEqual(report.topic['retention.ms'].slice(0, 3), ['604800000', 5, true], 'a default: DEFAULT_CONFIG');
      assert.deepEqual(report.broker['log.retention.ms'], ['604800000', 5]);
      assert.deepEqual(report.broker['broker.id'], ['0', 4]);
      assert.deepEqual(report.after_alter, { 'retention.ms': ['123456', 1], 'cleanup.policy': ['compact', 1], 'compression.type': ['producer', 5] }, 'legacy AlterConfigs replaces the whole set');
      assert.equal(report.bad_alter[0][0], 'INVALID_CONFIG');
      assert.match(report.bad_alter[0][1], /segment\.bytes.*Value must be at least 14/);
      assert.equal(report.grown['cf-grow'], 'ok');
      assert.equal(report.partitions, 5);
      assert.equal(report.shrunk[0][0], 'INVALID_PARTITIONS');
      const [from, to] = report.window;
      assert.equal(report.stamps['cf-stamped'].length, 5);
      for (const [type, stamp] of report.stamps['cf-stamped']) {
        assert.equal(type, 'LogAppendTime');
        assert.ok(stamp >= from && stamp <= to, `broker time ${stamp} within [${from}, ${to}], not the producer's 1000000`);
      }
      assert.deepEqual(report.stamps['cf-compact'], [0, 1, 2, 3, 4].map((i) => ['CreateTime', 1_000_000 + i]));
      const kcat = await run('kcat', ['-b', running.bootstrap, '-t', 'cf-stamped', '-C', '-e', '-q', '-f', '%T %s\n']);
      assert.equal(kcat.code, 0, kcat.stderr);
      const lines = kcat.stdout.trim().split('\n').map((line) => line.split(' '));
      assert.equal(lines.length, 5);
      for (const [stamp] of lines) assert.ok(Number(stamp) >= from && Number(stamp) <= to, `kcat %T ${stamp}`);
      const all = await run('kcat', ['-b', running.bootstrap, '-t', 'cf-isr', '-P', '-X', 'acks=all', '-X', 'message.send.max.retries=0'], 'x\n');
      assert.equal(all.code, 1);
      assert.match(all.stderr, /Delivery failed for message: Broker: Not enough in-sync replicas/, 'min.insync.replicas 2 on one broker, acks=all');
      const one = await run('kcat', ['-b', running.bootstrap, '-t', 'cf-isr', '-P', '-X', 'acks=1'], 'x\n');
      assert.equal(one.code, 0, one.stderr);

      // DeleteRecords: confluent_kafka 1.7 has no delete_records, so through its librdkafka's rd_kafka_DeleteRecords.
      const deleteRecords = async (offset: number) => {
        const answered = await run(PYTHON, [LIBRDKAFKA_DELETE_RECORDS, running.bootstrap, 'cf-compact', '0', String(offset)]);
        assert.equal(answered.code, 0, answered.stderr);
        return JSON.parse(answered.stdout) as { error: string; partitions: [number, number, string][] };
      };
      assert.deepEqual(await deleteRecords(3), { error: 'NO_ERROR', partitions: [[0, 3, 'NO_ERROR']] });
      assert.deepEqual(await deleteRecords(99), { error: 'NO_ERROR', partitions: [[0, -1, 'OFFSET_OUT_OF_RANGE']] });
      const rest = await run('kcat', ['-b', running.bootstrap, '-t', 'cf-compact', '-C', '-e', '-q', '-f', '%o:%s\n']);
      assert.deepEqual(rest.stdout.trim().split('\n'), ['3:created-3', '4:created-4']);
    });

    it('kafkajs: create partitions, describe and alter configs, delete records, offsets by timestamp', async () => {
      const kafka = new Kafka({ clientId: 'sluice-admin-test', brokers: [running.bootstrap], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      const producer = kafka.producer();
      await producer.connect();
      try {
        await assert.rejects(
          admin.createTopics({ topics: [{ topic: 'kj-bad', configEntries: [{ name: 'message.timestamp.type', value: 'WallClock' }] }] }),
          (error: Error & { errors?: { type: string }[] }) => /INVALID_CONFIG|configuration is invalid/i.test(`${error.errors?.[0]?.type ?? ''} ${error.message}`),
        );
        assert.ok(await admin.createTopics({ topics: [{ topic: 'kj', numPartitions: 1, configEntries: [{ name: 'retention.bytes', value: '1048576' }] }] }));
        await admin.createPartitions({ topicPartitions: [{ topic: 'kj', count: 3 }] });
        const metadata = await admin.fetchTopicMetadata({ topics: ['kj'] });
        assert.equal(metadata.topics[0].partitions.length, 3);

        await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kj', configEntries: [{ name: 'segment.ms', value: '3600000' }] }] });
        const described = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kj', configNames: ['segment.ms', 'retention.bytes'] }] });
        const entries = described.resources[0].configEntries.map((e) => [e.configName, e.configValue, e.isDefault, e.configSource]);
        assert.deepEqual(entries, [['retention.bytes', '-1', true, 5], ['segment.ms', '3600000', false, 1]], 'legacy AlterConfigs: retention.bytes went back to its default');
        await assert.rejects(
          admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kj', configEntries: [{ name: 'retention.ms', value: 'forever' }] }] }),
          /INVALID_CONFIG|invalid/i,
        );

        const t0 = Date.now() - HOUR;
        await producer.send({ topic: 'kj', acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `m${i}`, timestamp: String(t0 + i * 1000) })) });
        const byTime = await admin.fetchTopicOffsetsByTimestamp('kj', t0 + 4500);
        assert.deepEqual(byTime.find((p) => p.partition === 0)?.offset, '5');
        await admin.deleteTopicRecords({ topic: 'kj', partitions: [{ partition: 0, offset: '7' }] });
        const offsets = await admin.fetchTopicOffsets('kj');
        assert.deepEqual(offsets.filter((p) => p.partition === 0).map((p) => [p.low, p.high]), [['7', '10']]);
        const kcat = await run('kcat', ['-b', running.bootstrap, '-t', 'kj', '-p', '0', '-C', '-o', 'beginning', '-e', '-q', '-f', '%o:%s\n']);
        assert.deepEqual(kcat.stdout.trim().split('\n'), ['7:m7', '8:m8', '9:m9'], 'kcat reads from the new log start');
      } finally {
        await producer.disconnect();
        await admin.disconnect();
      }
    });
  });

  describe('@platformatic/kafka', () => {
    let running: RunningBroker;
    beforeEach(async () => {
      running = await startBroker({ numPartitions: 1 });
    });
    afterEach(async () => running.stop());

    it('IncrementalAlterConfigs SET, DELETE, APPEND, SUBTRACT; DescribeConfigs with synonyms and documentation; CreatePartitions; DeleteRecords; ListOffsets max timestamp', async () => {
      const result = await run(process.execPath, [PLATFORMATIC_SCRIPT, running.bootstrap], undefined, { cwd: REPO });
      assert.equal(result.code, 0, result.stderr);
      type Described = Record<string, { value: string; source: number; type: number; synonyms: [string, string, number][]; documented: boolean }>;
      const report = JSON.parse(result.stdout) as Record<string, Described> & { appendToLongError: [string, string][]; badValueError: [string, string][]; partitions: number; lowWatermark: number; maxTimestamp: [number, number]; earliest: number };
      assert.deepEqual(report.before['cleanup.policy'], { value: 'compact', source: 1, type: 7, synonyms: [['cleanup.policy', 'compact', 1], ['log.cleanup.policy', 'delete', 5]], documented: true });
      assert.deepEqual([report.before['retention.ms'].value, report.before['retention.ms'].source], ['86400000', 1]);
      assert.deepEqual(report.afterAppend['cleanup.policy'].value, 'compact,delete', 'APPEND');
      assert.deepEqual([report.afterAppend['retention.ms'].value, report.afterAppend['retention.ms'].source], ['604800000', 5], 'DELETE: back to the default');
      assert.deepEqual([report.afterAppend['segment.ms'].value, report.afterAppend['segment.ms'].source], ['3600000', 1], 'SET');
      assert.equal(report.afterSubtract['cleanup.policy'].value, 'delete', 'SUBTRACT');
      assert.equal(report.appendToLongError[0][0], 'INVALID_CONFIG');
      assert.match(report.appendToLongError[0][1], /Config value append is not allowed for config key: segment\.ms/);
      assert.equal(report.badValueError[0][0], 'INVALID_CONFIG');
      assert.match(report.badValueError[0][1], /min\.insync\.replicas.*Value must be at least 1/);
      assert.deepEqual([report.unchanged['min.insync.replicas'].value, report.unchanged['segment.ms'].value], ['1', '3600000'], 'a refused change changes nothing');
      assert.equal(report.partitions, 3);
      assert.deepEqual([report.lowWatermark, report.earliest], [2, 2]);
      assert.deepEqual(report.maxTimestamp, [3, 5000], 'the record with the largest timestamp, not the last');
    });
  });

  describe('a broker child process', () => {
    let broker: BrokerProcess | undefined;
    let dataDir: string;
    beforeEach(() => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-admin-'));
    });
    afterEach(() => {
      broker?.child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    const start = async (port: number) => (broker = await spawnBroker(['--data-dir', dataDir, '--port', String(port)]));
    const kill = async () => {
      broker!.child.kill('SIGKILL');
      await broker!.exited;
    };

    it('DeleteRecords (kafkajs) moves the log start durably: after kill -9 and a restart kcat still starts there', async () => {
      const port = await freePort();
      await start(port);
      const bootstrap = `127.0.0.1:${port}`;
      const kafka = new Kafka({ clientId: 'sluice-admin-durable', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'durable', numPartitions: 1 }] });
      const produced = await run('kcat', ['-b', bootstrap, '-t', 'durable', '-P', '-X', 'acks=all'], Array.from({ length: 10 }, (_, i) => `r${i}`).join('\n') + '\n');
      assert.equal(produced.code, 0, produced.stderr);
      assert.deepEqual((await admin.fetchTopicOffsets('durable')).map((p) => [p.low, p.high]), [['0', '10']]); // kafkajs finds leaders only in metadata it already holds
      await admin.deleteTopicRecords({ topic: 'durable', partitions: [{ partition: 0, offset: '6' }] });
      await admin.disconnect();
      await kill();
      await start(port);
      const consumed = await run('kcat', ['-b', bootstrap, '-t', 'durable', '-C', '-o', 'beginning', '-e', '-q', '-f', '%o:%s\n']);
      assert.equal(consumed.code, 0, consumed.stderr);
      assert.deepEqual(consumed.stdout.trim().split('\n'), ['6:r6', '7:r7', '8:r8', '9:r9']);
      const after = kafka.admin();
      await after.connect();
      assert.deepEqual((await after.fetchTopicOffsets('durable')).map((p) => [p.low, p.high]), [['6', '10']]);
      await after.disconnect();
    });

    it('batches whose maxTimestamp is -1 (as sarama writes them) survive retention at 7 days and kill -9; kafka-python offsets_for_times answers right', async () => {
      const port = await freePort();
      await start(port);
      const bootstrap = `127.0.0.1:${port}`;
      const client = await KafkaClient.connect(bootstrap);
      await client.createTopic('sarama-like', 1);
      const t0 = Date.now() - 3 * HOUR;
      for (let b = 0; b < 3; b++) {
        const records = Array.from({ length: 4 }, (_, i) => ({ value: Buffer.from(`b${b}r${i}`), timestamp: t0 + b * HOUR + i * 1000 }));
        await client.produce('sarama-like', 0, withUnsetMaxTimestamp(buildRecordBatch(records, 0, t0)));
      }
      client.close();
      await kill();
      await start(port); // recovers the log: no clean shutdown
      await kill();
      // In process, so that retention (every 5 minutes in the CLI) can be run now.
      const running = await startBroker({ dataDir, port });
      assert.equal(running.broker.logs.topicConfig('sarama-like').retentionMs, 7 * 24 * HOUR);
      assert.equal(running.broker.logs.enforceRetention(), 0, 'no segment is past 7 days');
      const bootstrap2 = running.bootstrap;
      const script = [
        'import json, sys',
        'from kafka import KafkaConsumer, TopicPartition',
        'c = KafkaConsumer(bootstrap_servers=sys.argv[1])',
        'tp = TopicPartition("sarama-like", 0)',
        't0 = int(sys.argv[2])',
        'asks = {"first": t0, "mid": t0 + 3600000 + 1500, "last": t0 + 7200000 + 3000, "after": t0 + 7200000 + 3001}',
        'found = {k: c.offsets_for_times({tp: v})[tp] for k, v in asks.items()}',
        'print(json.dumps({"begin": c.beginning_offsets([tp])[tp], "end": c.end_offsets([tp])[tp], **{k: (v.offset, v.timestamp) if v else None for k, v in found.items()}}))',
      ].join('\n');
      const answered = await run(PYTHON, ['-c', script, bootstrap2, String(t0)]);
      await running.stop();
      assert.equal(answered.code, 0, answered.stderr);
      assert.deepEqual(JSON.parse(answered.stdout), {
        begin: 0, end: 12, first: [0, t0], mid: [6, t0 + HOUR + 2000], last: [11, t0 + 2 * HOUR + 3000], after: null,
      });
    });
  });
});
