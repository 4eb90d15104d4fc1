import type { Argv } from 'yargs';
import { KafkaClient } from '../../client/kafka-client';
import { clientOptions, SecurityArgs, withSecurityOptions } from '../client-options';
import { AclAdmin, AclCreateError } from '../../client/acl-admin';
import { KafkaError } from '../../protocol/error-codes';
import type { CommandIO } from '../io';
import { AclArgs, AclUsageError, bindingJson, bindingsToAdd, filtersOf, formatAcls } from '../acls/acl-args';

interface AclsArgs extends AclArgs, SecurityArgs {
  action: 'add' | 'list' | 'remove';
  'bootstrap-server': string;
  json: boolean;
}

export const command = 'acls <action>';
export const describe = 'Add, list and remove ACLs on a running broker (sluice or Kafka), like kafka-acls.sh';

const many = (describe: string) => ({ type: 'string' as const, array: true, default: [] as string[], describe });

export function builder(yargs: Argv): Argv<AclsArgs> {
  return withSecurityOptions(yargs)
    .positional('action', { choices: ['add', 'list', 'remove'] as const, demandOption: true })
    .option('bootstrap-server', { type: 'string', default: '127.0.0.1:9092', describe: 'host:port[,host:port]' })
    .option('allow-principal', many('principal given ALLOW, User:NAME or User:* (repeatable)'))
    .option('deny-principal', many('principal given DENY (repeatable)'))
    .option('principal', many('list, remove: ACLs of this principal, allow or deny (repeatable)'))
    .option('allow-host', many('host of the --allow-principal ACLs (default *)'))
    .option('deny-host', many('host of the --deny-principal ACLs (default *)'))
    .option('host', many('host of every ACL named (default *); list, remove: only ACLs of this host'))
    .option('operation', many('Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All (default All)'))
    .option('topic', many('topic (repeatable; * for every topic)'))
    .option('group', many('consumer group (repeatable; * for every group)'))
    .option('cluster', { type: 'boolean', default: false, describe: 'the cluster resource' })
    .option('transactional-id', many('transactional id (repeatable; * for every id)'))
    .option('resource-pattern-type', {
      type: 'string',
      default: 'literal',
      describe: 'literal or prefixed; list and remove also take any and match (every pattern that applies to the name)',
    })
    .option('producer', { type: 'boolean', default: false, describe: 'WRITE, DESCRIBE, CREATE on the topics (and WRITE, DESCRIBE on the transactional ids)' })
    .option('consumer', { type: 'boolean', default: false, describe: 'READ, DESCRIBE on the topics and READ on the --group' })
    .option('json', { type: 'boolean', default: false, describe: 'list: one JSON document' }) as Argv<AclsArgs>;
}

export async function handler(args: AclsArgs, io: CommandIO): Promise<number> {
  let work: (admin: AclAdmin) => Promise<number>;
  try {
    work = plan(args, io);
  } catch (error) {
    if (!(error instanceof AclUsageError)) throw error;
    io.err(`sluice acls: ${error.message}`);
    return 2;
  }
  const client = await KafkaClient.connect(args['bootstrap-server'], clientOptions(args, 'sluice-acls'));
  try {
    return await work(new AclAdmin(client));
  } catch (error) {
    if (!(error instanceof KafkaError || error instanceof AclCreateError)) throw error;
    io.err(`sluice acls ${args.action}: ${error.message}`);
    return 1;
  } finally {
    await client.close();
  }
}

/** Checks the flags before connecting, so a usage mistake never reaches the broker. */
function plan(args: AclsArgs, io: CommandIO): (admin: AclAdmin) => Promise<number> {
  switch (args.action) {
    case 'add': {
      const bindings = bindingsToAdd(args);
      return async (admin) => {
        await admin.createAcls(bindings);
        io.out(`Adding ACLs:\n${formatAcls(bindings)}`);
        return 0;
      };
    }
    case 'remove': {
      if (resourceless(args)) throw new AclUsageError('remove: name a resource (--topic, --group, --cluster or --transactional-id)');
      const filters = filtersOf(args);
      return async (admin) => {
        const removed = (await admin.deleteAcls(filters)).flat();
        io.out(removed.length === 0 ? 'No ACLs matched.' : `Removed ACLs:\n${formatAcls(removed)}`);
        return 0;
      };
    }
    case 'list': {
      const filters = filtersOf(args);
      return async (admin) => {
        const found = (await Promise.all(filters.map((f) => admin.describeAcls(f)))).flat();
        io.out(args.json ? JSON.stringify({ acls: found.map(bindingJson) }, null, 2) : found.length === 0 ? 'No ACLs.' : formatAcls(found));
        return 0;
      };
    }
  }
}

const resourceless = (args: AclsArgs) => args.topic.length + args.group.length + args['transactional-id'].length === 0 && !args.cluster;
