import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Argv } from 'yargs';
import { Broker } from '../../broker/broker';
import { KafkaClient } from '../../client/kafka-client';
import { partitionForKey } from '../../client/murmur2';
import { buildRecordBatch, RecordInput } from '../../protocol/records';
import { loadJobDefinition } from '../../job/job-definition';
import { runLoad } from '../../pipeline/load-job';
import { verifyTable } from '../../table/verify';
import { hourDirectories } from '../../table/completeness';
import { TableState } from '../../table/table-state';
import { openSink, openTable } from '../../connector-factory';
import { buildCatalog } from '../../analyst/table-catalog';
import { runQuery } from '../../analyst/query-engine';
import { formatTable } from '../../analyst/result-format';
import { startWebHdfsEmulator } from '../../dev/webhdfs/emulator';
import type { JobDefinition } from '../../job/job-definition';
import { simulateSite, SiteEvent } from '../../demo/simulated-site';
import type { CommandIO } from '../io';
import { startBrokerRegistry } from '../../registry/start';
import type { RunningSchemaRegistry } from '../../registry/registry-server';
import { plural } from '../../common/plural';
import { describeHours } from '../../common/hour-list';
import { startDemoConsole } from '../../console/demo-console';
import { stopOnSignals } from '../../schedule/stop-signals';

export interface DemoArgs {
  dir: string;
  jobs: string;
  users: number;
  'registry-port': number;
  'console-port': number;
  'keep-running': boolean;
}

export const command = 'demo';
export const describe = 'The first run: an embedded broker, simulated site traffic, every job in jobs/ loaded into a local warehouse, a sample query';

export function builder(yargs: Argv): Argv<DemoArgs> {
  return yargs
    .option('dir', { type: 'string', default: 'sluice-demo', describe: 'where the broker data and the warehouse go (replaced on each run)' })
    .option('jobs', { type: 'string', default: path.resolve(__dirname, '../../../../jobs'), describe: 'the job definitions to run' })
    .option('users', { type: 'number', default: 400, describe: 'simulated users' })
    .option('registry-port', { type: 'number', default: 0, describe: 'port of the embedded schema registry (0: a free one)' })
    .option('console-port', { type: 'number', default: 8080, describe: 'port of the web console over the demo (a free one if taken; 0: a free one)' })
    .option('keep-running', { type: 'boolean', default: process.stdout.isTTY === true, describe: 'keep the broker and console up until Ctrl-C (default on a terminal)' });
}

const PARTITIONS = 4;
const START = Date.UTC(2026, 10, 21, 6); // 2026-11-21 06:00 UTC
const HOURS = 3;

async function produce(client: KafkaClient, events: SiteEvent[]): Promise<void> {
  const batches = new Map<string, RecordInput[]>();
  for (const event of events) {
    const key = `${event.topic}\u0000${partitionForKey(Buffer.from(event.key), PARTITIONS)}`;
    const list = batches.get(key) ?? [];
    list.push({ key: Buffer.from(event.key), value: Buffer.from(JSON.stringify(event.value)), timestamp: event.timestamp });
    batches.set(key, list);
  }
  for (const [key, records] of batches) {
    const [topic, partition] = key.split('\u0000');
    for (let i = 0; i < records.length; i += 500) await client.produce(topic, Number(partition), buildRecordBatch(records.slice(i, i + 500)));
  }
}

const TOP_PAGES = `
  SELECT dt, hr, page, count(*) AS views
  FROM page_views
  GROUP BY dt, hr, page
  QUALIFY row_number() OVER (PARTITION BY dt, hr ORDER BY count(*) DESC, page) <= 3
  ORDER BY dt, hr, views DESC, page`;

/** Loads one job, then prints what was committed, per hour, as verify confirms it, and the hours marked complete. */
async function loadAndReport(job: JobDefinition, where: string, io: CommandIO): Promise<boolean> {
  const summary = await runLoad(job);
  io.out(`\n${job.name} (${job.source.topic} → ${where}, ${job.output.formats.join(' + ')}):`);
  for (const r of summary.committed) {
    const files = r.files.filter((f) => f.format !== 'dead-letter');
    io.out(`  partition ${r.partition}: offsets ${r.start}..${r.end}, ${plural(r.records, 'record')} in ${plural(files.length, 'file')}`);
  }
  const report = await verifyTable(job, openTable(job.output.sink, job.output.table));
  const hours = [...report.hours].map(([hour, n]) => `${hour.slice(11)}:00 ${n}`).join(', ');
  io.out(`  records per hour (${job.time.timezone}, 2026-11-21): ${hours}; verify ${report.ok ? 'OK' : `found ${plural(report.problems.length, 'problem')}`}`);
  const marked = (await hourDirectories(job, new TableState(openSink(job.output.sink), job.output.table))).filter((h) => h.complete);
  io.out(`  complete hours (_SUCCESS): ${marked.length === 0 ? 'none yet' : describeHours(marked.map((h) => h.key))}`);
  return report.ok;
}

/**
 * A copy of an example job in `<dir>/jobs/`, writing into `<dir>/warehouse` (relative paths in a job file start from
 * its directory), so `sluice query --jobs jobs` run in `<dir>` reads what the demo loaded.
 */
function writeDemoJob(dir: string, file: string): JobDefinition {
  const example = loadJobDefinition(file);
  const jobs = path.join(dir, 'jobs');
  fs.mkdirSync(jobs, { recursive: true });
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { value: { schema: string }; output: { sink: string } };
  raw.value.schema = example.value.schema;
  raw.output.sink = '../warehouse';
  const copy = path.join(jobs, path.basename(file));
  fs.writeFileSync(copy, `${JSON.stringify(raw, null, 2)}\n`);
  return loadJobDefinition(copy);
}

/** Registers each job's value schema as `<topic>-value` (TopicNameStrategy) over the registry's REST API. */
async function registerJobSchemas(url: string, jobs: JobDefinition[], io: CommandIO): Promise<void> {
  const registered: string[] = [];
  for (const job of jobs) {
    const subject = `${job.source.topic}-value`;
    const response = await fetch(`${url}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: fs.readFileSync(job.value.schema, 'utf8') }),
    });
    const answer = (await response.json()) as { id?: number; message?: string };
    if (!response.ok) throw new Error(`registering ${subject}: ${answer.message ?? response.status}`);
    registered.push(`${subject} (id ${answer.id})`);
  }
  io.out(`schema registry at ${url} (schemas in the _schemas topic): registered ${registered.join(', ')}`);
}

/** The web console over what the demo loaded: until Ctrl-C with --keep-running, else closed at once (scripts, tests). */
async function serveConsole(bootstrap: string, jobs: JobDefinition[], args: DemoArgs, io: CommandIO): Promise<void> {
  const running = await startDemoConsole(bootstrap, jobs, args['console-port']);
  if (!args['keep-running']) {
    io.out(`\nweb console: ${running.url} (closed now; \`npm start -- --keep-running\` keeps it and the broker up)`);
    await running.close();
    return;
  }
  io.out(`\nweb console: ${running.url} (Ctrl-C stops it and the broker)`);
  const hook = stopOnSignals();
  try {
    await new Promise<void>((resolve) => hook.signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    hook.release();
    await running.close();
  }
}

/** Everything a new user should see work, with nothing installed but this repository. */
export async function handler(args: DemoArgs, io: CommandIO): Promise<number> {
  const dir = path.resolve(args.dir);
  fs.rmSync(dir, { recursive: true, force: true });
  const broker = await Broker.start({ dataDir: path.join(dir, 'broker'), port: 0, numPartitions: PARTITIONS });
  const bootstrap = `127.0.0.1:${broker.port}`;
  const client = await KafkaClient.connect(bootstrap);
  let registry: RunningSchemaRegistry | undefined;
  try {
    io.out(`embedded broker on ${bootstrap}, data in ${path.join(dir, 'broker')}`);
    registry = await startBrokerRegistry(broker, { port: args['registry-port'] });
    const events = simulateSite(START, HOURS, args.users, 3);
    for (const topic of ['page_views', 'searches', 'clicks']) await client.createTopic(topic, PARTITIONS);
    await produce(client, events);
    const counts = ['page_views', 'searches', 'clicks'].map((t) => `${t} ${events.filter((e) => e.topic === t).length}`);
    io.out(`produced ${plural(events.length, 'event')} keyed by user over ${plural(HOURS, 'hour')} from 2026-11-21 06:00 UTC: ${counts.join(', ')}`);

    const warehouse = path.join(dir, 'warehouse');
    const jobs = fs.readdirSync(args.jobs).filter((f) => f.endsWith('.json')).sort()
      .map((file) => writeDemoJob(dir, path.join(args.jobs, file)))
      .map((job) => ({ ...job, source: { ...job.source, bootstrap } }));
    await registerJobSchemas(registry.url, jobs, io);
    for (const job of jobs) {
      if (!(await loadAndReport(job, path.join(warehouse, job.output.table), io))) return 1;
    }

    const emulator = await startWebHdfsEmulator({ root: path.join(dir, 'hdfs') });
    try {
      const hdfs = `webhdfs://${new URL(emulator.nameNodeUrls[0]).host}/warehouse?user.name=sluice`;
      io.out(`\nthe same page views into HDFS: a WebHDFS emulator on ${emulator.nameNodeUrls[0]} (files in ${path.join(dir, 'hdfs')})`);
      const pageViews = jobs.find((job) => job.source.topic === 'page_views');
      if (pageViews && !(await loadAndReport({ ...pageViews, output: { ...pageViews.output, sink: hdfs } }, `${hdfs.split('?')[0]}/${pageViews.output.table}`, io))) return 1;
    } finally {
      await emulator.close();
    }

    const result = await runQuery(buildCatalog(jobs), TOP_PAGES);
    io.out('\nsample query (sluice query): the top 3 pages per hour, from the Parquet files with DuckDB');
    io.out(formatTable(result));
    io.out(`\ndone: query it yourself with \`cd ${path.relative(process.cwd(), dir) || '.'} && node ${path.relative(dir, path.resolve(__dirname, '../../../../bin/sluice.js'))} query "SELECT country, count(*) FROM page_views GROUP BY ALL" --jobs jobs\``);
    if (result.rows.length === 0) return 1;
    await serveConsole(bootstrap, jobs, args, io);
    return 0;
  } finally {
    client.close();
    await registry?.close();
    await broker.stop();
  }
}
