import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { SLUICE_BIN } from './cli';
import { Finished, run } from './processes';
import { listFiles, pageViewValues, produceValues, REPO } from './page-views';
import { RunningBroker, startBroker } from './broker';
import { KafkaClient } from '../../src/client/kafka-client';

/** The real binary as a user runs it, without blocking this process's broker. */
export const sluiceAsync = (args: string[]): Promise<Finished> => run(process.execPath, [SLUICE_BIN, ...args]);

/** A job file of page views over `source` (topics or topicPattern), JSON values, Parquet by default. */
export function writeTopicsJob(dir: string, name: string, source: Record<string, unknown>, output: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const job = {
    name,
    source,
    value: { format: 'json', schema: path.join(REPO, 'schemas/page_view.avsc') },
    output: { formats: ['parquet'], sink: path.join(dir, 'warehouse'), ...output },
    time: { field: 'ts' },
    metadataColumns: ['partition', 'offset'],
    completeness: { delaySeconds: 0 },
    workerThreads: 0,
    ...extra,
  };
  fs.mkdirSync(path.join(dir, 'jobs'), { recursive: true });
  const file = path.join(dir, 'jobs', `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(job, null, 2));
  return file;
}

export interface TopicRow {
  topic: string;
  partition: number;
  offset: number;
}

/** `(topic, partition, offset)` of every row of a table's Parquet files (hour directories only), read by DuckDB, sorted. */
export async function parquetTopicRows(table: string): Promise<TopicRow[]> {
  const files = listFiles(table).filter((f) => /^dt=/.test(f) && f.endsWith('.parquet')).map((f) => path.join(table, f));
  if (files.length === 0) return [];
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    const list = files.map((f) => `'${f}'`).join(', ');
    const rows = (await connection.runAndReadAll(`SELECT _kafka_topic AS topic, _kafka_partition AS partition, _kafka_offset AS "offset" FROM read_parquet([${list}], union_by_name = true) ORDER BY ALL`)).getRowObjectsJson();
    return rows.map((r) => ({ topic: String(r.topic), partition: Number(r.partition), offset: Number(r.offset) }));
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

/** Data files per hour directory: `dt=…/hr=…` → count. */
export function dataFilesPerHour(table: string, extension = '.parquet'): Map<string, number> {
  const counts = new Map<string, number>();
  for (const file of listFiles(table).filter((f) => /^dt=/.test(f) && f.endsWith(extension))) counts.set(path.dirname(file), (counts.get(path.dirname(file)) ?? 0) + 1);
  return counts;
}

export interface ClickTopics {
  broker: RunningBroker;
  client: KafkaClient;
}

/** For the suite: a broker with topics clicks.eu (page views 0-39) and clicks-us (40-69), 2 partitions each, event times from `tsOf`. */
export function useTwoClickTopics(tsOf: (i: number) => number): ClickTopics {
  const cluster = {} as ClickTopics;
  before(async () => {
    cluster.broker = await startBroker({ numPartitions: 2 });
    cluster.client = await KafkaClient.connect(cluster.broker.bootstrap);
    await cluster.client.createTopic('clicks.eu', 2);
    await cluster.client.createTopic('clicks-us', 2);
    await produceValues(cluster.client, 'clicks.eu', 2, pageViewValues(0, 40, tsOf));
    await produceValues(cluster.client, 'clicks-us', 2, pageViewValues(40, 30, tsOf));
  });
  after(async () => {
    cluster.client?.close();
    await cluster.broker?.stop();
  });
  return cluster;
}
