import type { Argv } from 'yargs';
import type { CommandIO } from '../io';
import { clientOptions, SecurityArgs, withSecurityOptions } from '../client-options';

interface RegistryArgs extends SecurityArgs {
  bootstrap: string;
  host: string;
  port: number;
  'users-file'?: string;
}

export const command = 'registry';
export const describe = 'Run a Confluent-compatible Schema Registry keeping schemas in the _schemas topic of a Kafka cluster (SIGTERM stops it)';

export function builder(yargs: Argv): Argv<RegistryArgs> {
  return withSecurityOptions(yargs)
    .option('bootstrap', { type: 'string', alias: 'bootstrap-server', default: '127.0.0.1:9092', describe: 'the cluster holding _schemas (Confluent\'s kafkastore.bootstrap.servers)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
    .option('port', { type: 'number', default: 8081 })
    .option('users-file', { type: 'string', describe: 'ask for HTTP basic auth: users from a "user: password" file (Jetty\'s format, as Confluent\'s)' }) as Argv<RegistryArgs>;
}

export async function handler(args: RegistryArgs, io: CommandIO, signals: NodeJS.EventEmitter = process): Promise<number> {
  const stopSignal = new Promise<string>((resolve) => {
    signals.once('SIGTERM', () => resolve('SIGTERM'));
    signals.once('SIGINT', () => resolve('SIGINT'));
  });
  const { startClusterRegistry } = await import('../../registry/start');
  const registry = await startClusterRegistry(args.bootstrap, clientOptions(args, 'sluice-schema-registry'), {
    host: args.host,
    port: args.port,
    usersFile: args['users-file'],
    logLine: (line) => io.err(line),
  });
  io.err(`schema registry at ${registry.url} (schemas in _schemas on ${args.bootstrap}${args['users-file'] ? `, basic auth from ${args['users-file']}` : ''})`);
  const signal = await stopSignal;
  io.err(`${signal}: stopping`);
  await registry.close();
  io.err('stopped cleanly');
  return 0;
}
