import type { KafkaErrorName } from '../protocol/error-codes';
import type { ClassicGroup } from './classic-group';
import type { CoordinatorContext } from './group-registry';
import type { JoinRequest, JoinResult, LeaveResult, MemberIdentity, SyncRequest, SyncResult } from '../ports/group-coordinator';
import { GroupMember, joinError, syncError } from './group-member';
import { NEW_MEMBER_JOIN_TIMEOUT_MS, Rebalancer } from './rebalance';


/** The classic membership protocol: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, as Kafka's GroupCoordinator answers them. */
export class Membership {
  constructor(private readonly context: CoordinatorContext, private readonly rebalancer: Rebalancer) {}

  join(request: JoinRequest): Promise<JoinResult> {
    return new Promise((answer) => {
      const { config, groups } = this.context;
      if (request.groupId === '') return answer(joinError(request.memberId, 'INVALID_GROUP_ID'));
      if (request.sessionTimeoutMs < config.minSessionTimeoutMs || request.sessionTimeoutMs > config.maxSessionTimeoutMs) {
        return answer(joinError(request.memberId, 'INVALID_SESSION_TIMEOUT'));
      }
      const isUnknownMember = request.memberId === '';
      const group = isUnknownMember ? groups.getOrCreate(request.groupId) : groups.get(request.groupId);
      if (!group) return answer(joinError(request.memberId, 'UNKNOWN_MEMBER_ID'));
      if (!this.acceptsJoiningMember(group, request.memberId)) {
        group.remove(request.memberId);
        return answer(joinError('', 'GROUP_MAX_SIZE_REACHED'));
      }
      if (isUnknownMember) this.newMemberJoin(group, request, answer);
      else this.currentMemberJoin(group, request, answer);
      if (group.is('PreparingRebalance')) this.rebalancer.tryCompleteJoin(group);
    });
  }

  private acceptsJoiningMember(group: ClassicGroup, memberId: string): boolean {
    const max = this.context.config.maxSize;
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance':
        return (group.has(memberId) && group.get(memberId).isAwaitingJoin) || group.awaitingJoinMembers < max;
      default:
        return group.has(memberId) || group.size < max;
    }
  }

  private newMemberJoin(group: ClassicGroup, request: JoinRequest, answer: (result: JoinResult) => void): void {
    if (group.is('Dead')) return answer(joinError('', 'COORDINATOR_NOT_AVAILABLE'));
    if (!group.supportsProtocols(request.protocolType, request.protocols.map((p) => p.name))) return answer(joinError('', 'INCONSISTENT_GROUP_PROTOCOL'));
    const newMemberId = group.generateMemberId(request.clientId, request.groupInstanceId);
    if (request.groupInstanceId !== null) {
      const oldMemberId = group.staticMemberId(request.groupInstanceId);
      if (oldMemberId !== undefined) return this.replaceStaticMember(group, oldMemberId, newMemberId, request, answer);
      return this.addMemberAndRebalance(group, newMemberId, request, answer);
    }
    if (request.requireKnownMemberId) {
      group.addPendingMember(newMemberId);
      this.rebalancer.schedulePendingMemberExpiry(group, newMemberId, request.sessionTimeoutMs);
      return answer(joinError(newMemberId, 'MEMBER_ID_REQUIRED'));
    }
    this.addMemberAndRebalance(group, newMemberId, request, answer);
  }

  private currentMemberJoin(group: ClassicGroup, request: JoinRequest, answer: (result: JoinResult) => void): void {
    const { memberId } = request;
    if (group.is('Dead')) return answer(joinError(memberId, 'COORDINATOR_NOT_AVAILABLE'));
    if (!group.supportsProtocols(request.protocolType, request.protocols.map((p) => p.name))) return answer(joinError(memberId, 'INCONSISTENT_GROUP_PROTOCOL'));
    if (group.isPendingMember(memberId)) {
      if (request.groupInstanceId !== null) return answer(joinError(memberId, 'UNKNOWN_MEMBER_ID'));
      return this.addMemberAndRebalance(group, memberId, request, answer);
    }
    const error = validateCurrentMember(group, memberId, request.groupInstanceId);
    if (error) return answer(joinError(memberId, error));
    const member = group.get(memberId);
    const update = (reason: string) => {
      group.updateMember(member, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, answer);
      this.rebalancer.maybePrepareRebalance(group, reason);
    };
    const currentGeneration = (members: JoinResult['members']): JoinResult => ({
      error: 'NONE', memberId, generationId: group.generationId, protocolType: group.protocolType, protocolName: group.protocolName,
      leaderId: group.leaderId ?? '', skipAssignment: false, members,
    });
    switch (group.state) {
      case 'PreparingRebalance':
        return update(`member ${memberId} joining during PreparingRebalance`);
      case 'CompletingRebalance':
        // The same metadata: it probably missed the JoinGroup answer; the current generation is repeated.
        if (member.matches(request.protocols)) return answer(currentGeneration(group.isLeader(memberId) ? group.currentMemberMetadata() : []));
        return update(`member ${memberId} changed its metadata during CompletingRebalance`);
      case 'Stable':
        // The leader rejoining asks for a new assignment (topic metadata changed, say); a follower only if its metadata changed.
        if (group.isLeader(memberId)) return update(`leader ${memberId} rejoining`);
        if (!member.matches(request.protocols)) return update(`member ${memberId} changed its metadata`);
        return answer(currentGeneration([]));
      default:
        return answer(joinError(memberId, 'UNKNOWN_MEMBER_ID'));
    }
  }

  private addMemberAndRebalance(group: ClassicGroup, memberId: string, request: JoinRequest, answer: (result: JoinResult) => void): void {
    const member = new GroupMember(memberId, request.groupInstanceId, request.clientId, request.clientHost,
      request.rebalanceTimeoutMs, request.sessionTimeoutMs, request.protocolType, request.protocols);
    member.isNew = true;
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member, answer);
    // A new member cannot heartbeat yet; an abandoned JoinGroup is dropped after this long.
    this.rebalancer.scheduleHeartbeat(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.rebalancer.maybePrepareRebalance(group, `adding member ${memberId}${request.reason ? ` (${request.reason})` : ''}`);
  }

  /** KIP-345: a static member that restarts takes over its instance id under a new member id, without a rebalance when nothing changed. */
  private replaceStaticMember(group: ClassicGroup, oldMemberId: string, newMemberId: string, request: JoinRequest, answer: (result: JoinResult) => void): void {
    const instanceId = request.groupInstanceId!;
    const previousLeader = group.leaderId ?? '';
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    this.rebalancer.scheduleHeartbeat(group, member);
    const old = { protocols: member.protocols, rebalance: member.rebalanceTimeoutMs, session: member.sessionTimeoutMs };
    group.updateMember(member, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, answer);
    switch (group.state) {
      case 'Stable': {
        if (group.protocolName !== group.selectProtocol()) {
          this.rebalancer.maybePrepareRebalance(group, `static member ${instanceId} rejoined with other protocols`);
          return;
        }
        this.context.store.saveGroup(group.toStored()).then(
          () => {
            const isLeader = group.isLeader(newMemberId);
            const skip = request.supportSkippingAssignment && isLeader;
            group.invokeJoin(member, {
              error: 'NONE', memberId: newMemberId, generationId: group.generationId, protocolType: group.protocolType,
              protocolName: group.protocolName, leaderId: skip ? group.leaderId ?? '' : previousLeader, skipAssignment: skip,
              members: skip ? group.currentMemberMetadata() : [],
            });
          },
          (error: Error) => {
            this.context.log(`group ${group.groupId}: storing static member ${instanceId} failed: ${error.message}`);
            group.updateMember(member, old.protocols, old.rebalance, old.session);
            const restored = group.replaceStaticMember(instanceId, newMemberId, oldMemberId);
            this.rebalancer.scheduleHeartbeat(group, restored);
            answer({ ...joinError('', 'COORDINATOR_NOT_AVAILABLE'), generationId: group.generationId, leaderId: previousLeader });
          },
        );
        return;
      }
      case 'CompletingRebalance':
        // The leader may already have assigned the old member id: a new rebalance puts things right.
        this.rebalancer.prepareRebalance(group, `static member ${instanceId} rejoined during CompletingRebalance`);
        return;
      default:
        return; // PreparingRebalance: it simply waits with the others
    }
  }

  sync(request: SyncRequest): Promise<SyncResult> {
    return new Promise((answer) => {
      if (request.groupId === '') return answer(syncError('INVALID_GROUP_ID'));
      const group = this.context.groups.get(request.groupId);
      if (!group) return answer(syncError('UNKNOWN_MEMBER_ID'));
      if (group.is('Dead')) return answer(syncError('COORDINATOR_NOT_AVAILABLE'));
      const error = validateCurrentMember(group, request.memberId, request.groupInstanceId)
        ?? (request.generationId !== group.generationId ? 'ILLEGAL_GENERATION' : undefined)
        ?? (request.protocolType !== null && request.protocolType !== group.protocolType ? 'INCONSISTENT_GROUP_PROTOCOL' : undefined)
        ?? (request.protocolName !== null && request.protocolName !== group.protocolName ? 'INCONSISTENT_GROUP_PROTOCOL' : undefined);
      if (error) return answer(syncError(error));
      const member = group.get(request.memberId);
      switch (group.state) {
        case 'Empty':
          return answer(syncError('UNKNOWN_MEMBER_ID'));
        case 'PreparingRebalance':
          return answer(syncError('REBALANCE_IN_PROGRESS'));
        case 'Stable':
          this.rebalancer.syncReceived(group, member.memberId);
          answer({ error: 'NONE', protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
          this.rebalancer.scheduleHeartbeat(group, member);
          return;
        case 'CompletingRebalance':
          member.awaitingSync?.(syncError('REBALANCE_IN_PROGRESS')); // a second SyncGroup of the member replaces the first
          member.awaitingSync = answer;
          this.rebalancer.syncReceived(group, member.memberId);
          if (group.isLeader(member.memberId)) this.storeAssignment(group, request);
          return;
        default:
          return answer(syncError('COORDINATOR_NOT_AVAILABLE'));
      }
    });
  }

  private storeAssignment(group: ClassicGroup, request: SyncRequest): void {
    const assignments = new Map<string, Buffer>();
    for (const member of group.allMembers) assignments.set(member.memberId, Buffer.alloc(0));
    for (const a of request.assignments) if (assignments.has(a.memberId)) assignments.set(a.memberId, a.assignment);
    const generationId = group.generationId;
    this.context.store.saveGroup(group.toStored(assignments)).then(
      () => {
        if (!group.is('CompletingRebalance') || group.generationId !== generationId) return;
        this.rebalancer.propagateAssignment(group, assignments);
        group.transitionTo('Stable', this.context.now());
      },
      (error: Error) => {
        this.context.log(`group ${group.groupId}: storing generation ${generationId} failed: ${error.message}`);
        if (!group.is('CompletingRebalance') || group.generationId !== generationId) return;
        this.rebalancer.propagateAssignmentError(group, 'COORDINATOR_NOT_AVAILABLE');
        this.rebalancer.maybePrepareRebalance(group, 'storing the assignment failed');
      },
    );
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): KafkaErrorName {
    if (groupId === '') return 'INVALID_GROUP_ID';
    const group = this.context.groups.get(groupId);
    if (!group) return 'UNKNOWN_MEMBER_ID';
    if (group.is('Dead')) return 'COORDINATOR_NOT_AVAILABLE';
    const error = validateCurrentMember(group, memberId, groupInstanceId) ?? (generationId !== group.generationId ? 'ILLEGAL_GENERATION' : undefined);
    if (error) return error;
    if (group.is('Empty')) return 'UNKNOWN_MEMBER_ID';
    this.rebalancer.scheduleHeartbeat(group, group.get(memberId));
    return group.is('PreparingRebalance') ? 'REBALANCE_IN_PROGRESS' : 'NONE';
  }

  leave(groupId: string, leaving: MemberIdentity[]): LeaveResult {
    const each = (m: MemberIdentity, error: KafkaErrorName) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, error });
    if (groupId === '') return { error: 'INVALID_GROUP_ID', members: [] };
    const group = this.context.groups.get(groupId);
    if (!group) return { error: 'NONE', members: leaving.map((m) => each(m, 'UNKNOWN_MEMBER_ID')) };
    if (group.is('Dead')) return { error: 'COORDINATOR_NOT_AVAILABLE', members: [] };
    const remove = (memberId: string, reason: string | null | undefined) => {
      this.context.log(`group ${groupId}: member ${memberId} left${reason ? ` (${reason})` : ''}`);
      this.rebalancer.removeMemberAndUpdateGroup(group, group.get(memberId), `member ${memberId} left`);
    };
    const members = leaving.map((m) => {
      if (m.memberId === '') {
        // An administrator removes a static member by its instance id alone.
        const current = m.groupInstanceId === null ? undefined : group.staticMemberId(m.groupInstanceId);
        if (current === undefined) return each(m, 'UNKNOWN_MEMBER_ID');
        remove(current, m.reason);
        return each(m, 'NONE');
      }
      if (group.isPendingMember(m.memberId)) {
        this.rebalancer.removePendingMember(group, m.memberId);
        return each(m, 'NONE');
      }
      const error = validateCurrentMember(group, m.memberId, m.groupInstanceId);
      if (error) return each(m, error);
      remove(m.memberId, m.reason);
      return each(m, 'NONE');
    });
    return { error: 'NONE', members };
  }
}

/** The instance id, when given, must map to this member id (else FENCED_INSTANCE_ID); the member must exist. */
export function validateCurrentMember(group: ClassicGroup, memberId: string, groupInstanceId: string | null): KafkaErrorName | undefined {
  if (groupInstanceId !== null) {
    const current = group.staticMemberId(groupInstanceId);
    if (current === undefined) return 'UNKNOWN_MEMBER_ID';
    if (current !== memberId) return 'FENCED_INSTANCE_ID';
    return undefined;
  }
  return group.has(memberId) ? undefined : 'UNKNOWN_MEMBER_ID';
}
