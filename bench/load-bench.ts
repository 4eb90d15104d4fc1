// Load benchmark (npm run bench:load): 1M page-view records (JSON values, 8 fields) in 4 partitions of a
// `sluice broker` child process, loaded end to end (fetch, decode, validate, route by hour, write, commit)
// by a `sluice load` run in a fresh process per format. Peers measured in the same run: DuckDB's own
// NDJSON→Parquet (the native ceiling), avsc encoding alone and parquetjs-lite. Both formats load again from a topic
// where 20% of the records are bad (peak RSS with 200k dead letters). BENCH_LOAD_ONLY=1 stops there. The Avro load runs again over the broker's SASL_SSL
// listener (TLS + SCRAM-SHA-512, certificates made for the run), alternating with plaintext: the cost of security.
// Then the same page views as plain Avro binary values and as Confluent-framed Avro (magic byte, schema id from the
// broker's embedded Schema Registry), each loaded to Avro in alternating rounds: the cost of the framing and of
// writer-schema lookups. BENCH_FRAMED_ONLY=1 runs only that part.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FAST_PATH_ENV } from '../src/pipeline/range-context';
import { measurePeersApart, mixedValue } from './load-peers';
import type { ClientSecurity } from '../src/client/client-security';
import * as avro from 'avsc';
import { KafkaClient } from '../src/client/kafka-client';
import { openSchemaRegistry } from '../src/connector-factory';
import { FileCredentialStore } from '../src/credential-store/file-credential-store';
import { scramCredential, scramMechanismNamed } from '../src/protocol/scram';
import { makeTestCertificates, TestCertificates } from '../test/helpers/test-certificates';
import { buildRecordBatch } from '../src/protocol/records';
import { pageView, START } from '../test/helpers/page-views';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REPO = path.resolve(__dirname, '../..');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const PASSWORD_ENV = 'SLUICE_BENCH_PASSWORD';
/**
 * The page views' event times start at START (2026-11-21), beyond the default 7-day retention since 2026-11-28: the
 * broker's retention check (every 5 minutes) would delete them in the middle of a run.
 */
const KEEP_FOREVER = { 'retention.ms': '-1' };

/** PLAINTEXT on `port`, SASL_SSL on `port + 1`, the Schema Registry on `port + 2`. */
function startBroker(dataDir: string, port: number, certs: TestCertificates): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const args = [
      'broker', '--data-dir', dataDir, '--listeners', `PLAINTEXT://127.0.0.1:${port},SASL_SSL://127.0.0.1:${port + 1}`,
      '--ssl-keystore-location', certs.serverKeystore, '--sasl-enabled-mechanisms', 'SCRAM-SHA-512', '--registry-port', String(port + 2),
    ];
    const child = spawn(process.execPath, [path.join(REPO, 'bin/sluice.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
      if (/listening on/.test(output) && /schema registry at/.test(output)) resolve(() => new Promise((done) => { child.on('close', () => done()); child.kill('SIGTERM'); }));
    });
    child.on('close', (code) => reject(new Error(`broker exited ${code}: ${output}`)));
  });
}

interface LoadResult { records: number; seconds: number; files: number; maxRssMB: number }

type ValueSettings = { topic: string; format: 'json' | 'avro' | 'avro-confluent'; registry?: string; maxBadPercent?: number; perRecord?: boolean };
const JSON_VALUES: ValueSettings = { topic: 'page_views', format: 'json' };

function loadOnce(dir: string, bootstrap: string, format: 'avro' | 'parquet', security: ClientSecurity | null = null, label: string = format, values: ValueSettings = JSON_VALUES): LoadResult {
  const job = {
    name: `bench_${label}`,
    source: { bootstrap, topic: values.topic, ...(security ? { security } : {}) },
    value: { format: values.format, schema: path.join(REPO, 'schemas/page_view.avsc'), ...(values.registry ? { registry: values.registry } : {}) },
    output: { formats: [format], avroCodec: 'deflate', sink: path.join(dir, `warehouse-${label}`), table: 'page_views' },
    time: { field: 'ts' },
    concurrency: 4,
    ...(values.maxBadPercent === undefined ? {} : { badRecords: { maxPercent: values.maxBadPercent } }),
  };
  const file = path.join(dir, `${label}.json`);
  fs.writeFileSync(file, JSON.stringify(job));
  const result = spawnSync(process.execPath, [path.join(REPO, 'dist/bench/load-run.js'), file], { encoding: 'utf8', env: { ...process.env, [PASSWORD_ENV]: 'bench-secret', ...(values.perRecord ? { [FAST_PATH_ENV]: '0' } : {}) } });
  if (result.status !== 0) throw new Error(`load of ${label} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

interface ParquetJsWriter { appendRow(row: Record<string, unknown>): Promise<void>; close(): Promise<void> }
interface ParquetJs {
  ParquetSchema: new (fields: Record<string, { type: string; optional?: boolean }>) => unknown;
  ParquetWriter: { openFile(schema: unknown, file: string): Promise<ParquetJsWriter> };
}

async function parquetjsLite(dir: string, rows: number): Promise<number> {
  const parquet = require('parquetjs-lite') as ParquetJs; // ships no type declarations
  const schema = new parquet.ParquetSchema({
    ts: { type: 'INT64' }, user_id: { type: 'UTF8' }, session_id: { type: 'UTF8' }, page: { type: 'UTF8' },
    referrer: { type: 'UTF8', optional: true }, user_agent: { type: 'UTF8' }, duration_ms: { type: 'INT32' }, country: { type: 'UTF8' },
  });
  const writer = await parquet.ParquetWriter.openFile(schema, path.join(dir, 'parquetjs.parquet'));
  const started = process.hrtime.bigint();
  for (let i = 0; i < rows; i++) {
    const view = pageView(i, START + i);
    await writer.appendRow({ ...view, referrer: view.referrer ?? undefined });
  }
  await writer.close();
  return rows / (Number(process.hrtime.bigint() - started) / 1e9);
}

const rateOf = (r: LoadResult) => r.records / r.seconds;
const medianRate = (runs: LoadResult[]) => runs.map(rateOf).sort((a, b) => a - b)[Math.floor(runs.length / 2)];

/**
 * The page views again, as plain Avro binary (`page_views_avro`) and as Confluent-framed Avro (`page_views_framed`,
 * the schema registered under `page_views_framed-value`), batch for batch the same records. Answers the bytes per plain value.
 */
async function produceAvroTopics(client: KafkaClient, registryUrl: string): Promise<number> {
  const registry = openSchemaRegistry(registryUrl);
  const schemaText = fs.readFileSync(path.join(REPO, 'schemas/page_view.avsc'), 'utf8');
  const id = await registry.register('page_views_framed-value', { schema: schemaText });
  const type = avro.Type.forSchema(JSON.parse(schemaText) as avro.Schema);
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  await client.createTopic('page_views_avro', 4, KEEP_FOREVER);
  await client.createTopic('page_views_framed', 4, KEEP_FOREVER);
  let bytes = 0;
  for (let first = 0; first < RECORDS; first += 1000) {
    const plain = [];
    const framed = [];
    for (let i = first; i < Math.min(RECORDS, first + 1000); i++) {
      const body = type.toBuffer(pageView(i, START + i * 10));
      bytes += body.length;
      const key = Buffer.from(`user-${i % 211}`);
      plain.push({ key, value: body, timestamp: START + i * 10 });
      framed.push({ key, value: Buffer.concat([header, body]), timestamp: START + i * 10 });
    }
    await client.produce('page_views_avro', (first / 1000) % 4, buildRecordBatch(plain));
    await client.produce('page_views_framed', (first / 1000) % 4, buildRecordBatch(framed));
  }
  return bytes / RECORDS;
}

/** Plain and framed Avro values loaded to Avro, alternated (3 rounds each), medians compared. */
function framedVersusPlain(dir: string, bootstrap: string, registryUrl: string, avroBytes: number): void {
  const plain: LoadResult[] = [];
  const framed: LoadResult[] = [];
  for (let round = 0; round < 3; round++) {
    plain.push(loadOnce(dir, bootstrap, 'avro', null, `avro_values${round}`, { topic: 'page_views_avro', format: 'avro' }));
    framed.push(loadOnce(dir, bootstrap, 'avro', null, `framed_values${round}`, { topic: 'page_views_framed', format: 'avro-confluent', registry: registryUrl }));
  }
  console.log(`plain Avro values (${Math.round(avroBytes)} bytes) → Avro: ${plain.map((r) => fmt(rateOf(r))).join(', ')} records/s (median ${fmt(medianRate(plain))})`);
  console.log(`Confluent-framed Avro values (${Math.round(avroBytes) + 5} bytes, registry ${registryUrl}) → Avro: ${framed.map((r) => fmt(rateOf(r))).join(', ')} records/s (median ${fmt(medianRate(framed))})`);
  console.log(`framed / plain = ${(medianRate(framed) / medianRate(plain)).toFixed(3)}   target ≥ 0.80`);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'sluice-load-bench-'));
  const port = Number(process.env.BENCH_PORT ?? 19098);
  const certs = makeTestCertificates(fs.mkdtempSync(path.join(dir, 'certs-')));
  FileCredentialStore.open(path.join(dir, 'broker')).apply([{ user: 'bench', mechanism: 'SCRAM-SHA-512', credential: scramCredential(scramMechanismNamed('SCRAM-SHA-512')!, 'bench-secret') }]);
  const stopBroker = await startBroker(path.join(dir, 'broker'), port, certs);
  const secured: ClientSecurity = {
    'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.username': 'bench', 'sasl.password.env': PASSWORD_ENV, 'ssl.ca.location': certs.caCert,
  };
  try {
    const bootstrap = `127.0.0.1:${port}`;
    const client = await KafkaClient.connect(bootstrap);
    await client.createTopic('page_views', 4, KEEP_FOREVER);
    const lines: string[] = [];
    for (let first = 0; first < RECORDS; first += 1000) {
      const records = [];
      for (let i = first; i < Math.min(RECORDS, first + 1000); i++) {
        const line = JSON.stringify(pageView(i, START + i * 10)); // ~2.8 hours of event time
        lines.push(line);
        records.push({ key: Buffer.from(`user-${i % 211}`), value: Buffer.from(line), timestamp: START + i * 10 });
      }
      await client.produce('page_views', (first / 1000) % 4, buildRecordBatch(records));
    }
    if (process.env.BENCH_FRAMED_ONLY !== '1') {
      await client.createTopic('page_views_mixed', 4, KEEP_FOREVER);
      for (let first = 0; first < RECORDS; first += 1000) {
        const records = [];
        for (let i = first; i < Math.min(RECORDS, first + 1000); i++) records.push({ key: Buffer.from(`user-${i % 211}`), value: mixedValue(i, lines[i]), timestamp: START + i * 10 });
        await client.produce('page_views_mixed', (first / 1000) % 4, buildRecordBatch(records));
      }
    }
    const registryUrl = `http://127.0.0.1:${port + 2}`;
    const avroBytes = await produceAvroTopics(client, registryUrl);
    client.close();
    console.log(`machine: ${os.cpus().length} x ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB RAM, node ${process.version}`);
    console.log(`${fmt(RECORDS)} page views (JSON, ${Math.round(lines.reduce((s, l) => s + l.length, 0) / RECORDS)} bytes each) in 4 partitions\n`);
    if (process.env.BENCH_FRAMED_ONLY === '1') {
      framedVersusPlain(dir, bootstrap, registryUrl, avroBytes);
      return;
    }
    // Each load and its peer in turn, BENCH_ROUNDS times (the order flipped every round): this machine's speed moves
    // by 2-3x from minute to minute, so each ratio is of a load and its peer measured one after the other.
    const { duckdbNative: measureNative, avscAlone: measureAvsc } = measurePeersApart(dir, lines, path.join(REPO, 'schemas/page_view.avsc'));
    const rounds: { avro: LoadResult; avsc: number; parquet: LoadResult; native: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const pair = async <T>(load: () => T, peer: () => number | Promise<number>): Promise<[T, number]> => {
        if (round % 2 === 0) return [load(), await peer()];
        const peerRate = await peer();
        return [load(), peerRate];
      };
      const [avroRun, avsc] = await pair(() => loadOnce(dir, bootstrap, 'avro', null, `avro${round}`), measureAvsc);
      const [parquetRun, native] = await pair(() => loadOnce(dir, bootstrap, 'parquet', null, `parquet${round}`), measureNative);
      rounds.push({ avro: avroRun, avsc, parquet: parquetRun, native });
    }
    const middle = <T>(items: T[], by: (item: T) => number): T => [...items].sort((a, b) => by(a) - by(b))[Math.floor(items.length / 2)];
    const avroRatio = (r: (typeof rounds)[number]) => rateOf(r.avro) / r.avsc;
    const parquetRatio = (r: (typeof rounds)[number]) => rateOf(r.parquet) / r.native;
    const avroMedian = middle(rounds, avroRatio);
    const parquetMedian = middle(rounds, parquetRatio);
    const { avro, avsc: avscAlone } = avroMedian;
    const { parquet, native } = parquetMedian;
    const eachRound = (ratio: (r: (typeof rounds)[number]) => number) => rounds.map((r) => ratio(r).toFixed(2)).join(', ');
    const mixed: ValueSettings = { topic: 'page_views_mixed', format: 'json', maxBadPercent: 25 };
    const avroMixed = loadOnce(dir, bootstrap, 'avro', null, 'avro_mixed', mixed);
    const parquetMixed = loadOnce(dir, bootstrap, 'parquet', null, 'parquet_mixed', mixed);
    const parquetjs = await parquetjsLite(dir, 100_000);
    const avroPerRecord = loadOnce(dir, bootstrap, 'avro', null, 'avro_per_record', { ...JSON_VALUES, perRecord: true });
    const parquetPerRecord = loadOnce(dir, bootstrap, 'parquet', null, 'parquet_per_record', { ...JSON_VALUES, perRecord: true });
    const row = (label: string, r: LoadResult, ratio: string) =>
      console.log(`${label}: ${fmt(r.records / r.seconds)} records/s (${r.records} records, ${r.files} files, ${r.seconds.toFixed(2)} s), peak RSS ${Math.round(r.maxRssMB)} MB (≤ 512 MB)${ratio}`);
    console.log(`${ROUNDS} rounds, each load beside its peer; the round with the median ratio:`);
    row('sluice load → Parquet (zstd)', parquet, `; / DuckDB native ${fmt(native)} rows/s = ${parquetRatio(parquetMedian).toFixed(2)} (target ≥ 0.5; rounds: ${eachRound(parquetRatio)})`);
    row('sluice load → Avro (deflate)', avro, `; / avsc encoding alone ${fmt(avscAlone)} rows/s = ${avroRatio(avroMedian).toFixed(2)} (target ≥ 1,000,000/s or ≥ 1.1; rounds: ${eachRound(avroRatio)})`);
    const rates = (side: (r: (typeof rounds)[number]) => LoadResult, peer: (r: (typeof rounds)[number]) => number) => rounds.map((r) => `${fmt(rateOf(side(r)))} / ${fmt(peer(r))}`).join(', ');
    console.log(`every round, records/s / peer rows/s: Parquet ${rates((r) => r.parquet, (r) => r.native)}; Avro ${rates((r) => r.avro, (r) => r.avsc)}`);
    console.log(`peak RSS over the rounds: Parquet ${Math.round(Math.max(...rounds.map((r) => r.parquet.maxRssMB)))} MB, Avro ${Math.round(Math.max(...rounds.map((r) => r.avro.maxRssMB)))} MB (≤ 512 MB)`);
    row('20% bad → Parquet', parquetMixed, `; ${fmt(RECORDS - parquetMixed.records)} dead letters`);
    row('20% bad → Avro', avroMixed, `; ${fmt(RECORDS - avroMixed.records)} dead letters`);
    row(`per-record path (${FAST_PATH_ENV}=0) → Parquet`, parquetPerRecord, `; fast / per-record = ${(rateOf(parquet) / rateOf(parquetPerRecord)).toFixed(2)}`);
    row(`per-record path (${FAST_PATH_ENV}=0) → Avro`, avroPerRecord, `; fast / per-record = ${(rateOf(avro) / rateOf(avroPerRecord)).toFixed(2)}`);
    console.log(`peer: parquetjs-lite (100k rows, uncompressed): ${fmt(parquetjs)} rows/s; sluice Parquet / parquetjs-lite = ${(parquet.records / parquet.seconds / parquetjs).toFixed(1)}`);
    if (process.env.BENCH_LOAD_ONLY === '1') return;
    // Alternated, so a slower moment of a shared machine does not land on one side only; each table is fresh.
    const rate = (r: LoadResult) => r.records / r.seconds;
    const plain: LoadResult[] = [];
    const sasl: LoadResult[] = [];
    for (let round = 0; round < 3; round++) {
      plain.push(loadOnce(dir, bootstrap, 'avro', null, `plain${round}`));
      sasl.push(loadOnce(dir, `127.0.0.1:${port + 1}`, 'avro', secured, `sasl${round}`));
    }
    const median = (runs: LoadResult[]) => runs.map(rate).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    console.log(`Avro over PLAINTEXT: ${plain.map((r) => fmt(rate(r))).join(', ')} records/s (median ${fmt(median(plain))})`);
    console.log(`Avro over SASL_SSL (TLS 1.3, SCRAM-SHA-512): ${sasl.map((r) => fmt(rate(r))).join(', ')} records/s (median ${fmt(median(sasl))})`);
    console.log(`SASL_SSL / PLAINTEXT = ${(median(sasl) / median(plain)).toFixed(3)}   target ≥ 0.85`);
    framedVersusPlain(dir, bootstrap, registryUrl, avroBytes);
  } finally {
    await stopBroker();
    certs.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
