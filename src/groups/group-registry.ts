import type { GroupStore } from '../ports/group-store';
import { ClassicGroup } from './classic-group';
import type { GroupCoordinatorConfig } from './group-config';

/** What the parts of the coordinator share. */
export interface CoordinatorContext {
  readonly config: GroupCoordinatorConfig;
  readonly store: GroupStore;
  readonly groups: GroupRegistry;
  now(): number;
  log(line: string): void;
  /** A timer that does not keep the process alive. */
  schedule(delayMs: number, action: () => void): NodeJS.Timeout;
  /** Cancels a timer of `schedule` (undefined: nothing to cancel). */
  cancel(timer: NodeJS.Timeout | undefined): void;
}

/**
 * The live groups. A group known only to the store (its offsets committed by a transaction, say)
 * is brought in as Empty the first time it is asked for, as Kafka's cache holds every group of
 * its partitions.
 */
export class GroupRegistry {
  private readonly groups = new Map<string, ClassicGroup>();

  constructor(private readonly store: GroupStore, private readonly now: () => number) {}

  get(groupId: string): ClassicGroup | undefined {
    const live = this.groups.get(groupId);
    if (live) return live;
    if (!this.store.group(groupId) && this.store.offsets(groupId).length === 0) return undefined;
    const group = new ClassicGroup(groupId, 'Empty', this.now());
    this.groups.set(groupId, group);
    return group;
  }

  getOrCreate(groupId: string): ClassicGroup {
    const existing = this.get(groupId);
    if (existing) return existing;
    const group = new ClassicGroup(groupId, 'Empty', this.now());
    this.groups.set(groupId, group);
    return group;
  }

  add(group: ClassicGroup): void {
    this.groups.set(group.groupId, group);
  }

  remove(groupId: string): void {
    this.groups.delete(groupId);
  }

  /** Every group, live or only stored. */
  all(): ClassicGroup[] {
    for (const groupId of this.store.groupIds()) this.get(groupId);
    return [...this.groups.values()];
  }
}
