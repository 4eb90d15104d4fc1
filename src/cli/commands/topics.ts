import type { Argv } from 'yargs';
import type { CommandIO } from '../io';
import { connectClient, SecurityArgs, withSecurityOptions } from '../client-options';
import { plural } from '../../common/plural';

interface TopicsArgs extends SecurityArgs {
  'bootstrap-server': string;
  action: string;
  name?: string;
  partitions: number;
  config: string[];
}

export const command = 'topics <action> [name]';
export const describe = 'Create, list, describe or delete topics on a Kafka-protocol broker';

export function builder(yargs: Argv): Argv<TopicsArgs> {
  return withSecurityOptions(yargs)
    .positional('action', { choices: ['create', 'list', 'describe', 'delete'] as const, demandOption: true })
    .positional('name', { type: 'string', describe: 'topic name (not for list)' })
    .option('bootstrap-server', { type: 'string', default: '127.0.0.1:9092', describe: 'host:port[,host:port]' })
    .option('partitions', { type: 'number', default: 4, describe: 'for create' })
    .option('config', { type: 'string', array: true, default: [] as string[], describe: 'for create: key=value topic configs' }) as Argv<TopicsArgs>;
}

function parseConfigs(pairs: string[]): Record<string, string> {
  const config: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--config ${JSON.stringify(pair)}: expected key=value`);
    config[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return config;
}

export async function handler(args: TopicsArgs, io: CommandIO): Promise<number> {
  const needsName = args.action !== 'list';
  if (needsName && !args.name) {
    io.err(`sluice topics ${args.action}: name a topic`);
    return 2;
  }
  const client = await connectClient(args);
  try {
    const name = args.name ?? '';
    switch (args.action) {
      case 'create':
        await client.createTopic(name, args.partitions, parseConfigs(args.config));
        io.out(`created topic ${name} with ${plural(args.partitions, 'partition')}`);
        break;
      case 'delete':
        await client.deleteTopic(name);
        io.out(`deleted topic ${name}`);
        break;
      case 'list':
        for (const topic of (await client.metadata(null)).sort((a, b) => a.name.localeCompare(b.name))) io.out(topic.name);
        break;
      case 'describe': {
        const topic = await client.topic(name);
        io.out(`topic ${topic.name}: ${plural(topic.partitions.length, 'partition')}`);
        for (const p of topic.partitions) {
          const earliest = await client.offsetFor(name, p.partition, -2);
          const latest = await client.offsetFor(name, p.partition, -1);
          io.out(`  partition ${p.partition}  leader ${p.leader}  earliest ${earliest.offset}  latest ${latest.offset}`);
        }
        break;
      }
    }
    return 0;
  } finally {
    client.close();
  }
}
