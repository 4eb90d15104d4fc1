import { randomUUID } from 'node:crypto';
import type { StoredGroup } from '../ports/group-store';
import { CONSUMER_PROTOCOL_TYPE, subscribedTopics } from './consumer-protocol';
import type { GroupState, JoinResult, SyncResult } from '../ports/group-coordinator';
import { GroupMember, joinError, syncError } from './group-member';


const VALID_PREVIOUS: Record<GroupState, GroupState[]> = {
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
  Empty: ['PreparingRebalance'],
};

export class IllegalGroupTransitionError extends Error {
  constructor(groupId: string, from: GroupState, to: GroupState) {
    super(`group ${groupId} cannot move from ${from} to ${to}`);
    this.name = 'IllegalGroupTransitionError';
  }
}

/** A classic group's membership and generation (Kafka's GroupMetadata, without the offsets: those are in the GroupStore). */
export class ClassicGroup {
  private stateValue: GroupState;
  stateTimestamp: number;
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  /** A member joined during the first rebalance, so the initial delay may be extended. */
  newMemberAdded = false;
  /** The topics the members subscribe to (consumer protocol only); undefined when unknown. */
  subscribedTopics: Set<string> | undefined;
  joinTimer: NodeJS.Timeout | undefined;
  /** The join timer is the initial delay of an empty group's first rebalance, which only its own timer ends. */
  joinIsInitialDelay = false;
  syncTimer: NodeJS.Timeout | undefined;
  private readonly members = new Map<string, GroupMember>();
  private readonly staticMembers = new Map<string, string>();
  private readonly pendingMembers = new Set<string>();
  private readonly pendingSyncMembers = new Set<string>();
  private readonly protocolVotes = new Map<string, number>();
  private awaitingJoinCount = 0;

  constructor(readonly groupId: string, state: GroupState, now: number) {
    this.stateValue = state;
    this.stateTimestamp = now;
  }

  /** A group as its last stored generation left it: Stable with its members, or Empty. */
  static fromStored(stored: StoredGroup): ClassicGroup {
    const group = new ClassicGroup(stored.groupId, stored.members.length > 0 ? 'Stable' : 'Empty', stored.stateTimestamp);
    group.protocolType = stored.protocolType || null;
    group.protocolName = stored.protocolName;
    group.generationId = stored.generationId;
    for (const m of stored.members) {
      const member = new GroupMember(m.memberId, m.groupInstanceId, m.clientId, m.clientHost, m.rebalanceTimeoutMs, m.sessionTimeoutMs,
        stored.protocolType, [{ name: stored.protocolName ?? '', metadata: m.subscription }]);
      member.assignment = m.assignment;
      group.add(member);
    }
    group.leaderId = stored.leaderId !== null && group.has(stored.leaderId) ? stored.leaderId : group.leaderId;
    group.subscribedTopics = group.computeSubscribedTopics();
    return group;
  }

  /** The generation as stored, with `assignments` in place of the members' own when given. */
  toStored(assignments?: Map<string, Buffer>): StoredGroup {
    const protocolName = this.protocolName;
    return {
      groupId: this.groupId,
      protocolType: this.protocolType ?? '',
      protocolName,
      generationId: this.generationId,
      leaderId: this.leaderId,
      stateTimestamp: this.stateTimestamp,
      members: protocolName === null ? [] : this.allMembers.map((m) => ({
        memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs, sessionTimeoutMs: m.sessionTimeoutMs,
        subscription: m.metadataFor(protocolName), assignment: assignments?.get(m.memberId) ?? m.assignment,
      })),
    };
  }

  get state(): GroupState {
    return this.stateValue;
  }

  is(state: GroupState): boolean {
    return this.stateValue === state;
  }

  transitionTo(state: GroupState, now: number): void {
    if (!VALID_PREVIOUS[state].includes(this.stateValue)) throw new IllegalGroupTransitionError(this.groupId, this.stateValue, state);
    this.stateValue = state;
    this.stateTimestamp = now;
  }

  get canRebalance(): boolean {
    return VALID_PREVIOUS.PreparingRebalance.includes(this.stateValue);
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): GroupMember {
    const member = this.members.get(memberId);
    if (!member) throw new Error(`group ${this.groupId} has no member ${memberId}`);
    return member;
  }

  get size(): number {
    return this.members.size;
  }

  get allMembers(): GroupMember[] {
    return [...this.members.values()];
  }

  get awaitingJoinMembers(): number {
    return this.awaitingJoinCount;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  get rebalanceTimeoutMs(): number {
    return this.allMembers.reduce((timeout, m) => Math.max(timeout, m.rebalanceTimeoutMs), 0);
  }

  get isConsumerGroup(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  generateMemberId(clientId: string, groupInstanceId: string | null): string {
    return `${groupInstanceId ?? clientId}-${randomUUID()}`;
  }

  add(member: GroupMember, onJoin?: (result: JoinResult) => void): void {
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    this.countVotes(member, 1);
    member.awaitingJoin = onJoin;
    if (member.isAwaitingJoin) this.awaitingJoinCount++;
    this.pendingMembers.delete(member.memberId);
  }

  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member) {
      this.members.delete(memberId);
      this.countVotes(member, -1);
      if (member.isAwaitingJoin) this.awaitingJoinCount--;
      if (member.groupInstanceId !== null) this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  updateMember(member: GroupMember, protocols: GroupMember['protocols'], rebalanceTimeoutMs: number, sessionTimeoutMs: number, onJoin?: (result: JoinResult) => void): void {
    this.countVotes(member, -1);
    member.protocols = protocols;
    this.countVotes(member, 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    const replaced = onJoin && member.awaitingJoin !== onJoin ? member.awaitingJoin : undefined;
    if (onJoin && !member.isAwaitingJoin) this.awaitingJoinCount++;
    else if (!onJoin && member.isAwaitingJoin) this.awaitingJoinCount--;
    member.awaitingJoin = onJoin;
    // A second JoinGroup of the same member (from another connection): the first is answered, not left hanging.
    replaced?.(joinError(member.memberId, 'REBALANCE_IN_PROGRESS'));
  }

  /** The static member now answers to `newMemberId`; whoever waited as the old id is told it was fenced. */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): GroupMember {
    const member = this.get(oldMemberId);
    this.members.delete(oldMemberId);
    this.invokeJoin(member, joinError(oldMemberId, 'FENCED_INSTANCE_ID'));
    this.invokeSync(member, syncError('FENCED_INSTANCE_ID'));
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    return member;
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingMembers.has(memberId);
  }

  addPendingMember(memberId: string): void {
    this.pendingMembers.add(memberId);
  }

  addPendingSyncMembers(): void {
    for (const memberId of this.members.keys()) this.pendingSyncMembers.add(memberId);
  }

  removePendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.delete(memberId);
  }

  clearPendingSyncMembers(): void {
    this.pendingSyncMembers.clear();
  }

  get pendingSync(): string[] {
    return [...this.pendingSyncMembers];
  }

  get numPending(): number {
    return this.pendingMembers.size;
  }

  get hasAllMembersJoined(): boolean {
    return this.members.size === this.awaitingJoinCount && this.pendingMembers.size === 0;
  }

  get notYetRejoined(): GroupMember[] {
    return this.allMembers.filter((m) => !m.isAwaitingJoin);
  }

  /** If the leader did not rejoin, any member that did leads; false when none did. */
  electJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    if (this.get(this.leaderId).isAwaitingJoin) return true;
    const joined = this.allMembers.find((m) => m.isAwaitingJoin);
    if (!joined) return false;
    this.leaderId = joined.memberId;
    return true;
  }

  /** Kafka's supportsProtocols: an empty group takes any non-empty set; otherwise the type must match and one protocol be shared by all. */
  supportsProtocols(protocolType: string, protocols: string[]): boolean {
    if (this.is('Empty')) return protocolType.length > 0 && protocols.length > 0;
    return this.protocolType === protocolType && protocols.some((p) => (this.protocolVotes.get(p) ?? 0) === this.members.size);
  }

  /** The protocol most members prefer among those all support. */
  selectProtocol(): string {
    const candidates = new Set([...this.protocolVotes].filter(([, n]) => n === this.members.size).map(([name]) => name));
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const choice = member.vote(candidates);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    return [...votes].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
  }

  initNextGeneration(now: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('CompletingRebalance', now);
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('Empty', now);
    }
    this.clearPendingSyncMembers();
  }

  /** The members as the leader sees them in its JoinGroup response. */
  currentMemberMetadata(): JoinResult['members'] {
    const protocol = this.protocolName ?? '';
    return this.allMembers.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(protocol) }));
  }

  isSubscribedTo(topic: string): boolean {
    return this.subscribedTopics === undefined || this.subscribedTopics.has(topic);
  }

  invokeJoin(member: GroupMember, result: JoinResult): void {
    const callback = member.awaitingJoin;
    if (!callback) return;
    member.awaitingJoin = undefined;
    this.awaitingJoinCount--;
    callback(result);
  }

  invokeSync(member: GroupMember, result: SyncResult): boolean {
    const callback = member.awaitingSync;
    if (!callback) return false;
    member.awaitingSync = undefined;
    callback(result);
    return true;
  }

  private computeSubscribedTopics(): Set<string> | undefined {
    if (!this.isConsumerGroup) return undefined;
    if (this.members.size === 0) return new Set();
    if (this.protocolName === null) return undefined;
    const topics = new Set<string>();
    for (const member of this.members.values()) {
      const subscribed = subscribedTopics(member.metadataFor(this.protocolName));
      if (!subscribed) return undefined;
      for (const topic of subscribed) topics.add(topic);
    }
    return topics;
  }

  private countVotes(member: GroupMember, delta: number): void {
    for (const p of member.protocols) this.protocolVotes.set(p.name, (this.protocolVotes.get(p.name) ?? 0) + delta);
  }
}
