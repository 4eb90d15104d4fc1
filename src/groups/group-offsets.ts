import type { KafkaErrorName } from '../protocol/error-codes';
import type { CommittedOffset, TopicPartitionRef } from '../ports/group-store';
import type { ClassicGroup } from './classic-group';
import type { FetchedOffset, OffsetCommitRequest, PartitionError, PendingTransactionalOffsets } from '../ports/group-coordinator';
import type { CoordinatorContext } from './group-registry';
import { validateCurrentMember } from './membership';
import type { Rebalancer } from './rebalance';


const partitionKey = (topic: string, partition: number) => `${partition}:${topic}`;

/** Committed offsets: OffsetCommit's checks, OffsetFetch, OffsetDelete, expiry and removal with deleted topics. */
export class GroupOffsets {
  /** Offsets written but not yet on disk, per group: requireStable answers UNSTABLE_OFFSET_COMMIT for them. */
  private readonly pending = new Map<string, Map<string, number>>();
  pendingTransactional: PendingTransactionalOffsets = () => false;

  constructor(private readonly context: CoordinatorContext, private readonly rebalancer: Rebalancer) {}

  async commit(request: OffsetCommitRequest): Promise<PartitionError[]> {
    const all = (error: KafkaErrorName) => request.offsets.map(({ topic, partition }) => ({ topic, partition, error }));
    let group = this.context.groups.get(request.groupId);
    if (!group) {
      // Only a consumer that manages its own partitions (generation -1) creates a group by committing.
      if (request.generationId >= 0) return all('ILLEGAL_GENERATION');
      group = this.context.groups.getOrCreate(request.groupId);
    }
    const error = this.validateCommit(group, request);
    if (error) return all(error);
    if (group.is('CompletingRebalance')) return all('REBALANCE_IN_PROGRESS');
    if (!group.is('Empty')) this.rebalancer.scheduleHeartbeat(group, group.get(request.memberId));
    const max = this.context.config.offsetMetadataMaxBytes;
    const now = this.context.now();
    const accepted: CommittedOffset[] = request.offsets.filter((o) => Buffer.byteLength(o.metadata) <= max).map((o) => ({
      ...o,
      commitTimestamp: o.commitTimestamp ?? now,
      expireTimestamp: request.retentionMs === null ? null : now + request.retentionMs,
    }));
    const results = request.offsets.map(({ topic, partition, metadata }) => ({
      topic, partition, error: (Buffer.byteLength(metadata) <= max ? 'NONE' : 'OFFSET_METADATA_TOO_LARGE') as KafkaErrorName,
    }));
    if (accepted.length === 0) return results;
    this.markPending(group.groupId, accepted, 1);
    try {
      await this.context.store.commitOffsets(group.groupId, accepted);
    } catch (failure) {
      this.context.log(`group ${group.groupId}: committing offsets failed: ${(failure as Error).message}`);
      return results.map((r) => (r.error === 'NONE' ? { ...r, error: 'COORDINATOR_NOT_AVAILABLE' as KafkaErrorName } : r));
    } finally {
      this.markPending(group.groupId, accepted, -1);
    }
    return results;
  }

  /** Kafka's GroupCoordinator.handleTxnCommitOffsets checks, in its order. */
  checkTransactionalCommit(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): KafkaErrorName {
    const group = this.context.groups.get(groupId);
    if (!group) return 'NONE';
    if (group.is('Dead')) return 'COORDINATOR_NOT_AVAILABLE';
    if (generationId < 0 && group.is('Empty')) return 'NONE';
    if (groupInstanceId !== null) {
      const current = group.staticMemberId(groupInstanceId);
      if (current !== undefined && current !== memberId) return 'FENCED_INSTANCE_ID';
    }
    if (memberId !== '' && !group.has(memberId)) return 'UNKNOWN_MEMBER_ID';
    if (generationId >= 0 && generationId !== group.generationId) return 'ILLEGAL_GENERATION';
    return 'NONE';
  }

  private validateCommit(group: ClassicGroup, request: OffsetCommitRequest): KafkaErrorName | undefined {
    if (group.is('Dead')) return 'COORDINATOR_NOT_AVAILABLE';
    // Generation -1 (the admin client, a consumer with assigned partitions) may commit while the group is empty.
    if (request.generationId < 0 && group.is('Empty')) return undefined;
    if (request.generationId >= 0 || request.memberId !== '' || request.groupInstanceId !== null) {
      return validateCurrentMember(group, request.memberId, request.groupInstanceId)
        ?? (request.generationId !== group.generationId ? 'ILLEGAL_GENERATION' : undefined);
    }
    // Once the group has members, only they commit.
    return group.is('Empty') ? undefined : 'UNKNOWN_MEMBER_ID';
  }

  private markPending(groupId: string, offsets: CommittedOffset[], delta: number): void {
    let byPartition = this.pending.get(groupId);
    if (!byPartition) {
      byPartition = new Map();
      this.pending.set(groupId, byPartition);
    }
    for (const { topic, partition } of offsets) {
      const key = partitionKey(topic, partition);
      const next = (byPartition.get(key) ?? 0) + delta;
      if (next > 0) byPartition.set(key, next);
      else byPartition.delete(key);
    }
    if (byPartition.size === 0) this.pending.delete(groupId);
  }

  /** The group's offsets of `partitions` (null: every committed one), -1 where none is committed. */
  fetch(groupId: string, partitions: TopicPartitionRef[] | null, requireStable: boolean): FetchedOffset[] {
    const store = this.context.store;
    const wanted = partitions ?? store.offsets(groupId).map(({ topic, partition }) => ({ topic, partition }));
    const pending = this.pending.get(groupId);
    return wanted.map(({ topic, partition }) => {
      const none = { topic, partition, offset: -1, leaderEpoch: -1, metadata: '' };
      if (requireStable && (pending?.has(partitionKey(topic, partition)) || this.pendingTransactional(groupId, topic, partition))) {
        return { ...none, error: 'UNSTABLE_OFFSET_COMMIT' as KafkaErrorName };
      }
      const stored = store.offset(groupId, topic, partition);
      if (!stored) return { ...none, error: 'NONE' as KafkaErrorName };
      return { topic, partition, offset: stored.offset, leaderEpoch: stored.leaderEpoch, metadata: stored.metadata, error: 'NONE' as KafkaErrorName };
    });
  }

  /** OffsetDelete: an empty group loses any offsets; an active consumer group only those of topics it does not subscribe to. */
  async delete(groupId: string, partitions: TopicPartitionRef[]): Promise<{ error: KafkaErrorName; partitions: PartitionError[] }> {
    const group = this.context.groups.get(groupId);
    if (!group || group.is('Dead')) return { error: 'GROUP_ID_NOT_FOUND', partitions: [] };
    let eligible: TopicPartitionRef[];
    const results: PartitionError[] = [];
    if (group.is('Empty')) {
      eligible = partitions;
    } else if (group.isConsumerGroup) {
      eligible = partitions.filter((p) => !group.isSubscribedTo(p.topic));
      for (const p of partitions) if (group.isSubscribedTo(p.topic)) results.push({ ...p, error: 'GROUP_SUBSCRIBED_TO_TOPIC' });
    } else {
      return { error: 'NON_EMPTY_GROUP', partitions: [] };
    }
    if (eligible.length > 0) {
      await this.context.store.deleteOffsets(groupId, eligible);
      await this.removeIfEmpty(group);
    }
    return { error: 'NONE', partitions: [...eligible.map((p) => ({ ...p, error: 'NONE' as KafkaErrorName })), ...results] };
  }

  /**
   * Kafka's removeExpiredOffsets: an empty group's offsets expire offsets.retention.minutes after it
   * became empty; a stable consumer group's offsets of topics nobody subscribes to, that long after
   * their commit; a group without a protocol (commits only), that long after the commit. An offset
   * committed with its own retention (v2–v4) expires at its own time. Offsets of topics that no longer
   * exist go too. Empty groups left without offsets are removed.
   */
  async expire(topicExists: (topic: string) => boolean): Promise<number> {
    const now = this.context.now();
    const retentionMs = this.context.config.offsetsRetentionMinutes * 60_000;
    let removed = 0;
    for (const group of this.context.groups.all()) {
      const pending = this.pending.get(group.groupId);
      const expired = this.context.store.offsets(group.groupId).filter((o) => {
        if (!topicExists(o.topic)) return true;
        if (pending?.has(partitionKey(o.topic, o.partition))) return false;
        let base: number;
        if (group.protocolType !== null && group.is('Empty')) base = group.stateTimestamp;
        else if (group.isConsumerGroup && group.subscribedTopics !== undefined && group.is('Stable')) {
          if (group.subscribedTopics.has(o.topic)) return false;
          base = o.commitTimestamp;
        } else if (group.protocolType === null) base = o.commitTimestamp;
        else return false;
        return o.expireTimestamp === null ? now - base >= retentionMs : now >= o.expireTimestamp;
      });
      if (expired.length > 0) {
        await this.context.store.deleteOffsets(group.groupId, expired.map(({ topic, partition }) => ({ topic, partition })));
        removed += expired.length;
      }
      await this.removeIfEmpty(group);
    }
    return removed;
  }

  /** The offsets of `topics` in every group (the topics were deleted). */
  async removeTopics(topics: Set<string>): Promise<number> {
    let removed = 0;
    for (const group of this.context.groups.all()) {
      const gone = this.context.store.offsets(group.groupId).filter((o) => topics.has(o.topic)).map(({ topic, partition }) => ({ topic, partition }));
      if (gone.length === 0) continue;
      await this.context.store.deleteOffsets(group.groupId, gone);
      removed += gone.length;
      await this.removeIfEmpty(group);
    }
    return removed;
  }

  /** An empty group without offsets is dead: gone from the coordinator and the store. */
  async removeIfEmpty(group: ClassicGroup): Promise<void> {
    if (!group.is('Empty') || this.context.store.offsets(group.groupId).length > 0 || this.pending.has(group.groupId)) return;
    group.transitionTo('Dead', this.context.now());
    this.context.groups.remove(group.groupId);
    await this.context.store.deleteGroup(group.groupId);
  }
}
