import type { CommittedOffset, GroupStore, StoredGroup, TopicPartitionRef } from '../../src/ports/group-store';
import { StoredGroups } from '../../src/group-store/stored-groups';

/** The GroupStore handlers' tests run on: the same state as FileGroupStore, without a file. */
export class MemoryGroupStore implements GroupStore {
  private readonly state = new StoredGroups();
  private closed = false;
  /** Every write, in order, so a test can see what the coordinator stored. */
  readonly writes: string[] = [];

  groupIds(): string[] {
    return this.state.groupIds();
  }

  group(groupId: string): StoredGroup | undefined {
    return this.state.group(groupId);
  }

  offsets(groupId: string): CommittedOffset[] {
    return this.state.offsets(groupId);
  }

  offset(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.state.offset(groupId, topic, partition);
  }

  saveGroup(group: StoredGroup): Promise<void> {
    return this.apply(`group ${group.groupId}`, () => this.state.apply({ kind: 'group', group }));
  }

  commitOffsets(groupId: string, offsets: CommittedOffset[]): Promise<void> {
    return this.apply(`offsets ${groupId}`, () => this.state.apply({ kind: 'offsets', groupId, offsets }));
  }

  deleteOffsets(groupId: string, partitions: TopicPartitionRef[]): Promise<void> {
    return this.apply(`delete-offsets ${groupId}`, () => this.state.apply({ kind: 'delete-offsets', groupId, partitions }));
  }

  deleteGroup(groupId: string): Promise<void> {
    return this.apply(`delete-group ${groupId}`, () => this.state.apply({ kind: 'delete-group', groupId }));
  }

  close(): void {
    this.closed = true;
  }

  private apply(what: string, change: () => void): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    change();
    this.writes.push(what);
    return Promise.resolve();
  }
}
