import type { Argv } from 'yargs';
import { recordsFrom } from '../../client/fetched-records';
import type { DecodedRecord } from '../../protocol/records';
import type { CommandIO } from '../io';
import { connectClient, SecurityArgs, withSecurityOptions } from '../client-options';
import { recordToJson } from '../record-json';
import { plural } from '../../common/plural';

interface ConsumeArgs extends SecurityArgs {
  'bootstrap-server': string;
  topic: string;
  partition?: number;
  'from-beginning'?: boolean;
  offset?: number;
  max?: number;
  format: string;
  'exit-at-end': boolean;
}

export const command = 'consume';
export const describe = 'Print records of a topic; the position is yours (no consumer group)';

export function builder(yargs: Argv): Argv<ConsumeArgs> {
  return withSecurityOptions(yargs)
    .option('bootstrap-server', { type: 'string', default: '127.0.0.1:9092' })
    .option('topic', { type: 'string', demandOption: true })
    .option('partition', { type: 'number', describe: 'only this partition (default: all)' })
    .option('from-beginning', { type: 'boolean', describe: 'start at the earliest offset (default: the end)' })
    .option('offset', { type: 'number', describe: 'start at this offset (needs --partition)' })
    .option('max', { type: 'number', describe: 'stop after this many records' })
    .option('format', {
      choices: ['value', 'kv', 'json'] as const,
      default: 'value',
      describe:
        'value; key<TAB>value; or json: one object per line, {topic, partition, offset, timestamp, key, value, headers: [{key, value}]}, ' +
        'where a null key or value (a tombstone) is null, an empty one "", UTF-8 bytes a string and other bytes {"base64": "..."}',
    })
    .option('exit-at-end', { alias: 'e', type: 'boolean', default: false, describe: 'stop once every partition is read to its end' })
    .conflicts('offset', 'from-beginning') as Argv<ConsumeArgs>;
}

function format(record: DecodedRecord, topic: string, partition: number, style: string): string {
  if (style === 'json') return JSON.stringify(recordToJson(topic, partition, record));
  const value = record.value?.toString('utf8') ?? '';
  if (style === 'kv') return `${record.key?.toString('utf8') ?? ''}\t${value}`;
  return value;
}

export async function handler(args: ConsumeArgs, io: CommandIO): Promise<number> {
  if (args.offset !== undefined && args.partition === undefined) {
    io.err('sluice consume: --offset needs --partition');
    return 2;
  }
  const client = await connectClient(args);
  try {
    const topic = await client.topic(args.topic);
    const partitions = topic.partitions.map((p) => p.partition).filter((p) => args.partition === undefined || p === args.partition);
    if (partitions.length === 0) throw new Error(`topic ${args.topic} has no partition ${args.partition}`);
    const position = new Map<number, number>();
    const end = new Map<number, number>();
    for (const p of partitions) {
      const start = args.offset ?? (await client.offsetFor(args.topic, p, args['from-beginning'] ? -2 : -1)).offset;
      position.set(p, start);
      end.set(p, (await client.offsetFor(args.topic, p, -1)).offset);
    }
    let printed = 0;
    const done = () => (args.max !== undefined && printed >= args.max) || (args['exit-at-end'] && partitions.every((p) => position.get(p)! >= end.get(p)!));
    while (!done()) {
      for (const p of partitions) {
        if (done()) break;
        if (args['exit-at-end'] && position.get(p)! >= end.get(p)!) continue;
        const fetched = await client.fetch(args.topic, p, position.get(p)!, { maxWaitMs: args['exit-at-end'] ? 0 : 200 });
        const { records, nextOffset } = recordsFrom(fetched.records, position.get(p)!);
        for (const record of records) {
          if (args.max !== undefined && printed >= args.max) break;
          io.out(format(record, args.topic, p, args.format));
          printed++;
          position.set(p, record.offset + 1);
        }
        if (args.max === undefined || printed < args.max) position.set(p, Math.max(position.get(p)!, nextOffset));
        await io.drained?.();
      }
    }
    io.err(`consumed ${plural(printed, 'record')} from ${args.topic}`);
    return 0;
  } finally {
    client.close();
  }
}
