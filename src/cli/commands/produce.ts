import * as readline from 'node:readline';
import type { Argv } from 'yargs';
import { partitionForKey } from '../../client/murmur2';
import { buildRecordBatch, compressBatch, RecordInput } from '../../protocol/records';
import { COMPRESSION_NAMES } from '../../protocol/record-batch';
import type { CommandIO } from '../io';
import { connectClient, SecurityArgs, withSecurityOptions } from '../client-options';
import { plural } from '../../common/plural';

interface ProduceArgs extends SecurityArgs {
  'bootstrap-server': string;
  topic: string;
  key?: string;
  'key-field'?: string;
  partition?: number;
  'compression-codec': string;
}

export const command = 'produce';
export const describe = 'Send lines from stdin as records; keys pick partitions with murmur2, like the Java client and kafkajs';

export function builder(yargs: Argv): Argv<ProduceArgs> {
  return withSecurityOptions(yargs)
    .option('bootstrap-server', { type: 'string', default: '127.0.0.1:9092' })
    .option('topic', { type: 'string', demandOption: true })
    .option('key', { type: 'string', describe: 'one key for every record' })
    .option('key-field', { type: 'string', describe: 'each line is JSON; this field is its key' })
    .option('partition', { type: 'number', describe: 'send everything to this partition' })
    .option('compression-codec', { type: 'string', choices: COMPRESSION_NAMES, default: 'none', describe: 'compress each batch, as kafka-console-producer does' })
    .conflicts('key', 'key-field') as Argv<ProduceArgs>;
}

const BATCH_RECORDS = 1000;
const BATCH_BYTES = 512 * 1024;

export class BadLineError extends Error {
  constructor(readonly line: number, detail: string) {
    super(`stdin line ${line}: ${detail}`);
    this.name = 'BadLineError';
  }
}

function keyOf(line: string, lineNumber: number, args: ProduceArgs): Buffer | null {
  if (args.key !== undefined) return Buffer.from(args.key);
  const field = args['key-field'];
  if (field === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    throw new BadLineError(lineNumber, `not JSON (${(error as Error).message}), so field "${field}" cannot be read`);
  }
  const value = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>)[field] : undefined;
  if (value === undefined || value === null) throw new BadLineError(lineNumber, `no field "${field}" to use as the key`);
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
}

/** Reads stdin to the end; records before a bad line are still sent, then the bad line is reported. */
export async function handler(args: ProduceArgs, io: CommandIO, input: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const codec = COMPRESSION_NAMES.indexOf(args['compression-codec'] ?? 'none');
  const client = await connectClient(args);
  const pending = new Map<number, { records: RecordInput[]; bytes: number }>();
  const sent = new Map<number, number>();
  let roundRobin = 0;
  const flush = async (partition: number) => {
    const batch = pending.get(partition);
    if (!batch || batch.records.length === 0) return;
    pending.delete(partition);
    await client.produce(args.topic, partition, compressBatch(buildRecordBatch(batch.records), codec), -1);
    sent.set(partition, (sent.get(partition) ?? 0) + batch.records.length);
  };
  let failure: Error | undefined;
  try {
    // Like Kafka's producers, ask for the topic to be created if the broker allows it.
    const [topic] = await client.metadata([args.topic], true);
    const partitions = topic.partitions.length;
    let lineNumber = 0;
    for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
      lineNumber++;
      const key = keyOf(line, lineNumber, args);
      const partition = args.partition ?? (key ? partitionForKey(key, partitions) : roundRobin++ % partitions);
      const batch = pending.get(partition) ?? { records: [], bytes: 0 };
      pending.set(partition, batch);
      batch.records.push({ key, value: Buffer.from(line) });
      batch.bytes += line.length + (key?.length ?? 0);
      if (batch.records.length >= BATCH_RECORDS || batch.bytes >= BATCH_BYTES) await flush(partition);
    }
  } catch (error) {
    failure = error as Error;
  }
  try {
    for (const partition of [...pending.keys()]) await flush(partition);
  } finally {
    client.close();
  }
  const total = [...sent.values()].reduce((a, b) => a + b, 0);
  const perPartition = [...sent.entries()].sort((a, b) => a[0] - b[0]).map(([p, n]) => `${p}:${n}`).join(' ');
  io.err(`produced ${plural(total, 'record')} to ${args.topic} (partition:records ${perPartition || 'none'})`);
  if (failure) throw failure;
  return 0;
}
