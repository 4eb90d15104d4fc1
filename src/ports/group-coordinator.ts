// What the group coordinator offers the request handlers: Kafka's classic group protocol, answered
// in Kafka's terms (error names from src/protocol/error-codes.ts). src/groups/ implements it.
import type { KafkaErrorName } from '../protocol/error-codes';
import type { CommittedOffset, TopicPartitionRef } from './group-store';

export interface MemberProtocol {
  name: string;
  metadata: Buffer;
}

/** What a JoinGroup is answered with (Kafka's JoinGroupResult). */
export interface JoinResult {
  error: KafkaErrorName;
  memberId: string;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  skipAssignment: boolean;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

/** What a SyncGroup is answered with. */
export interface SyncResult {
  error: KafkaErrorName;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  /** JoinGroup v4+: a new dynamic member is first given an id (MEMBER_ID_REQUIRED, KIP-394). */
  requireKnownMemberId: boolean;
  /** JoinGroup v9+: a static leader rejoining a stable group may skip the assignment. */
  supportSkippingAssignment: boolean;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: MemberProtocol[];
  reason: string | null;
}

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface MemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
  reason?: string | null;
}

export interface LeaveResult {
  error: KafkaErrorName;
  members: { memberId: string; groupInstanceId: string | null; error: KafkaErrorName }[];
}

export interface OffsetCommitRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  /** -1 from a consumer that does not use group management (or OffsetCommit v0). */
  generationId: number;
  /** Each offset's commit time: null means now (only OffsetCommit v1 may name one). */
  offsets: (Omit<CommittedOffset, 'commitTimestamp' | 'expireTimestamp'> & { commitTimestamp: number | null })[];
  /** OffsetCommit v2–v4's own retention time; null for offsets.retention.minutes. */
  retentionMs: number | null;
}

export interface PartitionError extends TopicPartitionRef {
  error: KafkaErrorName;
}

export interface FetchedOffset extends TopicPartitionRef {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  error: KafkaErrorName;
}

/** Whether an offset of the group waits on an open transaction (set by the transaction coordinator). */
export type PendingTransactionalOffsets = (groupId: string, topic: string, partition: number) => boolean;

export interface GroupOverview {
  groupId: string;
  protocolType: string;
  state: GroupState;
}

export interface GroupDescription {
  groupId: string;
  state: GroupState;
  protocolType: string;
  /** The selected protocol while Stable, else "". */
  protocol: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    /** Only while Stable (empty otherwise, as Kafka's summaryNoMetadata). */
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** The handlers' door to consumer groups. */
export interface GroupCoordinatorPort {
  join(request: JoinRequest): Promise<JoinResult>;
  sync(request: SyncRequest): Promise<SyncResult>;
  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): KafkaErrorName;
  leave(groupId: string, members: MemberIdentity[]): LeaveResult;
  commitOffsets(request: OffsetCommitRequest): Promise<PartitionError[]>;
  /**
   * TxnOffsetCommit v3+ (KIP-447): the producer's consumer must still be the member of that generation.
   * NONE when the group does not exist or does not use group management (generation -1 on an empty group).
   */
  checkTransactionalCommit(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): KafkaErrorName;
  fetchOffsets(groupId: string, partitions: TopicPartitionRef[] | null, requireStable: boolean): FetchedOffset[];
  deleteOffsets(groupId: string, partitions: TopicPartitionRef[]): Promise<{ error: KafkaErrorName; partitions: PartitionError[] }>;
  listGroups(): GroupOverview[];
  describeGroup(groupId: string): GroupDescription;
  deleteGroup(groupId: string): Promise<KafkaErrorName>;
  /** Topics were deleted: their committed offsets go from every group. */
  topicsDeleted(topics: string[]): Promise<void>;
  /** The transaction coordinator says which offsets wait on an open transaction (OffsetFetch requireStable). */
  setPendingTransactionalOffsets(check: PendingTransactionalOffsets): void;
}
