import type { Argv } from 'yargs';
import { KafkaClient } from '../../client/kafka-client';
import { ConsumerGroupAdmin, GroupDescription } from '../../client/consumer-group-admin';
import { KafkaError } from '../../protocol/error-codes';
import type { CommandIO } from '../io';
import { connectClient, SecurityArgs, withSecurityOptions } from '../client-options';
import { formatMembers, formatOffsets, formatState, groupNotice, offsetRows, partitionKey, PartitionMap, table } from '../groups/group-views';
import { parseDateTime, parseTopicArgument, PartitionRef, planReset, ResetPlanError, ResetSpec } from '../groups/reset-plan';

interface GroupsArgs extends SecurityArgs {
  action: 'list' | 'describe' | 'delete' | 'delete-offsets' | 'reset-offsets';
  'bootstrap-server': string;
  group: string[];
  'all-groups': boolean;
  members: boolean;
  state: boolean;
  offsets: boolean;
  verbose: boolean;
  topic: string[];
  'all-topics': boolean;
  'to-earliest': boolean;
  'to-latest': boolean;
  'to-current': boolean;
  'to-datetime'?: string;
  'to-offset'?: number;
  'shift-by'?: number;
  'dry-run': boolean;
  execute: boolean;
  json: boolean;
}

export const command = 'groups <action>';
export const describe = 'List, describe, delete consumer groups and reset their offsets, like kafka-consumer-groups.sh';

export function builder(yargs: Argv): Argv<GroupsArgs> {
  return withSecurityOptions(yargs)
    .positional('action', { choices: ['list', 'describe', 'delete', 'delete-offsets', 'reset-offsets'] as const, demandOption: true })
    .option('bootstrap-server', { type: 'string', default: '127.0.0.1:9092', describe: 'host:port[,host:port]' })
    .option('group', { type: 'string', array: true, default: [] as string[], describe: 'the group (repeatable)' })
    .option('all-groups', { type: 'boolean', default: false, describe: 'describe, delete or reset every group' })
    .option('offsets', { type: 'boolean', default: false, describe: 'describe: per partition its committed (current) offset, log end offset, lag and consumer (the default view)' })
    .option('members', { type: 'boolean', default: false, describe: 'describe: the members, their hosts, client ids and partition counts' })
    .option('state', { type: 'boolean', default: false, describe: 'describe: coordinator, assignor, state and member count; list: each group with its state' })
    .option('verbose', { type: 'boolean', default: false, describe: 'describe --members: each member\'s partitions too' })
    .option('topic', { type: 'string', array: true, default: [] as string[], describe: 'reset-offsets, delete-offsets: TOPIC or TOPIC:P[,P...] (repeatable)' })
    .option('all-topics', { type: 'boolean', default: false, describe: 'reset-offsets: every topic the group has committed offsets for' })
    .option('to-earliest', { type: 'boolean', default: false, describe: 'reset to the log start offset' })
    .option('to-latest', { type: 'boolean', default: false, describe: 'reset to the log end offset' })
    .option('to-current', { type: 'boolean', default: false, describe: 'reset to the committed offset (log end where none)' })
    .option('to-datetime', { type: 'string', describe: 'reset to the first offset at or after YYYY-MM-DDTHH:mm:SS.sss[zone] (local time without a zone)' })
    .option('to-offset', { type: 'number', describe: 'reset to this offset, kept within the log start and end' })
    .option('shift-by', { type: 'number', describe: 'move the committed offset by N (negative: back), kept within the log' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the new offsets only (what reset-offsets does without --execute)' })
    .option('execute', { type: 'boolean', default: false, describe: 'commit the new offsets; the group must have no members (state Empty or Dead)' })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON document instead of tables' }) as Argv<GroupsArgs>;
}

class UsageProblem extends Error {}

function resetSpec(args: GroupsArgs): ResetSpec {
  const specs: ResetSpec[] = [];
  if (args['to-earliest']) specs.push({ kind: 'to-earliest' });
  if (args['to-latest']) specs.push({ kind: 'to-latest' });
  if (args['to-current']) specs.push({ kind: 'to-current' });
  if (args['to-datetime'] !== undefined) specs.push({ kind: 'to-datetime', timestamp: parseDateTime(args['to-datetime']) });
  if (args['to-offset'] !== undefined) specs.push({ kind: 'to-offset', offset: args['to-offset'] });
  if (args['shift-by'] !== undefined) specs.push({ kind: 'shift-by', delta: args['shift-by'] });
  for (const spec of specs) {
    const n = spec.kind === 'to-offset' ? spec.offset : spec.kind === 'shift-by' ? spec.delta : 0;
    if (!Number.isSafeInteger(n)) throw new UsageProblem(`--${spec.kind}: expected a whole number`);
  }
  if (specs.length !== 1) throw new UsageProblem('reset-offsets needs exactly one of --to-earliest, --to-latest, --to-current, --to-datetime, --to-offset, --shift-by');
  return specs[0];
}

async function groupIds(args: GroupsArgs, admin: ConsumerGroupAdmin): Promise<string[]> {
  if (args['all-groups']) return (await admin.listGroups()).map((g) => g.groupId);
  return args.group;
}

/** Offsets per partition at one ListOffsets timestamp, topic by topic; a partition that failed is left out. */
async function listOffsetsAt(client: KafkaClient, partitions: readonly PartitionRef[], timestamp: number): Promise<PartitionMap<number>> {
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  const found: PartitionMap<number> = new Map();
  for (const [topic, numbers] of byTopic) {
    try {
      const outcome = await client.listOffsets(topic, numbers, timestamp);
      for (const [partition, listed] of outcome.offsets) found.set(partitionKey(topic, partition), listed.offset);
    } catch (error) {
      // A topic deleted since the group committed to it: its partitions have no log end to show.
      if (!(error instanceof KafkaError && error.errorName === 'UNKNOWN_TOPIC_OR_PARTITION')) throw error;
    }
  }
  return found;
}

async function describeGroups(args: GroupsArgs, client: KafkaClient, admin: ConsumerGroupAdmin, io: CommandIO): Promise<number> {
  const documents: object[] = [];
  let status = 0;
  for (const groupId of await groupIds(args, admin)) {
    const group = await admin.describeGroup(groupId);
    const committed = await admin.committedOffsets(groupId);
    const involved = [
      ...group.members.flatMap((m) => m.assignment.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })))),
      ...committed,
    ];
    const unique = [...new Map(involved.map((p) => [partitionKey(p.topic, p.partition), { topic: p.topic, partition: p.partition }])).values()];
    const rows = offsetRows(group, committed, await listOffsetsAt(client, unique, -1));
    const notice = groupNotice(group, committed.length > 0);
    if (group.state === 'Dead' && committed.length === 0) status = 1;
    if (args.json) {
      documents.push({ group: groupId, state: group.state, protocolType: group.protocolType, assignor: group.protocol, coordinator: group.coordinator, members: group.members, offsets: rows });
      continue;
    }
    if (notice) io.err(notice);
    if (group.state === 'Dead' && committed.length === 0) continue;
    if (args.state) io.out(formatState(group));
    if (args.members) io.out(group.members.length > 0 ? formatMembers(group, args.verbose) : '');
    if (args.offsets || (!args.state && !args.members)) io.out(formatOffsets(rows));
    io.out('');
  }
  if (args.json) io.out(JSON.stringify({ groups: documents }, null, 2));
  return status;
}

/** The partitions a reset covers: those named by --topic (all of a topic's when none are named) or, with --all-topics, every committed one. */
async function resetScope(args: GroupsArgs, client: KafkaClient, committed: readonly PartitionRef[]): Promise<PartitionRef[]> {
  if (args['all-topics']) return committed.map(({ topic, partition }) => ({ topic, partition }));
  const scope: PartitionRef[] = [];
  for (const text of args.topic) {
    const { topic, partitions } = parseTopicArgument(text);
    const existing = (await client.topic(topic)).partitions.map((p) => p.partition);
    for (const partition of partitions ?? existing) {
      if (!existing.includes(partition)) throw new ResetPlanError(`--topic ${text}: topic ${topic} has no partition ${partition}`);
      scope.push({ topic, partition });
    }
  }
  return scope;
}

function describeMismatch(group: GroupDescription): string {
  return `Assignments can only be reset if the group '${group.groupId}' is inactive, but the current state is ${group.state}.`;
}

/** The checks of reset-offsets' flags that need no broker, made before connecting. */
function checkResetArguments(args: GroupsArgs): ResetSpec {
  const spec = resetSpec(args);
  if (args['all-topics'] === (args.topic.length > 0)) throw new UsageProblem('reset-offsets needs --topic or --all-topics (one of them)');
  if (args['dry-run'] && args.execute) throw new UsageProblem('--dry-run and --execute exclude each other');
  for (const text of args.topic) parseTopicArgument(text);
  return spec;
}

async function resetOffsets(args: GroupsArgs, spec: ResetSpec, client: KafkaClient, admin: ConsumerGroupAdmin, io: CommandIO): Promise<number> {
  if (!args['dry-run'] && !args.execute) io.err('No offsets are committed without --execute: this is a dry run (add --dry-run to say so).');
  const documents: object[] = [];
  let status = 0;
  for (const groupId of await groupIds(args, admin)) {
    const group = await admin.describeGroup(groupId);
    if (group.state !== 'Empty' && group.state !== 'Dead') {
      io.err(`Error: ${describeMismatch(group)}`);
      status = 1;
      continue;
    }
    const committed = await admin.committedOffsets(groupId);
    const scope = await resetScope(args, client, committed);
    const plan = planReset(spec, scope, {
      earliest: await listOffsetsAt(client, scope, -2),
      latest: await listOffsetsAt(client, scope, -1),
      committed: new Map(committed.map((c) => [partitionKey(c.topic, c.partition), c.offset])),
      atTimestamp: spec.kind === 'to-datetime' ? await listOffsetsAt(client, scope, spec.timestamp) : undefined,
    });
    if (args.execute && plan.length > 0) await admin.commitOffsets(groupId, plan.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.newOffset })));
    if (args.json) documents.push({ group: groupId, executed: args.execute, offsets: plan });
    else io.out(`${table(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], plan.map((p) => [groupId, p.topic, String(p.partition), String(p.newOffset)]))}\n`);
  }
  if (args.json) io.out(JSON.stringify({ groups: documents }, null, 2));
  return status;
}

async function deleteGroups(args: GroupsArgs, admin: ConsumerGroupAdmin, io: CommandIO): Promise<number> {
  const results = await admin.deleteGroups(await groupIds(args, admin));
  const failed = [...results].filter(([, error]) => error !== null);
  if (args.json) io.out(JSON.stringify({ groups: [...results].map(([group, error]) => ({ group, deleted: error === null, error })) }, null, 2));
  else if (failed.length === 0) io.out(`Deletion of requested consumer groups (${[...results.keys()].map((g) => `'${g}'`).join(', ')}) was successful.`);
  else {
    io.err(`Deletion of some consumer groups failed:\n${failed.map(([group, error]) => `* Group '${group}' could not be deleted due to: ${error}`).join('\n')}`);
    const deleted = [...results].filter(([, error]) => error === null).map(([group]) => `'${group}'`);
    if (deleted.length > 0) io.out(`These consumer groups were deleted successfully: ${deleted.join(', ')}`);
  }
  return failed.length === 0 ? 0 : 1;
}

/** Kafka's --delete-offsets: the group's commits of the named partitions go; refused per partition while a member consumes its topic. */
async function deleteOffsets(args: GroupsArgs, client: KafkaClient, admin: ConsumerGroupAdmin, io: CommandIO): Promise<number> {
  const [groupId] = args.group;
  const results = await admin.deleteOffsets(groupId, await resetScope({ ...args, 'all-topics': false }, client, []));
  const failed = results.filter((r) => r.error !== null);
  if (args.json) io.out(JSON.stringify({ group: groupId, partitions: results }, null, 2));
  else {
    io.out(failed.length === 0 ? `Request succeeded for deleting offsets from group ${groupId}.` : `Request failed for deleting offsets from group ${groupId}.`);
    io.out(table(['TOPIC', 'PARTITION', 'STATUS'], results.map((r) => [r.topic, String(r.partition), r.error === null ? 'Successful' : `Error: ${r.error}`])));
  }
  return failed.length === 0 ? 0 : 1;
}

async function listGroups(args: GroupsArgs, admin: ConsumerGroupAdmin, io: CommandIO): Promise<number> {
  const groups = await admin.listGroups();
  if (args.json) io.out(JSON.stringify({ groups: groups.map((g) => ({ group: g.groupId, state: g.state, protocolType: g.protocolType })) }, null, 2));
  else if (args.state) io.out(table(['GROUP', 'STATE'], groups.map((g) => [g.groupId, g.state || '-'])));
  else for (const g of groups) io.out(g.groupId);
  return 0;
}

/** Bad flags exit 2 (as usage errors do); a plan the broker's offsets make impossible exits 1. */
function reportUsage(error: unknown, io: CommandIO, beforeConnecting = false): number {
  if (error instanceof UsageProblem) {
    io.err(`sluice groups: ${error.message}`);
    return 2;
  }
  if (error instanceof ResetPlanError) {
    io.err(`sluice groups reset-offsets: ${error.message}`);
    return beforeConnecting ? 2 : 1;
  }
  throw error;
}

export async function handler(args: GroupsArgs, io: CommandIO): Promise<number> {
  let spec: ResetSpec | undefined;
  try {
    if (args.action === 'reset-offsets') spec = checkResetArguments(args);
    if (args.action === 'delete-offsets') {
      if (args.group.length !== 1 || args['all-groups']) throw new UsageProblem('delete-offsets takes one --group');
      if (args.topic.length === 0) throw new UsageProblem('delete-offsets needs --topic TOPIC[:P,...]');
      for (const text of args.topic) parseTopicArgument(text);
    }
    if (args.action !== 'list' && !args['all-groups'] && args.group.length === 0) throw new UsageProblem(`${args.action}: name a --group (or --all-groups)`);
  } catch (error) {
    return reportUsage(error, io, true);
  }
  const client = await connectClient(args);
  const admin = new ConsumerGroupAdmin(client);
  try {
    switch (args.action) {
      case 'list':
        return await listGroups(args, admin, io);
      case 'describe':
        return await describeGroups(args, client, admin, io);
      case 'delete':
        return await deleteGroups(args, admin, io);
      case 'delete-offsets':
        return await deleteOffsets(args, client, admin, io);
      case 'reset-offsets':
        return await resetOffsets(args, spec!, client, admin, io);
    }
  } catch (error) {
    return reportUsage(error, io);
  } finally {
    client.close();
  }
}
