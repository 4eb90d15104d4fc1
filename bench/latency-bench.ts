// Latency benchmark (npm run bench:latency): end-to-end produce → consume latency of 100-byte messages through a
// `sluice broker` child process, with librdkafka on both ends (bench/latency-probe.py, Debian's python3-confluent-kafka:
// acks=1, linger.ms=0, Nagle off), at 1k, 10k and 100k msg/s; then at 1k msg/s while `sluice load` reads a
// 1.5M-record backlog from the same broker, against the same rate without the load right before it. Beside each
// figure: the broker's event-loop delay over that phase (prom-client's monitorEventLoopDelay, read off /metrics,
// which resets it at every scrape), and the CPU of the broker and of each probe process (is the probe the limit?).
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KafkaClient } from '../src/client/kafka-client';
import { pageView, START } from '../test/helpers/page-views';

const REPO = path.resolve(__dirname, '../..');
const PROBE = path.join(REPO, 'bench/latency-probe.py');
const PYTHON = '/usr/bin/python3';
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 1_500_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 20);
const RATES = (process.env.BENCH_RATES ?? '1000,10000,100000').split(',').filter(Boolean).map(Number);
const PORT = Number(process.env.BENCH_PORT ?? 19097);
const LOAD_NICE = Number(process.env.BENCH_LOAD_NICE ?? 0);
/** BENCH_LOAD_WORKERS=1: the load job's workerThreads (the job's default when unset). */
const LOAD_WORKERS = process.env.BENCH_LOAD_WORKERS === undefined ? undefined : Number(process.env.BENCH_LOAD_WORKERS);
/** BENCH_LOAD_IDLE=1: the load under SCHED_IDLE (`chrt --idle 0`), which runs only on a core nothing else wants. */
const LOAD_IDLE = process.env.BENCH_LOAD_IDLE === '1';

interface Percentiles { p50: number; p99: number; p999: number }
interface Latency extends Percentiles {
  expected: number; received: number; max: number;
  /** On a LogAppendTime topic (BENCH_TOPIC_CONFIG): producer → broker append, and broker append → consumer. */
  toAppend?: Percentiles; fromAppend?: Percentiles;
}
interface LoopDelay { p50: number; p90: number; p99: number; max: number }
/** CPU over a phase, in cores (1 = one core busy all the time). */
interface CpuUse { broker: number; producer: number; consumer: number }

/** A process's user + system CPU seconds so far (Linux /proc; clock ticks are 100 a second). */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function startBroker(dataDir: string): Promise<{ stop: () => Promise<void>; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const args = ['broker', '--data-dir', dataDir, '--port', String(PORT), '--metrics-port', String(PORT + 1), '--num-partitions', '1'];
    // BENCH_BROKER_NODE_ARGS=--trace-gc BENCH_BROKER_STDOUT=/tmp/gc.log: what the broker's node prints goes to a file.
    const stdout = process.env.BENCH_BROKER_STDOUT ? fs.openSync(process.env.BENCH_BROKER_STDOUT, 'w') : 'ignore';
    const child = spawn(process.execPath, [...(process.env.BENCH_BROKER_NODE_ARGS ?? '').split(' ').filter(Boolean), path.join(REPO, 'bin/sluice.js'), ...args], { stdio: ['ignore', stdout, 'pipe'] });
    let output = '';
    child.stderr!.on('data', (c: Buffer) => {
      output += c.toString();
      if (/listening on/.test(output) && /metrics for Prometheus/.test(output)) {
        resolve({ child, stop: () => new Promise((done) => { child.on('close', () => done()); child.kill('SIGTERM'); }) });
      }
    });
    child.on('close', (code) => reject(new Error(`broker exited ${code}: ${output}`)));
  });
}

/** prom-client samples with a 10 ms timer, and Node's histogram records the whole interval: this much is no delay. */
const LOOP_RESOLUTION_MS = 10;

/** The event-loop delay since the previous scrape (prom-client resets its histogram at each one), in ms past the timer's 10 ms. */
async function loopDelay(): Promise<LoopDelay> {
  const text = await (await fetch(`http://127.0.0.1:${PORT + 1}/metrics`)).text();
  const read = (name: string) => {
    const match = new RegExp(`^nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text);
    if (!match) throw new Error(`no nodejs_eventloop_lag_${name}_seconds in /metrics`);
    return Math.max(0, Number(match[1]) * 1000 - LOOP_RESOLUTION_MS);
  };
  return { p50: read('p50'), p90: read('p90'), p99: read('p99'), max: read('max') };
}

/**
 * A bare node process beside the benchmark, doing nothing but its 10 ms timer: the machine's own event-loop delay
 * floor (the VM's scheduling jitter) in the same phase, measured as the broker's is (prom-client's 10 ms timer).
 */
const FLOOR_SCRIPT = `
const { monitorEventLoopDelay } = require('node:perf_hooks');
let h = monitorEventLoopDelay({ resolution: 10 }); h.enable();
const ms = (n) => Math.max(0, n / 1e6 - 10);
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'reset') { h.disable(); h = monitorEventLoopDelay({ resolution: 10 }); h.enable(); return; }
  console.log(JSON.stringify({ p50: ms(h.percentile(50)), p90: ms(h.percentile(90)), p99: ms(h.percentile(99)), max: ms(h.max) }));
  process.exit(0);
});`;

function startFloor(): { reset(): void; read(): Promise<LoopDelay> } {
  const child = spawn(process.execPath, ['-e', FLOOR_SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    reset: () => child.stdin!.write('reset\n'),
    read: async () => {
      child.stdin!.end('read\n');
      await exited;
      return JSON.parse(output) as LoopDelay;
    },
  };
}

function probe(role: 'produce' | 'consume', settings: object): ChildProcess {
  return spawn(PYTHON, [PROBE, role, JSON.stringify(settings)], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** One probe run: the consumer first (at the log end), then the producer at `rate` for `seconds` after a warm-up. */
async function measure(topic: string, rate: number, seconds: number, brokerPid: number, during?: () => void): Promise<{ latency: Latency; loop: LoopDelay; floor: LoopDelay; cpu: CpuUse }> {
  const settings = { bootstrap: `127.0.0.1:${PORT}`, topic, rate, warmup: 2, seconds, bytes: 100 };
  during?.();
  const floor = startFloor();
  const consumer = probe('consume', settings);
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    consumer.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.startsWith('ready\n')) resolve();
    });
    consumer.on('close', (code) => reject(new Error(`latency consumer exited ${code}: ${output}`)));
  });
  await ready;
  const finished = new Promise<string>((resolve, reject) => consumer.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`latency consumer exited ${code}`)))));
  const producer = probe('produce', settings);
  let producerOutput = '';
  producer.stdout!.on('data', (chunk: Buffer) => (producerOutput += chunk.toString()));
  const produced = new Promise<void>((resolve, reject) => producer.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`latency producer exited ${code}`)))));
  // The warm-up's event-loop delay is not the phase's: reset the histogram when measuring starts.
  await new Promise((resolve) => setTimeout(resolve, settings.warmup * 1000));
  await loopDelay();
  floor.reset();
  const brokerCpu = cpuSeconds(brokerPid);
  const started = performance.now();
  await produced;
  const brokerCores = (cpuSeconds(brokerPid) - brokerCpu) / ((performance.now() - started) / 1000);
  const loop = await loopDelay();
  const floorDelay = await floor.read();
  const latency = JSON.parse((await finished).trim().split('\n').pop()!) as Latency & { cpu: number };
  if (latency.received !== latency.expected) throw new Error(`${latency.received} of ${latency.expected} messages came back`);
  const producerCpu = (JSON.parse(producerOutput.trim()) as { cpu: number }).cpu;
  return { latency, loop, floor: floorDelay, cpu: { broker: brokerCores, producer: producerCpu, consumer: latency.cpu } };
}

async function fillBacklog(dir: string): Promise<void> {
  const file = path.join(dir, 'backlog.ndjson');
  const fd = fs.openSync(file, 'w');
  for (let first = 0; first < BACKLOG; first += 10_000) {
    const lines: string[] = [];
    for (let i = first; i < Math.min(BACKLOG, first + 10_000); i++) lines.push(JSON.stringify(pageView(i, START + i * 10)));
    fs.writeSync(fd, lines.join('\n') + '\n');
  }
  fs.closeSync(fd);
  const input = fs.openSync(file, 'r');
  const result = spawnSync('kcat', ['-b', `127.0.0.1:${PORT}`, '-t', 'backlog', '-P', '-X', 'acks=1'], { stdio: [input, 'ignore', 'pipe'] });
  fs.closeSync(input);
  if (result.status !== 0) throw new Error(`kcat -P exited ${result.status}: ${result.stderr}`);
}

/** `sluice load` of the whole backlog, again and again into fresh tables, until stopped; answers the loads finished. */
function loadRepeatedly(dir: string): { stop: () => Promise<number> } {
  let stopped = false;
  let finished = 0;
  let current: ChildProcess | undefined;
  let round = 0;
  const next = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    const job = {
      name: `backlog_${round}`,
      source: { bootstrap: `127.0.0.1:${PORT}`, topic: 'backlog' },
      value: { format: 'json', schema: path.join(REPO, 'schemas/page_view.avsc') },
      output: { formats: ['avro'], avroCodec: 'deflate', sink: path.join(dir, `warehouse-${round}`), table: 'page_views' },
      time: { field: 'ts' },
      ...(LOAD_WORKERS === undefined ? {} : { workerThreads: LOAD_WORKERS }),
    };
    const jobFile = path.join(dir, `load-${round++}.json`);
    fs.writeFileSync(jobFile, JSON.stringify(job));
    const command = [process.execPath, path.join(REPO, 'bin/sluice.js'), 'load', '--job', jobFile];
    // BENCH_LOAD_NICE=10 runs the load at a lower CPU priority: tells CPU sharing apart from the broker's own work.
    if (LOAD_NICE !== 0) command.unshift('nice', '-n', String(LOAD_NICE));
    if (LOAD_IDLE) command.unshift('chrt', '--idle', '0');
    current = spawn(command[0], command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    return new Promise((resolve) => current!.on('close', (code) => {
      if (code === 0) finished++;
      resolve(next());
    }));
  };
  const running = next();
  return {
    stop: async () => {
      stopped = true;
      current?.kill('SIGTERM');
      await running;
      return finished;
    },
  };
}

const ms = (n: number) => `${n.toFixed(2)} ms`;
const cores = (n: number) => `${Math.round(n * 100)}%`;
const row = (label: string, r: { latency: Latency; loop: LoopDelay; floor: LoopDelay; cpu: CpuUse }) =>
  console.log(`${label.padEnd(34)} p50 ${ms(r.latency.p50)}  p99 ${ms(r.latency.p99)}  p99.9 ${ms(r.latency.p999)}  max ${ms(r.latency.max)}   ` +
    `event loop p50 ${ms(r.loop.p50)} p99 ${ms(r.loop.p99)} max ${ms(r.loop.max)} (a bare node beside it: p99 ${ms(r.floor.p99)} max ${ms(r.floor.max)})   ` +
    `CPU broker ${cores(r.cpu.broker)} producer ${cores(r.cpu.producer)} consumer ${cores(r.cpu.consumer)}` +
    (r.latency.toAppend && r.latency.fromAppend ? `\n${''.padEnd(34)} split at the append: producer → broker p99 ${ms(r.latency.toAppend.p99)} p99.9 ${ms(r.latency.toAppend.p999)}; ` +
      `broker → consumer p99 ${ms(r.latency.fromAppend.p99)} p99.9 ${ms(r.latency.fromAppend.p999)}` : ''));

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'sluice-latency-bench-'));
  const broker = await startBroker(path.join(dir, 'broker'));
  try {
    console.log(`machine: ${os.cpus().length} x ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB RAM, node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const client = await KafkaClient.connect(`127.0.0.1:${PORT}`);
    // BENCH_TOPIC_CONFIG='{"flush.ms":"600000"}' tells what the flush policy costs.
    await client.createTopic('latency', 1, JSON.parse(process.env.BENCH_TOPIC_CONFIG ?? '{}') as Record<string, string>);
    // The backlog's event times start on 2026-11-21, beyond the default 7-day retention: kept, or the broker's
    // retention check (every 5 minutes) deletes it in the middle of a run.
    await client.createTopic('backlog', 4, { 'retention.ms': '-1' });
    client.close();
    console.log('end to end, 100-byte messages, librdkafka producer (acks=1, linger.ms=0) → sluice broker → librdkafka consumer\n');
    for (const rate of RATES) row(`${rate.toLocaleString('en-US')} msg/s (${SECONDS} s)`, await measure('latency', rate, SECONDS, broker.child.pid!));
    if (BACKLOG > 0) {
      await fillBacklog(dir);
      const without = await measure('latency', 1000, LOAD_SECONDS, broker.child.pid!);
      let loads: { stop: () => Promise<number> } | undefined;
      const withLoad = await measure('latency', 1000, LOAD_SECONDS, broker.child.pid!, () => (loads = loadRepeatedly(dir)));
      const finished = await loads!.stop();
      row(`1,000 msg/s, no load (${LOAD_SECONDS} s)`, without);
      row(`1,000 msg/s, sluice load running`, withLoad);
      console.log(`  (${BACKLOG.toLocaleString('en-US')}-record backlog, ${finished} load(s) finished while measuring, one more stopped at the end)`);
      console.log(`p99 with the load / without: ${(withLoad.latency.p99 / without.latency.p99).toFixed(2)}   target ≤ 1.2`);
    }
    console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } finally {
    await broker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
