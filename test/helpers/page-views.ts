import * as fs from 'node:fs';
import * as path from 'node:path';
import { KafkaClient } from '../../src/client/kafka-client';
import { partitionForKey } from '../../src/client/murmur2';
import { buildRecordBatch, RecordInput } from '../../src/protocol/records';

export const REPO = path.resolve(__dirname, '../../..');
export const HOUR = 3_600_000;
export const START = Date.parse('2026-11-21T00:00:00Z');

export interface PageView {
  ts: number;
  user_id: string;
  session_id: string;
  page: string;
  referrer: string | null;
  user_agent: string;
  duration_ms: number;
  country: string;
}

export function pageView(i: number, ts: number): PageView {
  return {
    ts,
    user_id: `user-${i % 211}`,
    session_id: `s-${Math.floor(i / 7)}`,
    page: `/products/${i % 97}`,
    referrer: i % 3 === 0 ? null : `https://example.com/r/${i % 5}`,
    user_agent: i % 2 ? 'Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0' : 'Mozilla/5.0 (Macintosh) Safari/17.0 – ünïcode',
    duration_ms: (i * 37) % 60_000,
    country: ['FR', 'DE', 'US', 'JP'][i % 4],
  };
}

/** Sends values (JSON page views, or raw garbage bytes) keyed by user, batched per partition; returns how many went where. */
export async function produceValues(client: KafkaClient, topic: string, partitions: number, values: { key: string; value: Buffer; timestamp: number }[]): Promise<void> {
  const byPartition = new Map<number, RecordInput[]>();
  for (const v of values) {
    const p = partitionForKey(Buffer.from(v.key), partitions);
    const list = byPartition.get(p) ?? [];
    list.push({ key: Buffer.from(v.key), value: v.value, timestamp: v.timestamp });
    byPartition.set(p, list);
  }
  for (const [p, records] of byPartition) {
    for (let i = 0; i < records.length; i += 500) await client.produce(topic, p, buildRecordBatch(records.slice(i, i + 500)));
  }
}

export function pageViewValues(from: number, count: number, tsOf: (i: number) => number) {
  return Array.from({ length: count }, (_, k) => {
    const view = pageView(from + k, tsOf(from + k));
    return { key: view.user_id, value: Buffer.from(JSON.stringify(view)), timestamp: view.ts };
  });
}

export function writeJob(dir: string, overrides: Record<string, unknown> = {}, bootstrap = '127.0.0.1:9092'): string {
  const job = {
    name: 'page_views_test',
    source: { bootstrap, topic: 'page_views' },
    value: { format: 'json', schema: path.join(REPO, 'schemas/page_view.avsc') },
    output: { formats: ['avro', 'parquet'], avroCodec: 'deflate', sink: path.join(dir, 'warehouse'), table: 'page_views' },
    time: { field: 'ts' },
    files: { maxRecords: 2000 },
    badRecords: { maxPercent: 2 },
    metadataColumns: ['partition', 'offset', 'timestamp', 'key'],
    ...overrides,
  };
  fs.mkdirSync(path.join(dir, 'jobs'), { recursive: true });
  const file = path.join(dir, 'jobs', 'page_views.json');
  fs.writeFileSync(file, JSON.stringify(job, null, 2));
  return file;
}

/** Files under a directory tree, relative, sorted. */
export function listFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(path.relative(root, full));
    }
  };
  walk(root);
  return out.sort();
}
