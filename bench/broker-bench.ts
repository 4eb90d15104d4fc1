// Broker benchmark (npm run bench:broker): kcat (librdkafka) produces 100-byte messages with
// acks=1 into 4 partitions of a `sluice broker` child process and consumes them back;
// redis-benchmark XADD against a local redis-server with appendonly is the peer, same run.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KafkaClient } from '../src/client/kafka-client';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2_000_000);
const MESSAGE_BYTES = 100;
const SLUICE = path.resolve(__dirname, '../../bin/sluice.js');

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function writeMessages(file: string): void {
  const line = Buffer.alloc(MESSAGE_BYTES + 1, 'x');
  line[MESSAGE_BYTES] = 10;
  const chunk = Buffer.alloc(line.length * 10_000);
  for (let i = 0; i < 10_000; i++) line.copy(chunk, i * line.length);
  const fd = fs.openSync(file, 'w');
  for (let written = 0; written < MESSAGES; written += 10_000) {
    for (let i = 0; i < 10_000; i++) chunk.write(String(written + i).padStart(12, '0'), i * line.length);
    fs.writeSync(fd, chunk, 0, Math.min(10_000, MESSAGES - written) * line.length);
  }
  fs.closeSync(fd);
}

/** Runs a command to completion and returns how long it took; fails loudly on a non-zero exit. */
function timed(command: string, args: string[], stdinFile?: string): number {
  const start = process.hrtime.bigint();
  const input = stdinFile ? fs.openSync(stdinFile, 'r') : 'ignore';
  const result = spawnSync(command, args, { stdio: [input, 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const elapsed = seconds(start);
  if (typeof input === 'number') fs.closeSync(input);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

class MissingCommandError extends Error {}

/** The commands the benchmark runs, each found on PATH before anything starts, or an error naming what to install. */
function requireCommands(): void {
  const needed: [string, string][] = [['kcat', 'kcat'], ['redis-server', 'redis-server'], ['redis-benchmark', 'redis-tools']];
  const missing = needed.filter(([command]) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0);
  if (missing.length > 0) {
    throw new MissingCommandError(`bench:broker needs ${missing.map(([c]) => c).join(', ')} on PATH (Debian: apt-get install ${[...new Set(missing.map(([, p]) => p))].join(' ')})`);
  }
}

function startProcess(command: string, args: string[], ready: RegExp): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        resolve(() => new Promise((done) => {
          child.on('close', () => done());
          child.kill('SIGTERM');
        }));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => reject(new Error(`${command} did not start: ${error.message}`)));
    child.on('close', (code) => reject(new Error(`${command} exited ${code}: ${output}`)));
  });
}

function redisXaddRate(dir: string): number {
  const port = 16379;
  const value = 'v'.repeat(MESSAGE_BYTES);
  const result = spawnSync('redis-benchmark', ['-p', String(port), '-c', '1', '-P', '200', '-n', '1000000', '-q', 'XADD', 'bench', '*', 'value', value], { encoding: 'utf8' });
  void dir;
  const match = /([\d.]+) requests per second/.exec(result.stdout);
  if (!match) throw new Error(`redis-benchmark said: ${result.stdout} ${result.stderr}`);
  return Number(match[1]);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'sluice-broker-bench-'));
  const out = (line: string) => console.log(line);
  const stops: (() => Promise<void>)[] = [];
  try {
    requireCommands();
    out(`machine: ${os.cpus().length} x ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB RAM, node ${process.version}`);
    out(`kcat: ${spawnSync('kcat', ['-V'], { encoding: 'utf8' }).stdout.split('\n').find((l) => l.includes('librdkafka')) ?? 'unknown version'}`);
    const messages = path.join(dir, 'messages.txt');
    writeMessages(messages);
    const port = 19099;
    stops.push(await startProcess(process.execPath, [SLUICE, 'broker', '--data-dir', path.join(dir, 'data'), '--port', String(port),
      // The group figure measures consuming, not Kafka's 3 s wait for more members of a new group.
      '--group-initial-rebalance-delay-ms', '0'], /listening on/));
    const bootstrap = `127.0.0.1:${port}`;
    const client = await KafkaClient.connect(bootstrap);
    await client.createTopic('bench', 4);

    const produce = timed('kcat', ['-b', bootstrap, '-t', 'bench', '-P', '-X', 'acks=1'], messages);
    let stored = 0;
    for (let p = 0; p < 4; p++) stored += (await client.offsetFor('bench', p, -1)).offset;
    client.close();
    if (stored !== MESSAGES) throw new Error(`${stored} messages stored, ${MESSAGES} sent`);
    const consume = timed('kcat', ['-b', bootstrap, '-t', 'bench', '-C', '-e', '-q', '-o', 'beginning', '-c', String(MESSAGES), '-f', '']);
    const consumePrinting = timed('kcat', ['-b', bootstrap, '-t', 'bench', '-C', '-e', '-q', '-o', 'beginning', '-c', String(MESSAGES), '-f', '%o\\n']);
    // One member of a new group: FindCoordinator, JoinGroup, SyncGroup, OffsetFetch, then fetching, committing at close.
    const consumeGroup = timed('kcat', ['-b', bootstrap, '-G', 'bench-group', 'bench', '-e', '-q', '-f', '', '-X', 'auto.offset.reset=earliest']);
    await stops.pop()!();

    stops.push(await startProcess('redis-server', ['--port', '16379', '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''], /Ready to accept connections/));
    const redis = redisXaddRate(dir);
    await stops.pop()!();

    const produceRate = MESSAGES / produce;
    out(`\n${fmt(MESSAGES)} messages of ${MESSAGE_BYTES} bytes, 4 partitions, acks=1`);
    out(`produce (kcat -P):                         ${fmt(produceRate)} msg/s (${produce.toFixed(2)} s)   target ≥ 800,000`);
    out(`consume (kcat -C -e, no per-message output): ${fmt(MESSAGES / consume)} msg/s (${consume.toFixed(2)} s)   target ≥ 1,500,000`);
    out(`consume (kcat -C -e -f '%o\\n'):             ${fmt(MESSAGES / consumePrinting)} msg/s (kcat's own formatting is the limit here)`);
    out(`consume in a group (kcat -G -e, join and commit included): ${fmt(MESSAGES / consumeGroup)} msg/s (${consumeGroup.toFixed(2)} s)`);
    out(`peer: redis-benchmark XADD, 1 client, pipeline 200, appendonly everysec: ${fmt(redis)} msg/s`);
    out(`ratio sluice produce / redis XADD: ${(produceRate / redis).toFixed(2)}   target ≥ 4 (same run)`);
  } finally {
    for (const stop of stops.reverse()) await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof MissingCommandError ? error.message : error);
  process.exitCode = 1;
});
