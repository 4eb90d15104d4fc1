import type { CommittedOffset, GroupDescription } from '../../client/consumer-group-admin';

/** One row of `sluice groups describe` (Kafka's --offsets view): a partition, its lag and who consumes it. */
export interface OffsetRow {
  group: string;
  topic: string | null;
  partition: number | null;
  currentOffset: number | null;
  logEndOffset: number | null;
  lag: number | null;
  memberId: string | null;
  groupInstanceId: string | null;
  host: string | null;
  clientId: string | null;
}

/** `topic\0partition` → value. */
export type PartitionMap<T> = Map<string, T>;
export const partitionKey = (topic: string, partition: number) => `${topic}\0${partition}`;

/**
 * Kafka's rows: each assigned partition with its member, each committed partition nobody is assigned, and a
 * member with no partition as one row of dashes; sorted by topic and partition.
 */
export function offsetRows(group: GroupDescription, committed: readonly CommittedOffset[], logEnds: PartitionMap<number>): OffsetRow[] {
  const committedAt = new Map(committed.map((c) => [partitionKey(c.topic, c.partition), c.offset]));
  const rows: OffsetRow[] = [];
  const assigned = new Set<string>();
  const row = (topic: string, partition: number, member: GroupDescription['members'][number] | null): OffsetRow => {
    const key = partitionKey(topic, partition);
    const currentOffset = committedAt.get(key) ?? null;
    const logEndOffset = logEnds.get(key) ?? null;
    return {
      group: group.groupId, topic, partition, currentOffset, logEndOffset,
      lag: currentOffset !== null && logEndOffset !== null ? Math.max(0, logEndOffset - currentOffset) : null,
      memberId: member?.memberId ?? null, groupInstanceId: member?.groupInstanceId ?? null, host: member?.host ?? null, clientId: member?.clientId ?? null,
    };
  };
  for (const member of group.members) {
    for (const { topic, partitions } of member.assignment) {
      for (const partition of partitions) {
        assigned.add(partitionKey(topic, partition));
        rows.push(row(topic, partition, member));
      }
    }
  }
  for (const c of committed) if (!assigned.has(partitionKey(c.topic, c.partition))) rows.push(row(c.topic, c.partition, null));
  rows.sort((a, b) => (a.topic ?? '').localeCompare(b.topic ?? '') || (a.partition ?? 0) - (b.partition ?? 0) || (a.memberId ?? '').localeCompare(b.memberId ?? ''));
  for (const member of group.members) {
    if (member.assignment.every((a) => a.partitions.length === 0)) {
      rows.push({ group: group.groupId, topic: null, partition: null, currentOffset: null, logEndOffset: null, lag: null, memberId: member.memberId, groupInstanceId: member.groupInstanceId, host: member.host, clientId: member.clientId });
    }
  }
  return rows;
}

/** Columns padded to their widest cell, as kafka-consumer-groups.sh prints them. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join(' ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const dash = (value: string | number | null) => (value === null || value === '' ? '-' : String(value));
/** Kafka's tool shows the client host as the broker saw it, e.g. /127.0.0.1. */
const hostCell = (host: string | null) => (host === null ? '-' : host.startsWith('/') ? host : `/${host}`);

export function formatOffsets(rows: readonly OffsetRow[]): string {
  return table(
    ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
    rows.map((r) => [r.group, dash(r.topic), dash(r.partition), dash(r.currentOffset), dash(r.logEndOffset), dash(r.lag), dash(r.memberId), hostCell(r.host), dash(r.clientId)]),
  );
}

const assignmentText = (member: GroupDescription['members'][number]) =>
  member.assignment.filter((a) => a.partitions.length > 0).map((a) => `${a.topic}(${[...a.partitions].sort((x, y) => x - y).join(',')})`).join(', ') || '-';

/** Kafka's --members view; `verbose` adds each member's assignment. */
export function formatMembers(group: GroupDescription, verbose: boolean): string {
  const header = ['GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', ...(verbose ? ['ASSIGNMENT'] : [])];
  return table(header, group.members.map((m) => [
    group.groupId, m.memberId, dash(m.groupInstanceId), hostCell(m.host), m.clientId,
    String(m.assignment.reduce((n, a) => n + a.partitions.length, 0)), ...(verbose ? [assignmentText(m)] : []),
  ]));
}

/** Kafka's --state view. */
export function formatState(group: GroupDescription): string {
  const { host, port, nodeId } = group.coordinator;
  return table(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'],
    [[group.groupId, `${host}:${port} (${nodeId})`, dash(group.protocol), group.state, String(group.members.length)]]);
}

/** What Kafka's tool says above a group's table when nobody consumes, or instead of it when there is no group. */
export function groupNotice(group: GroupDescription, hasOffsets: boolean): string | null {
  if (group.state === 'Dead' && !hasOffsets) return `Consumer group '${group.groupId}' does not exist.`;
  if (group.members.length === 0) return `Consumer group '${group.groupId}' has no active members.`;
  if (group.state === 'PreparingRebalance' || group.state === 'CompletingRebalance') return `Warning: Consumer group '${group.groupId}' is rebalancing.`;
  return null;
}
