import type { StoredGroup } from '../ports/group-store';
import { CONSUMER_PROTOCOL_TYPE, subscribedTopics } from './consumer-protocol';
import type { GroupState, JoinResult } from '../ports/group-coordinator';
import { GroupMember } from './group-member';
import { GroupRoster } from './group-roster';

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

/**
 * A classic group's state machine and generation (Kafka's GroupMetadata, without the offsets: those are in the
 * GroupStore). The members' bookkeeping is `GroupRoster`'s.
 */
export class ClassicGroup extends GroupRoster {
  private stateValue: GroupState;
  stateTimestamp: number;
  protocolName: string | null = null;
  generationId = 0;
  /** A member joined during the first rebalance, so the initial delay may be extended. */
  newMemberAdded = false;
  /** The topics the members subscribe to (consumer protocol only); undefined when unknown. */
  subscribedTopics: Set<string> | undefined;
  joinTimer: NodeJS.Timeout | undefined;
  /** The join timer is the initial delay of an empty group's first rebalance, which only its own timer ends. */
  joinIsInitialDelay = false;
  syncTimer: NodeJS.Timeout | undefined;

  constructor(groupId: string, state: GroupState, now: number) {
    super(groupId);
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

  get isConsumerGroup(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  /** Kafka's supportsProtocols: an empty group takes any non-empty set; otherwise the type must match and one protocol be shared by all. */
  supportsProtocols(protocolType: string, protocols: string[]): boolean {
    if (this.is('Empty')) return protocolType.length > 0 && protocols.length > 0;
    return this.protocolType === protocolType && protocols.some((p) => this.isSupportedByAll(p));
  }

  initNextGeneration(now: number): void {
    this.generationId++;
    if (this.size > 0) {
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

  private computeSubscribedTopics(): Set<string> | undefined {
    if (!this.isConsumerGroup) return undefined;
    if (this.size === 0) return new Set();
    if (this.protocolName === null) return undefined;
    const topics = new Set<string>();
    for (const member of this.allMembers) {
      const subscribed = subscribedTopics(member.metadataFor(this.protocolName));
      if (!subscribed) return undefined;
      for (const topic of subscribed) topics.add(topic);
    }
    return topics;
  }
}
