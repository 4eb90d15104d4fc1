import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Argv } from 'yargs';
import { DuckDBInstance } from '@duckdb/node-api';
import { Broker } from '../../broker/broker';
import { KafkaClient } from '../../client/kafka-client';
import { partitionForKey } from '../../client/murmur2';
import { buildRecordBatch, RecordInput } from '../../protocol/records';
import { loadJobDefinition } from '../../pipeline/job-definition';
import { runLoad } from '../../pipeline/load-job';
import { verifyTable } from '../../pipeline/verify';
import { simulateSite, SiteEvent } from '../../demo/simulated-site';
import type { CommandIO } from '../io';

export interface DemoArgs {
  dir: string;
  jobs: string;
  users: number;
}

export const command = 'demo';
export const describe = 'The first run: an embedded broker, simulated site traffic, every job in jobs/ loaded into a local warehouse, a sample query';

export function builder(yargs: Argv): Argv<DemoArgs> {
  return yargs
    .option('dir', { type: 'string', default: 'sluice-demo', describe: 'where the broker data and the warehouse go (replaced on each run)' })
    .option('jobs', { type: 'string', default: path.resolve(__dirname, '../../../../jobs'), describe: 'the job definitions to run' })
    .option('users', { type: 'number', default: 400, describe: 'simulated users' });
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

async function topPagesPerHour(warehouse: string, io: CommandIO): Promise<number> {
  const glob = path.join(warehouse, 'page_views', 'parquet', 'dt=*', 'hr=*', '*.parquet').replace(/'/g, "''");
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    const reader = await connection.runAndReadAll(`
      SELECT dt, hr, page, count(*) AS views
      FROM read_parquet('${glob}', hive_partitioning = true)
      GROUP BY dt, hr, page
      QUALIFY row_number() OVER (PARTITION BY dt, hr ORDER BY count(*) DESC, page) <= 3
      ORDER BY dt, hr, views DESC, page`);
    const rows = reader.getRows().map((r) => r.map(String));
    io.out('\nsample query: the top 3 pages per hour, from the Parquet files with DuckDB');
    io.out(['dt', 'hr', 'page', 'views'].map((h, i) => h.padEnd(i === 2 ? 16 : 11)).join(''));
    for (const row of rows) io.out(row.map((v, i) => v.padEnd(i === 2 ? 16 : 11)).join(''));
    return rows.length;
  } finally {
    connection.closeSync();
  }
}

/** Everything a new user should see work, with nothing installed but this repository. */
export async function handler(args: DemoArgs, io: CommandIO): Promise<number> {
  const dir = path.resolve(args.dir);
  fs.rmSync(dir, { recursive: true, force: true });
  const broker = await Broker.start({ dataDir: path.join(dir, 'broker'), port: 0, numPartitions: PARTITIONS });
  const bootstrap = `127.0.0.1:${broker.port}`;
  const client = await KafkaClient.connect(bootstrap);
  try {
    io.out(`embedded broker on ${bootstrap}, data in ${path.join(dir, 'broker')}`);
    const events = simulateSite(START, HOURS, args.users, 3);
    for (const topic of ['page_views', 'searches', 'clicks']) await client.createTopic(topic, PARTITIONS);
    await produce(client, events);
    const counts = ['page_views', 'searches', 'clicks'].map((t) => `${t} ${events.filter((e) => e.topic === t).length}`);
    io.out(`produced ${events.length} events keyed by user over ${HOURS} hours from 2026-11-21 06:00 UTC: ${counts.join(', ')}`);

    const warehouse = path.join(dir, 'warehouse');
    const jobFiles = fs.readdirSync(args.jobs).filter((f) => f.endsWith('.json')).sort();
    for (const file of jobFiles) {
      const job = loadJobDefinition(path.join(args.jobs, file));
      const local = { ...job, source: { ...job.source, bootstrap }, output: { ...job.output, sink: warehouse } };
      const summary = await runLoad(local);
      io.out(`\n${job.name} (${job.source.topic} → ${path.join(warehouse, job.output.table)}, ${job.output.formats.join(' + ')}):`);
      for (const r of summary.committed) {
        const files = r.files.filter((f) => f.format !== 'dead-letter');
        io.out(`  partition ${r.partition}: offsets ${r.start}..${r.end}, ${r.records} records in ${files.length} files`);
      }
      const report = await verifyTable(local);
      const hours = [...report.hours].map(([hour, n]) => `${hour.slice(11)}:00 ${n}`).join(', ');
      io.out(`  records per hour (${job.time.timezone}, 2026-11-21): ${hours}; verify ${report.ok ? 'OK' : `found ${report.problems.length} problems`}`);
      if (!report.ok) return 1;
    }
    const rows = await topPagesPerHour(warehouse, io);
    io.out(`\ndone: try \`node bin/sluice.js verify --job jobs/page_views.json\` against your own broker, or open ${warehouse}`);
    return rows > 0 ? 0 : 1;
  } finally {
    client.close();
    await broker.stop();
  }
}
