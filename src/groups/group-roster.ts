import { randomUUID } from 'node:crypto';
import type { JoinResult, SyncResult } from '../ports/group-coordinator';
import { GroupMember, joinError, syncError } from './group-member';

/**
 * A classic group's members (the bookkeeping half of Kafka's GroupMetadata; `ClassicGroup` adds the state machine):
 * the leader, static members by instance id, members still to join or to sync, the JoinGroup/SyncGroup each waits
 * on, and the protocol votes.
 */
export class GroupRoster {
  protocolType: string | null = null;
  leaderId: string | null = null;
  private readonly members = new Map<string, GroupMember>();
  private readonly staticMembers = new Map<string, string>();
  private readonly pendingMembers = new Set<string>();
  private readonly pendingSyncMembers = new Set<string>();
  private readonly protocolVotes = new Map<string, number>();
  private awaitingJoinCount = 0;

  constructor(readonly groupId: string) {}

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

  /** True when every member lists `protocol`. */
  isSupportedByAll(protocol: string): boolean {
    return (this.protocolVotes.get(protocol) ?? 0) === this.members.size;
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

  private countVotes(member: GroupMember, delta: number): void {
    for (const p of member.protocols) this.protocolVotes.set(p.name, (this.protocolVotes.get(p.name) ?? 0) + delta);
  }
}
