import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { run as runCommand } from '../../src/cli/main';
import { KafkaClient } from '../../src/client/kafka-client';
import { RunningBroker, startBroker } from '../helpers/broker';
import { SLUICE_BIN } from '../helpers/cli';
import { registerKafkajsCodecs } from '../helpers/kafkajs-codecs';
import { listFiles, pageView, REPO, START, writeJob } from '../helpers/page-views';
import { run } from '../helpers/processes';
import { useTempDir } from '../helpers/temp-dir';

registerKafkajsCodecs();

const sluice = (args: string[]) => run(process.execPath, [SLUICE_BIN, ...args]);

/** `sluice log dump DIR`, the command's own code run in this process (fifteen node starts would take most of the test). */
async function logDump(dir: string): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runCommand(['log', 'dump', dir], { out: (text) => lines.push(text), err: (text) => lines.push(text) });
  return { code, output: lines.join('\n') };
}
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const KAFKAJS_TYPES = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD };
const CLIENTS = ['librdkafka', 'kafkajs', 'kafka-python'] as const;
const PER_PARTITION = 200;

/** Partition of a producer and codec: each of the 15 pairs has its own. */
const partitionOf = (client: (typeof CLIENTS)[number], codec: (typeof CODECS)[number]) => CLIENTS.indexOf(client) * CODECS.length + CODECS.indexOf(codec);
/** Page views whose user_agent names who sent them and how ("@CODEC@" for kafka-python, which fills it in). */
const values = (label: string, first: number) => Array.from({ length: PER_PARTITION }, (_, i) => JSON.stringify({ ...pageView(first + i, START + (first + i) * 1000), user_agent: label }));

describe('every codec from librdkafka, kafkajs and kafka-python, stored compressed, loads with sluice load and verifies exactly', function () {
  this.timeout(90_000);
  const tmp = useTempDir();
  let running: RunningBroker;
  before(async () => {
    running = await startBroker({ numPartitions: 15 });
    const admin = await KafkaClient.connect(running.bootstrap);
    await admin.createTopic('page_views', 15);
    admin.close();
  });
  after(() => running.stop());

  it('none, gzip, snappy, lz4 and zstd from each client: `sluice log dump` shows the codec, verify is exact, python3-avro and DuckDB read every record back', async () => {
    const sent = new Map<number, string[]>();
    for (const codec of CODECS) {
      const p = partitionOf('librdkafka', codec);
      sent.set(p, values(`librdkafka-${codec}`, p * 1000));
      const kcat = await run('kcat', ['-P', '-b', running.bootstrap, '-t', 'page_views', '-p', String(p), '-z', codec, '-X', 'linger.ms=20'], sent.get(p)!.join('\n') + '\n');
      assert.equal(kcat.code, 0, kcat.stderr);
    }
    const kafka = new Kafka({ clientId: 'sluice-loader-codecs', brokers: [running.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    for (const codec of CODECS) {
      const p = partitionOf('kafkajs', codec);
      sent.set(p, values(`kafkajs-${codec}`, p * 1000));
      for (let i = 0; i < PER_PARTITION; i += 50) {
        await producer.send({ topic: 'page_views', compression: KAFKAJS_TYPES[codec], messages: sent.get(p)!.slice(i, i + 50).map((value) => ({ partition: p, value })) });
      }
    }
    await producer.disconnect();
    const first = partitionOf('kafka-python', 'none');
    const template = values('kafka-python-@CODEC@', 0);
    for (const codec of CODECS) {
      const p = partitionOf('kafka-python', codec);
      sent.set(p, template.map((v) => v.replace('@CODEC@', codec)));
    }
    const python = await run('/usr/bin/python3', [path.join(REPO, 'test/clients/kafka-python-produce.py'), running.bootstrap, 'page_views', String(first), CODECS.join(',')], template.join('\n') + '\n');
    assert.equal(python.code, 0, python.stderr);

    for (const client of CLIENTS) {
      for (const codec of CODECS) {
        const dump = await logDump(path.join(running.dataDir, `page_views-${partitionOf(client, codec)}`));
        assert.equal(dump.code, 0, dump.output);
        const stored = [...dump.output.matchAll(/compression (\w+)/g)].map((m) => m[1]);
        assert.ok(stored.length >= 1);
        assert.deepEqual([...new Set(stored)], [codec], `${client} ${codec}: stored as sent`);
      }
    }

    const job = writeJob(tmp(), { badRecords: { maxPercent: 0 }, files: { maxRecords: 1000 } }, running.bootstrap);
    const load = await sluice(['load', '--job', job]);
    assert.equal(load.code, 0, load.stderr);
    for (let p = 0; p < 15; p++) assert.match(load.stdout, new RegExp(`partition ${p}: offsets 0\\.\\.${PER_PARTITION}, ${PER_PARTITION} records, 0 bad`));
    const verify = await sluice(['verify', '--job', job]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /verify: OK/);

    const table = path.join(tmp(), 'warehouse/page_views');
    const avroFiles = listFiles(table).filter((f) => f.endsWith('.avro')).map((f) => path.join(table, f));
    const avro = await run('/usr/bin/python3', [path.join(REPO, 'test/helpers/read-avro-offsets.py'), ...avroFiles]);
    assert.equal(avro.code, 0, avro.stderr);
    const offsets = new Map<number, number[]>();
    for (const line of avro.stdout.trim().split('\n')) for (const [p, o] of (JSON.parse(line) as { rows: number[][] }).rows) offsets.set(p, [...(offsets.get(p) ?? []), o]);
    for (let p = 0; p < 15; p++) assert.deepEqual(offsets.get(p)?.sort((a, b) => a - b), Array.from({ length: PER_PARTITION }, (_, i) => i), `python3-avro: partition ${p}`);

    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const rows = await duck.runAndReadAll(`SELECT _kafka_partition, _kafka_offset, epoch_ms(ts), user_id, user_agent FROM read_parquet('${table}/parquet/dt=*/hr=*/*.parquet') ORDER BY ALL`);
    duck.closeSync();
    const got = rows.getRows().map(([p, o, ts, user, agent]) => [Number(p), Number(o), Number(ts), user, agent]);
    const expected = [...sent].sort((a, b) => a[0] - b[0]).flatMap(([p, lines]) => lines.map((line, o) => {
      const view = JSON.parse(line) as { ts: number; user_id: string; user_agent: string };
      return [p, o, view.ts, view.user_id, view.user_agent];
    }));
    assert.deepEqual(got, expected, 'DuckDB reads each record back from Parquet with the values sent');
  });
});
