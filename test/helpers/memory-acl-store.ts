import type { AclBinding, AclStore } from '../../src/ports/authorizer';

/** The AclStore of handler tests: the set in memory, copied on the way in and out as the file store's JSON would. */
export class MemoryAclStore implements AclStore {
  private stored: AclBinding[] = [];
  saves = 0;

  constructor(initial: AclBinding[] = []) {
    this.stored = initial.map(copy);
  }

  load(): AclBinding[] {
    return this.stored.map(copy);
  }

  save(bindings: readonly AclBinding[]): void {
    this.stored = bindings.map(copy);
    this.saves++;
  }
}

function copy(binding: AclBinding): AclBinding {
  return { pattern: { ...binding.pattern }, entry: { ...binding.entry } };
}
