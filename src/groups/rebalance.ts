import type { ClassicGroup } from './classic-group';
import type { CoordinatorContext } from './group-registry';
import type { JoinResult } from '../ports/group-coordinator';
import { GroupMember, joinError, syncError } from './group-member';
import type { KafkaErrorName } from '../protocol/error-codes';

/** How long a new member's JoinGroup may wait in a rebalance before it is dropped (Kafka's NewMemberJoinTimeoutMs). */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * The timers and transitions of a classic group's rebalance, as Kafka's GroupCoordinator drives
 * them through its purgatories: the join phase (with the initial delay of an empty group), the
 * sync phase, and members' session expiry.
 */
export class Rebalancer {
  constructor(private readonly context: CoordinatorContext) {}

  /** Restarts the member's session timer (`timeoutMs`, its session timeout unless it is new). */
  scheduleHeartbeat(group: ClassicGroup, member: GroupMember, timeoutMs = member.sessionTimeoutMs): void {
    this.context.cancel(member.heartbeatTimer);
    member.heartbeatSatisfied = false;
    const memberId = member.memberId;
    member.heartbeatTimer = this.context.schedule(timeoutMs, () => this.onHeartbeatExpired(group, memberId, member));
  }

  stopHeartbeat(member: GroupMember): void {
    this.context.cancel(member.heartbeatTimer);
    member.heartbeatTimer = undefined;
  }

  schedulePendingMemberExpiry(group: ClassicGroup, memberId: string, timeoutMs: number): void {
    this.context.schedule(timeoutMs, () => {
      if (group.is('Dead') || !group.isPendingMember(memberId)) return;
      this.context.log(`group ${group.groupId}: pending member ${memberId} removed after its session timeout`);
      this.removePendingMember(group, memberId);
    });
  }

  removePendingMember(group: ClassicGroup, memberId: string): void {
    group.remove(memberId);
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }

  private onHeartbeatExpired(group: ClassicGroup, memberId: string, member: GroupMember): void {
    if (group.is('Dead') || !group.has(memberId) || group.get(memberId) !== member) return;
    if (member.hasSatisfiedHeartbeat) return;
    this.context.log(`group ${group.groupId}: member ${memberId} failed (no heartbeat in ${member.sessionTimeoutMs} ms), removing it`);
    this.removeMemberAndUpdateGroup(group, member, 'heartbeat expiration');
  }

  removeMemberAndUpdateGroup(group: ClassicGroup, member: GroupMember, reason: string): void {
    // A new member may still wait in JoinGroup: it is told to start over.
    group.invokeJoin(member, joinError('', 'UNKNOWN_MEMBER_ID'));
    this.stopHeartbeat(member);
    group.remove(member.memberId);
    if (group.is('Stable') || group.is('CompletingRebalance')) this.maybePrepareRebalance(group, reason);
    else if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }

  maybePrepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.canRebalance) this.prepareRebalance(group, reason);
  }

  prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('CompletingRebalance')) this.propagateAssignmentError(group, 'REBALANCE_IN_PROGRESS');
    this.cancelSyncTimer(group);
    const wasEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.context.now());
    this.context.log(`group ${group.groupId}: preparing to rebalance, old generation ${group.generationId} (${reason})`);
    if (wasEmpty) {
      const delay = this.context.config.initialRebalanceDelayMs;
      this.scheduleInitialJoin(group, delay, Math.max(group.rebalanceTimeoutMs - delay, 0));
    } else {
      this.scheduleJoin(group);
      this.tryCompleteJoin(group);
    }
  }

  private scheduleJoin(group: ClassicGroup): void {
    this.context.cancel(group.joinTimer);
    group.joinIsInitialDelay = false;
    group.joinTimer = this.context.schedule(group.rebalanceTimeoutMs, () => this.completeJoin(group));
  }

  /** Kafka's InitialDelayedJoin: each member that joins meanwhile extends the wait, up to the rebalance timeout. */
  private scheduleInitialJoin(group: ClassicGroup, delayMs: number, remainingMs: number): void {
    this.context.cancel(group.joinTimer);
    group.joinIsInitialDelay = true;
    group.joinTimer = this.context.schedule(delayMs, () => {
      if (group.newMemberAdded && remainingMs !== 0) {
        group.newMemberAdded = false;
        const delay = Math.min(this.context.config.initialRebalanceDelayMs, remainingMs);
        this.scheduleInitialJoin(group, delay, Math.max(remainingMs - delayMs, 0));
      } else {
        this.completeJoin(group);
      }
    });
  }

  /** Ends the join phase now if every member has rejoined (never during the initial delay). */
  tryCompleteJoin(group: ClassicGroup): void {
    if (group.is('PreparingRebalance') && !group.joinIsInitialDelay && group.hasAllMembersJoined) this.completeJoin(group);
  }

  private completeJoin(group: ClassicGroup): void {
    this.context.cancel(group.joinTimer);
    group.joinTimer = undefined;
    group.joinIsInitialDelay = false;
    if (!group.is('PreparingRebalance')) return;
    for (const member of group.notYetRejoined) {
      if (member.isStatic) continue;
      this.stopHeartbeat(member);
      group.remove(member.memberId);
    }
    if (!group.electJoinedLeader() && group.size > 0) {
      // Nobody rejoined: wait another rebalance timeout for the session timeouts to clear the members out.
      this.context.log(`group ${group.groupId}: could not complete the rebalance, no member rejoined`);
      this.scheduleJoin(group);
      return;
    }
    group.initNextGeneration(this.context.now());
    if (group.is('Empty')) {
      this.context.log(`group ${group.groupId} with generation ${group.generationId} is now empty`);
      this.context.store.saveGroup(group.toStored()).catch((error: Error) =>
        this.context.log(`group ${group.groupId}: storing the empty generation failed: ${error.message}`));
      return;
    }
    this.context.log(`group ${group.groupId}: generation ${group.generationId} (${group.protocolName}) with ${group.size} members`);
    for (const member of group.allMembers) {
      const result: JoinResult = {
        error: 'NONE',
        memberId: member.memberId,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leaderId: group.leaderId ?? '',
        skipAssignment: false,
        members: group.isLeader(member.memberId) ? group.currentMemberMetadata() : [],
      };
      group.invokeJoin(member, result);
      this.scheduleHeartbeat(group, member);
      member.isNew = false;
    }
    group.addPendingSyncMembers();
    this.scheduleSync(group);
  }

  private scheduleSync(group: ClassicGroup): void {
    this.context.cancel(group.syncTimer);
    const generationId = group.generationId;
    group.syncTimer = this.context.schedule(group.rebalanceTimeoutMs, () => {
      group.syncTimer = undefined;
      if (generationId !== group.generationId || !(group.is('CompletingRebalance') || group.is('Stable'))) return;
      const missing = group.pendingSync;
      if (missing.length === 0) return;
      for (const memberId of missing) {
        this.stopHeartbeat(group.get(memberId));
        group.remove(memberId);
      }
      this.prepareRebalance(group, `members ${missing.join(', ')} sent no SyncGroup in time`);
    });
  }

  /** A member's SyncGroup arrived: once all have, the sync timer has nothing left to do. */
  syncReceived(group: ClassicGroup, memberId: string): void {
    group.removePendingSyncMember(memberId);
    if (group.pendingSync.length === 0) this.cancelSyncTimer(group);
  }

  private cancelSyncTimer(group: ClassicGroup): void {
    this.context.cancel(group.syncTimer);
    group.syncTimer = undefined;
    group.clearPendingSyncMembers();
  }

  /** The leader's assignment is stored: every member waiting in SyncGroup gets its part. */
  propagateAssignment(group: ClassicGroup, assignments: Map<string, Buffer>): void {
    for (const member of group.allMembers) member.assignment = assignments.get(member.memberId) ?? Buffer.alloc(0);
    for (const member of group.allMembers) {
      const answered = group.invokeSync(member, { error: 'NONE', protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
      if (answered) this.scheduleHeartbeat(group, member);
    }
  }

  propagateAssignmentError(group: ClassicGroup, error: KafkaErrorName): void {
    for (const member of group.allMembers) {
      member.assignment = Buffer.alloc(0);
      if (group.invokeSync(member, syncError(error))) this.scheduleHeartbeat(group, member);
    }
  }

  /** Stops every timer of the group (shutdown, deletion). */
  stopTimers(group: ClassicGroup): void {
    this.context.cancel(group.joinTimer);
    this.context.cancel(group.syncTimer);
    for (const member of group.allMembers) this.stopHeartbeat(member);
  }
}
