import type { KafkaErrorName } from '../protocol/error-codes';
import type { GroupStore, TopicPartitionRef } from '../ports/group-store';
import type {
  FetchedOffset, GroupCoordinatorPort, GroupDescription, GroupOverview, JoinRequest, JoinResult, LeaveResult, MemberIdentity,
  OffsetCommitRequest, PartitionError, PendingTransactionalOffsets, SyncRequest, SyncResult,
} from '../ports/group-coordinator';
import { ClassicGroup } from './classic-group';
import { GroupCoordinatorConfig, groupCoordinatorConfig } from './group-config';
import { CoordinatorContext, GroupRegistry } from './group-registry';
import { GroupOffsets } from './group-offsets';
import { Membership } from './membership';
import { Rebalancer } from './rebalance';

export interface GroupCoordinatorOptions extends Partial<GroupCoordinatorConfig> {
  log?: (line: string) => void;
  now?: () => number;
  /** Whether a topic still exists (offsets of topics that do not are removed by the expiry check). */
  topicExists?: (topic: string) => boolean;
}


/**
 * The classic group coordinator of this broker, for every group (one broker: it coordinates all
 * of them). Membership and rebalances live in memory with their timers; each stable or empty
 * generation and every committed offset goes to the GroupStore, and a restart brings groups back
 * Stable with their members, whose sessions start again (Kafka's onGroupLoaded).
 */
export class GroupCoordinator implements GroupCoordinatorPort {
  private readonly context: CoordinatorContext;
  private readonly rebalancer: Rebalancer;
  private readonly membership: Membership;
  private readonly offsets: GroupOffsets;
  /** Every timer scheduled and neither fired nor cancelled, so stop() can clear them. */
  private readonly timers = new Set<NodeJS.Timeout>();
  private expiryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly topicExists: (topic: string) => boolean;

  constructor(store: GroupStore, options: GroupCoordinatorOptions = {}) {
    const now = options.now ?? Date.now;
    const config = groupCoordinatorConfig(options);
    this.topicExists = options.topicExists ?? (() => true);
    this.context = {
      config,
      store,
      groups: new GroupRegistry(store, now),
      now,
      log: options.log ?? (() => undefined),
      schedule: (delayMs, action) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (this.stopped) return;
          try {
            action();
          } catch (error) {
            // A timer has no request to fail; the broker must not go down with it.
            this.context.log(`group coordinator timer failed: ${(error as Error).stack ?? error}`);
          }
        }, delayMs);
        timer.unref();
        this.timers.add(timer);
        return timer;
      },
      cancel: (timer) => {
        if (timer === undefined) return;
        clearTimeout(timer);
        this.timers.delete(timer);
      },
    };
    this.rebalancer = new Rebalancer(this.context);
    this.membership = new Membership(this.context, this.rebalancer);
    this.offsets = new GroupOffsets(this.context, this.rebalancer);
    this.load();
  }

  /** Timers waiting (a test's view: heartbeats must not pile them up). */
  get pendingTimers(): number {
    return this.timers.size;
  }

  get config(): GroupCoordinatorConfig {
    return this.context.config;
  }

  private load(): void {
    for (const groupId of this.context.store.groupIds()) {
      const stored = this.context.store.group(groupId);
      if (!stored) continue;
      const group = ClassicGroup.fromStored(stored);
      this.context.groups.add(group);
      for (const member of group.allMembers) this.rebalancer.scheduleHeartbeat(group, member);
    }
  }

  /** Starts the periodic offset expiry (offsets.retention.check.interval.ms). */
  start(): void {
    const every = this.context.config.offsetsRetentionCheckIntervalMs;
    this.expiryTimer = setInterval(() => {
      this.expireOffsets().catch((error: Error) => this.context.log(`offset expiry failed: ${error.message}`));
    }, every);
    this.expiryTimer.unref();
  }

  /** Answers every JoinGroup and SyncGroup still waiting (NOT_COORDINATOR, as Kafka does when it unloads a group) and stops all timers. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.expiryTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const group of this.context.groups.all()) {
      for (const member of group.allMembers) {
        group.invokeJoin(member, { error: 'NOT_COORDINATOR', memberId: member.memberId, generationId: -1, protocolType: null, protocolName: null, leaderId: '', skipAssignment: false, members: [] });
        group.invokeSync(member, { error: 'NOT_COORDINATOR', protocolType: null, protocolName: null, assignment: Buffer.alloc(0) });
      }
    }
  }

  /** Transactions tell the coordinator which offsets are still pending (OffsetFetch requireStable). */
  setPendingTransactionalOffsets(check: PendingTransactionalOffsets): void {
    this.offsets.pendingTransactional = check;
  }

  join(request: JoinRequest): Promise<JoinResult> {
    if (this.stopped) return Promise.resolve({ error: 'NOT_COORDINATOR', memberId: request.memberId, generationId: -1, protocolType: null, protocolName: null, leaderId: '', skipAssignment: false, members: [] });
    return this.membership.join(request);
  }

  sync(request: SyncRequest): Promise<SyncResult> {
    return this.membership.sync(request);
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): KafkaErrorName {
    return this.membership.heartbeat(groupId, memberId, groupInstanceId, generationId);
  }

  leave(groupId: string, members: MemberIdentity[]): LeaveResult {
    return this.membership.leave(groupId, members);
  }

  commitOffsets(request: OffsetCommitRequest): Promise<PartitionError[]> {
    return this.offsets.commit(request);
  }

  checkTransactionalCommit(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): KafkaErrorName {
    return this.offsets.checkTransactionalCommit(groupId, memberId, groupInstanceId, generationId);
  }

  fetchOffsets(groupId: string, partitions: TopicPartitionRef[] | null, requireStable: boolean): FetchedOffset[] {
    return this.offsets.fetch(groupId, partitions, requireStable);
  }

  deleteOffsets(groupId: string, partitions: TopicPartitionRef[]): Promise<{ error: KafkaErrorName; partitions: PartitionError[] }> {
    return this.offsets.delete(groupId, partitions);
  }

  listGroups(): GroupOverview[] {
    return this.context.groups.all().map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state }));
  }

  describeGroup(groupId: string): GroupDescription {
    const group = this.context.groups.get(groupId);
    if (!group) return { groupId, state: 'Dead', protocolType: '', protocol: '', members: [] };
    const stable = group.is('Stable') && group.protocolName !== null;
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocol: stable ? group.protocolName! : '',
      members: group.allMembers.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? m.metadataFor(group.protocolName!) : Buffer.alloc(0),
        assignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  }

  /** DeleteGroups: only an empty group goes (with its offsets). */
  async deleteGroup(groupId: string): Promise<KafkaErrorName> {
    const group = this.context.groups.get(groupId);
    if (!group || group.is('Dead')) return 'GROUP_ID_NOT_FOUND';
    if (!group.is('Empty')) return 'NON_EMPTY_GROUP';
    group.transitionTo('Dead', this.context.now());
    this.rebalancer.stopTimers(group);
    this.context.groups.remove(groupId);
    await this.context.store.deleteGroup(groupId);
    this.context.log(`group ${groupId} deleted`);
    return 'NONE';
  }

  /** Topics were deleted: every group forgets their offsets (Kafka's handleDeletedPartitions). */
  async topicsDeleted(topics: string[]): Promise<void> {
    try {
      const removed = await this.offsets.removeTopics(new Set(topics));
      if (removed > 0) this.context.log(`removed ${removed} committed offsets of deleted topics ${topics.join(', ')}`);
    } catch (error) {
      // The expiry check removes them later: it drops offsets of topics that no longer exist.
      this.context.log(`removing offsets of deleted topics ${topics.join(', ')} failed: ${(error as Error).message}`);
    }
  }

  /** One run of the expiry check (also run by the timer). */
  async expireOffsets(): Promise<number> {
    const removed = await this.offsets.expire(this.topicExists);
    if (removed > 0) this.context.log(`removed ${removed} expired offsets`);
    return removed;
  }
}
