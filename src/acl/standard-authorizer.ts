// Kafka's StandardAuthorizer (KRaft) over an AclStore: super users pass, a matching DENY wins, then a matching
// ALLOW; a resource no ACL names at all follows allow.everyone.if.no.acl.found.
import { aclName, AclOperation, AclPermissionType, PatternType, WILDCARD, WILDCARD_PRINCIPAL } from '../protocol/acl-types';
import { KafkaError } from '../protocol/error-codes';
import type { AclBinding, AclBindingFilter, AclDeleteResult, AclStore, Action, Authorizer, Requester } from '../ports/authorizer';
import { aclResult, bindingKey, filterMatches, filterProblem, newAclProblem, patternCovers, resourceText } from './acl-rules';
import { DenialLog } from './denial-log';

export interface AuthorizerSettings {
  /** Kafka's allow.everyone.if.no.acl.found (Kafka's default false; sluice's true, see DESIGN.md). */
  allowEveryoneIfNoAclFound: boolean;
  /** Kafka's super.users: principals every ACL check lets through. */
  superUsers: readonly string[];
  log?: (line: string) => void;
  /** How long repeated refusals are counted before one summary line (default 60 s). */
  denialLogWindowMs?: number;
}

/** Kafka's default authorizeByResourceType asks about this name first, so super users and open clusters pass. */
const ANY_NAME_PROBE = 'hardcode';

export class StandardAuthorizer implements Authorizer {
  private bindings: AclBinding[];
  private readonly superUsers: ReadonlySet<string>;
  private readonly denials: DenialLog;

  constructor(
    private readonly store: AclStore,
    private readonly settings: AuthorizerSettings,
  ) {
    this.bindings = store.load();
    this.superUsers = new Set(settings.superUsers);
    this.denials = new DenialLog(settings.log ?? (() => undefined), settings.denialLogWindowMs);
  }

  get aclCount(): number {
    return this.bindings.length;
  }

  authorize(requester: Requester, action: Action): boolean {
    const rule = this.decide(requester, action);
    if (rule.allowed) return true;
    if (action.logIfDenied !== false) {
      const resource = resourceText(action.resourceType, action.resourceName);
      const operation = aclName(AclOperation, action.operation);
      this.denials.record(
        `${requester.principal} ${operation} ${resource}`,
        `authorizer: Principal = ${requester.principal} is Denied operation = ${operation} from host = ${requester.host} on resource = ${resource} based on rule ${rule.because}`,
      );
    }
    return false;
  }

  private decide(requester: Requester, action: Action): { allowed: boolean; because: string } {
    if (this.superUsers.has(requester.principal)) return { allowed: true, because: 'SuperUser' };
    if (this.bindings.length === 0) return this.noAclRule();
    let resourceHasAcls = false;
    let allowedBy: AclBinding | undefined;
    for (const binding of this.bindings) {
      if (!patternCovers(binding.pattern, action.resourceType, action.resourceName)) continue;
      resourceHasAcls = true;
      const result = aclResult(binding, requester.principal, requester.host, action);
      if (result === 'deny') return { allowed: false, because: `MatchingAcl(${describeBinding(binding)})` };
      if (result === 'allow') allowedBy ??= binding;
    }
    if (allowedBy) return { allowed: true, because: `MatchingAcl(${describeBinding(allowedBy)})` };
    return resourceHasAcls ? { allowed: false, because: 'DefaultDeny' } : this.noAclRule();
  }

  private noAclRule(): { allowed: boolean; because: string } {
    return this.settings.allowEveryoneIfNoAclFound ? { allowed: true, because: 'DefaultAllow' } : { allowed: false, because: 'DefaultDeny' };
  }

  /**
   * Kafka's default Authorizer.authorizeByResourceType: allowed when some resource of the type would be (an ALLOW
   * literal or prefix no DENY covers), without implied operations, as Kafka's.
   */
  authorizeByResourceType(requester: Requester, operation: number, resourceType: number): boolean {
    if (this.authorize(requester, { operation, resourceType, resourceName: ANY_NAME_PROBE, logIfDenied: false })) return true;
    const applies = (b: AclBinding) =>
      b.pattern.resourceType === resourceType &&
      (b.entry.principal === requester.principal || b.entry.principal === WILDCARD_PRINCIPAL) &&
      (b.entry.host === WILDCARD || b.entry.host === requester.host) &&
      (b.entry.operation === operation || b.entry.operation === AclOperation.ALL);
    const names = (allow: boolean, patternType: number) =>
      new Set(this.bindings.filter((b) => applies(b) && (b.entry.permissionType === AclPermissionType.ALLOW) === allow && b.pattern.patternType === patternType).map((b) => b.pattern.name));
    const denyLiterals = names(false, PatternType.LITERAL);
    const denyPrefixes = [...names(false, PatternType.PREFIXED)];
    if (denyLiterals.has(WILDCARD)) return false;
    const dominated = (name: string) => denyPrefixes.some((prefix) => name.startsWith(prefix));
    const allowLiterals = names(true, PatternType.LITERAL);
    if (allowLiterals.has(WILDCARD)) return true;
    for (const literal of allowLiterals) if (!denyLiterals.has(literal) && !dominated(literal)) return true;
    for (const prefix of names(true, PatternType.PREFIXED)) if (!dominated(prefix)) return true;
    return false;
  }

  acls(filter: AclBindingFilter): AclBinding[] {
    const problem = filterProblem(filter);
    if (problem) throw problem;
    return this.bindings.filter((binding) => filterMatches(filter, binding));
  }

  async createAcls(bindings: AclBinding[]): Promise<(KafkaError | null)[]> {
    const answers = bindings.map(newAclProblem);
    const known = new Set(this.bindings.map(bindingKey));
    const added = bindings.filter((binding, i) => answers[i] === null && !known.has(bindingKey(binding)) && known.add(bindingKey(binding)));
    if (added.length === 0) return answers;
    try {
      this.replace([...this.bindings, ...added.map(copyBinding)]);
    } catch (error) {
      const failure = new KafkaError('UNKNOWN_SERVER_ERROR', `the ACLs could not be stored: ${(error as Error).message}`);
      return answers.map((answer) => answer ?? failure);
    }
    return answers;
  }

  async deleteAcls(filters: AclBindingFilter[]): Promise<AclDeleteResult[]> {
    const results: AclDeleteResult[] = filters.map((filter) => {
      const error = filterProblem(filter);
      return { error, deleted: error ? [] : this.bindings.filter((binding) => filterMatches(filter, binding)) };
    });
    const doomed = new Set(results.flatMap((r) => r.deleted));
    if (doomed.size === 0) return results;
    try {
      this.replace(this.bindings.filter((binding) => !doomed.has(binding)));
    } catch (error) {
      const failure = new KafkaError('UNKNOWN_SERVER_ERROR', `the ACLs could not be stored: ${(error as Error).message}`);
      return results.map((r) => (r.error ? r : { error: failure, deleted: [] }));
    }
    return results;
  }

  /** Stores first: a change the store refused is not in force either. */
  private replace(bindings: AclBinding[]): void {
    this.store.save(bindings);
    this.bindings = bindings;
  }

  close(): void {
    this.denials.flush();
  }
}

function copyBinding(binding: AclBinding): AclBinding {
  return { pattern: { ...binding.pattern }, entry: { ...binding.entry } };
}

/** Kafka's AclBinding text, for log lines. */
export function describeBinding(binding: AclBinding): string {
  const { pattern, entry } = binding;
  return (
    `${resourceText(pattern.resourceType, pattern.name, pattern.patternType)}, principal=${entry.principal}, host=${entry.host}, ` +
    `operation=${aclName(AclOperation, entry.operation)}, permissionType=${aclName(AclPermissionType, entry.permissionType)}`
  );
}
