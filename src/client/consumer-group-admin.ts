import { deleteGroupsRequestSchema } from '../protocol/generated/delete-groups-request';
import { deleteGroupsResponseSchema } from '../protocol/generated/delete-groups-response';
import { describeGroupsRequestSchema } from '../protocol/generated/describe-groups-request';
import { describeGroupsResponseSchema } from '../protocol/generated/describe-groups-response';
import { findCoordinatorRequestSchema } from '../protocol/generated/find-coordinator-request';
import { findCoordinatorResponseSchema } from '../protocol/generated/find-coordinator-response';
import { listGroupsRequestSchema } from '../protocol/generated/list-groups-request';
import { listGroupsResponseSchema } from '../protocol/generated/list-groups-response';
import { offsetCommitRequestSchema } from '../protocol/generated/offset-commit-request';
import { offsetCommitResponseSchema } from '../protocol/generated/offset-commit-response';
import { offsetDeleteRequestSchema } from '../protocol/generated/offset-delete-request';
import { offsetDeleteResponseSchema } from '../protocol/generated/offset-delete-response';
import { offsetFetchRequestSchema } from '../protocol/generated/offset-fetch-request';
import { offsetFetchResponseSchema } from '../protocol/generated/offset-fetch-response';
import { KafkaError, KafkaErrors, errorNameForCode } from '../protocol/error-codes';
import { KafkaClient, throwIfError } from './kafka-client';

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  /** Empty when the broker answers ListGroups below v4, which carries no state. */
  state: string;
}

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface GroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  host: string;
  /** The partitions of the member's consumer-protocol assignment (empty while the group rebalances). */
  assignment: TopicPartitions[];
}

export interface GroupDescription {
  groupId: string;
  /** Kafka's names: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead. */
  state: string;
  protocolType: string;
  /** The assignor the group chose (e.g. range, cooperative-sticky). */
  protocol: string;
  coordinator: { nodeId: number; host: string; port: number };
  members: GroupMember[];
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: number;
  metadata: string | null;
}

export class MalformedAssignmentError extends Error {
  constructor(readonly memberId: string, detail: string) {
    super(`the assignment of member ${memberId}: ${detail}`);
    this.name = 'MalformedAssignmentError';
  }
}

/** ConsumerProtocolAssignment (every version): int16 version, then [topic string, [int32 partition]], then user data. */
export function decodeConsumerAssignment(bytes: Buffer, memberId = '?'): TopicPartitions[] {
  if (bytes.length === 0) return [];
  if (bytes.length < 2) throw new MalformedAssignmentError(memberId, 'shorter than its version field');
  let position = 2;
  const need = (n: number) => {
    if (position + n > bytes.length) throw new MalformedAssignmentError(memberId, `cut short at byte ${position} of ${bytes.length}`);
  };
  const int32 = () => {
    need(4);
    position += 4;
    return bytes.readInt32BE(position - 4);
  };
  const topics: TopicPartitions[] = [];
  for (let t = 0, count = int32(); t < count; t++) {
    need(2);
    const length = bytes.readInt16BE(position);
    position += 2;
    if (length < 0) throw new MalformedAssignmentError(memberId, 'a null topic name');
    need(length);
    const topic = bytes.toString('utf8', position, position + length);
    position += length;
    const partitions: number[] = [];
    for (let p = 0, n = int32(); p < n; p++) partitions.push(int32());
    topics.push({ topic, partitions });
  }
  return topics;
}

const COORDINATOR_RETRIES = 10;
const RETRY_PAUSE_MS = 200;
const GROUP_KEY_TYPE = 0;

function retriableCoordinatorError(code: number): boolean {
  return code === KafkaErrors.COORDINATOR_NOT_AVAILABLE.code || code === KafkaErrors.COORDINATOR_LOAD_IN_PROGRESS.code || code === KafkaErrors.NOT_COORDINATOR.code;
}

/** The consumer-group calls of Kafka's Admin client (what kafka-consumer-groups.sh uses), on sluice's client. */
export class ConsumerGroupAdmin {
  constructor(private readonly client: KafkaClient) {}

  /** FindCoordinator for a group, retried while the coordinator loads. */
  async coordinator(groupId: string): Promise<{ nodeId: number; host: string; port: number }> {
    for (let attempt = 1; ; attempt++) {
      const answer = await this.client.call(10, findCoordinatorRequestSchema, findCoordinatorResponseSchema, () => ({ key: groupId, keyType: GROUP_KEY_TYPE }));
      const code = answer.errorCode ?? 0;
      if (code === 0) {
        const found = { nodeId: answer.nodeId ?? -1, host: answer.host ?? '', port: answer.port ?? -1 };
        this.client.learnBroker(found.nodeId, found.host, found.port);
        return found;
      }
      if (!retriableCoordinatorError(code) || attempt >= COORDINATOR_RETRIES) throwIfError(code, `find the coordinator of group ${groupId}`, answer.errorMessage, this.client.principal);
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    }
  }

  /** Every group of every broker, as Kafka's Admin.listConsumerGroups asks them. */
  async listGroups(): Promise<ListedGroup[]> {
    const groups: ListedGroup[] = [];
    for (const nodeId of this.client.brokerIds()) {
      const answer = await this.client.call(16, listGroupsRequestSchema, listGroupsResponseSchema, () => ({ statesFilter: [], typesFilter: [] }), nodeId);
      throwIfError(answer.errorCode, `list groups on broker ${nodeId}`, null, this.client.principal);
      for (const g of answer.groups) groups.push({ groupId: g.groupId, protocolType: g.protocolType, state: g.groupState ?? '' });
    }
    return groups.sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    const coordinator = await this.coordinator(groupId);
    const answer = await this.client.call(15, describeGroupsRequestSchema, describeGroupsResponseSchema, () => ({ groups: [groupId], includeAuthorizedOperations: false }), coordinator.nodeId);
    const group = answer.groups.find((g) => g.groupId === groupId);
    if (!group) throw new KafkaError('UNKNOWN_SERVER_ERROR', `describe group ${groupId}: not in the answer`);
    throwIfError(group.errorCode, `describe group ${groupId}`, null, this.client.principal);
    const consumer = group.protocolType === 'consumer' || group.protocolType === '';
    return {
      groupId,
      state: group.groupState,
      protocolType: group.protocolType,
      protocol: group.protocolData,
      coordinator,
      members: group.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
        clientId: m.clientId,
        host: m.clientHost,
        assignment: consumer ? decodeConsumerAssignment(m.memberAssignment, m.memberId) : [],
      })),
    };
  }

  /** Every offset the group has committed (OffsetFetch with null topics). */
  async committedOffsets(groupId: string): Promise<CommittedOffset[]> {
    const coordinator = await this.coordinator(groupId);
    const answer = await this.client.call(9, offsetFetchRequestSchema, offsetFetchResponseSchema, () => ({ groupId, topics: null, requireStable: false }), coordinator.nodeId);
    throwIfError(answer.errorCode ?? 0, `fetch the committed offsets of group ${groupId}`, null, this.client.principal);
    const offsets: CommittedOffset[] = [];
    for (const topic of answer.topics ?? []) {
      for (const p of topic.partitions) {
        throwIfError(p.errorCode, `committed offset of ${topic.name}-${p.partitionIndex} in group ${groupId}`, null, this.client.principal);
        if (p.committedOffset >= 0) offsets.push({ topic: topic.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.metadata });
      }
    }
    return offsets.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  /**
   * Commits offsets as an admin does (generation -1, no member id): the coordinator accepts that only while the
   * group has no members, and answers UNKNOWN_MEMBER_ID otherwise, as Kafka does.
   */
  async commitOffsets(groupId: string, offsets: readonly { topic: string; partition: number; offset: number }[]): Promise<void> {
    const coordinator = await this.coordinator(groupId);
    const byTopic = new Map<string, { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; commitTimestamp: number; committedMetadata: string }[]>();
    for (const o of offsets) {
      byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: '' }]);
    }
    const answer = await this.client.call(8, offsetCommitRequestSchema, offsetCommitResponseSchema, () => ({
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    }), coordinator.nodeId);
    const failed = answer.topics.flatMap((t) => t.partitions.filter((p) => p.errorCode !== 0).map((p) => `${t.name}-${p.partitionIndex}: ${errorNameForCode(p.errorCode) ?? p.errorCode}`));
    if (failed.length > 0) {
      const first = answer.topics.flatMap((t) => t.partitions).find((p) => p.errorCode !== 0)!;
      throwIfError(first.errorCode, `commit offsets of group ${groupId} (${failed.join(', ')})`, null, this.client.principal);
    }
  }

  /** DeleteGroups, each group at its coordinator: group → null when deleted, or the error's name. */
  async deleteGroups(groupIds: readonly string[]): Promise<Map<string, string | null>> {
    const results = new Map<string, string | null>();
    for (const groupId of groupIds) {
      const coordinator = await this.coordinator(groupId);
      const answer = await this.client.call(42, deleteGroupsRequestSchema, deleteGroupsResponseSchema, () => ({ groupsNames: [groupId] }), coordinator.nodeId);
      const result = answer.results.find((r) => r.groupId === groupId);
      results.set(groupId, !result ? 'UNKNOWN_SERVER_ERROR' : result.errorCode === 0 ? null : errorNameForCode(result.errorCode) ?? `error ${result.errorCode}`);
    }
    return results;
  }

  /**
   * OffsetDelete: removes the group's committed offsets of these partitions. A group-level error throws; each
   * partition gets null when deleted or the error's name (GROUP_SUBSCRIBED_TO_TOPIC while a member consumes it).
   */
  async deleteOffsets(groupId: string, partitions: readonly { topic: string; partition: number }[]): Promise<{ topic: string; partition: number; error: string | null }[]> {
    const coordinator = await this.coordinator(groupId);
    const byTopic = new Map<string, { partitionIndex: number }[]>();
    for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), { partitionIndex: p.partition }]);
    const answer = await this.client.call(47, offsetDeleteRequestSchema, offsetDeleteResponseSchema, () => ({
      groupId,
      topics: [...byTopic].map(([name, asked]) => ({ name, partitions: asked })),
    }), coordinator.nodeId);
    throwIfError(answer.errorCode, `delete offsets of group ${groupId}`, null, this.client.principal);
    return answer.topics.flatMap((t) => t.partitions.map((p) => ({
      topic: t.name, partition: p.partitionIndex, error: p.errorCode === 0 ? null : errorNameForCode(p.errorCode) ?? `error ${p.errorCode}`,
    })));
  }
}
