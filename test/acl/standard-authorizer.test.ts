import { strict as assert } from 'node:assert';
import { StandardAuthorizer } from '../../src/acl/standard-authorizer';
import { DenialLog } from '../../src/acl/denial-log';
import { AclOperation as Op, AclPermissionType as Perm, aclCode, CLUSTER_NAME, PatternType, ResourceType } from '../../src/protocol/acl-types';
import type { AclBinding, AclBindingFilter } from '../../src/ports/authorizer';
import { MemoryAclStore } from '../helpers/memory-acl-store';

function acl(resourceType: number, name: string, principal: string, operation: number, permissionType: number = Perm.ALLOW, patternType: number = PatternType.LITERAL, host = '*'): AclBinding {
  return { pattern: { resourceType, name, patternType }, entry: { principal, host, operation, permissionType } };
}

const alice = { principal: 'User:alice', host: '10.0.0.1' };
const bob = { principal: 'User:bob', host: '10.0.0.2' };
const topic = (name: string, operation: number, logIfDenied = false) => ({ operation, resourceType: ResourceType.TOPIC, resourceName: name, logIfDenied });

function authorizerWith(bindings: AclBinding[], settings: { allowEveryoneIfNoAclFound?: boolean; superUsers?: string[]; log?: (line: string) => void } = {}) {
  return new StandardAuthorizer(new MemoryAclStore(bindings), { allowEveryoneIfNoAclFound: settings.allowEveryoneIfNoAclFound ?? false, superUsers: settings.superUsers ?? [], log: settings.log });
}

describe("StandardAuthorizer: Kafka's ACL rules", () => {
  it('keeps Kafka codes for operations, resource types, pattern types and permissions', () => {
    assert.deepEqual([Op.ALL, Op.READ, Op.WRITE, Op.DESCRIBE, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS, Op.IDEMPOTENT_WRITE], [2, 3, 4, 8, 10, 11, 12]);
    assert.deepEqual([ResourceType.TOPIC, ResourceType.GROUP, ResourceType.CLUSTER, ResourceType.TRANSACTIONAL_ID], [2, 3, 4, 5]);
    assert.deepEqual([PatternType.ANY, PatternType.MATCH, PatternType.LITERAL, PatternType.PREFIXED, Perm.DENY, Perm.ALLOW], [1, 2, 3, 4, 2, 3]);
    assert.equal(aclCode(Op, 'DescribeConfigs'), Op.DESCRIBE_CONFIGS);
    assert.equal(aclCode(Op, 'describe-configs'), Op.DESCRIBE_CONFIGS);
    assert.equal(aclCode(Op, 'Read'), Op.READ);
    assert.equal(aclCode(Op, 'Reed'), 0);
  });

  it('allows what an ALLOW names, denies the rest of a resource that has ACLs, and a DENY wins over an ALLOW', () => {
    const authorizer = authorizerWith([
      acl(ResourceType.TOPIC, 'a', 'User:alice', Op.READ),
      acl(ResourceType.TOPIC, 'a', 'User:bob', Op.ALL),
      acl(ResourceType.TOPIC, 'a', 'User:bob', Op.WRITE, Perm.DENY),
    ]);
    assert.equal(authorizer.authorize(alice, topic('a', Op.READ)), true);
    assert.equal(authorizer.authorize(alice, topic('a', Op.WRITE)), false);
    assert.equal(authorizer.authorize(bob, topic('a', Op.READ)), true, 'ALL implies READ');
    assert.equal(authorizer.authorize(bob, topic('a', Op.WRITE)), false, 'DENY WRITE wins over ALLOW ALL');
    assert.equal(authorizer.authorize(alice, topic('b', Op.READ)), false, 'no ACL on b, and allow.everyone.if.no.acl.found=false');
  });

  it("implies DESCRIBE from READ/WRITE/DELETE/ALTER and DESCRIBE_CONFIGS from ALTER_CONFIGS, for ALLOW only", () => {
    for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER]) {
      assert.equal(authorizerWith([acl(ResourceType.TOPIC, 't', 'User:alice', op)]).authorize(alice, topic('t', Op.DESCRIBE)), true, `op ${op}`);
    }
    assert.equal(authorizerWith([acl(ResourceType.TOPIC, 't', 'User:alice', Op.CREATE)]).authorize(alice, topic('t', Op.DESCRIBE)), false);
    assert.equal(authorizerWith([acl(ResourceType.TOPIC, 't', 'User:alice', Op.ALTER_CONFIGS)]).authorize(alice, topic('t', Op.DESCRIBE_CONFIGS)), true);
    assert.equal(authorizerWith([acl(ResourceType.TOPIC, 't', 'User:alice', Op.DESCRIBE_CONFIGS)]).authorize(alice, topic('t', Op.ALTER_CONFIGS)), false);
    const denyRead = authorizerWith([acl(ResourceType.TOPIC, 't', 'User:alice', Op.ALL), acl(ResourceType.TOPIC, 't', 'User:alice', Op.READ, Perm.DENY)]);
    assert.equal(denyRead.authorize(alice, topic('t', Op.DESCRIBE)), true, 'a DENY of READ does not deny DESCRIBE');
    assert.equal(denyRead.authorize(alice, topic('t', Op.READ)), false);
  });

  it('matches the * resource, PREFIXED names, the User:* principal and hosts', () => {
    const authorizer = authorizerWith([
      acl(ResourceType.TOPIC, '*', 'User:alice', Op.READ),
      acl(ResourceType.TOPIC, 'logs-', 'User:*', Op.WRITE, Perm.ALLOW, PatternType.PREFIXED),
      acl(ResourceType.GROUP, 'g', 'User:alice', Op.READ, Perm.ALLOW, PatternType.LITERAL, '10.0.0.9'),
    ]);
    assert.equal(authorizer.authorize(alice, topic('anything', Op.READ)), true);
    assert.equal(authorizer.authorize(bob, topic('logs-web', Op.WRITE)), true);
    assert.equal(authorizer.authorize(bob, topic('log', Op.WRITE)), false, 'shorter than the prefix');
    assert.equal(authorizer.authorize(bob, topic('logs-web', Op.READ)), false, 'the * topic ACL is alice\'s only');
    const group = { operation: Op.READ, resourceType: ResourceType.GROUP, resourceName: 'g', logIfDenied: false };
    assert.equal(authorizer.authorize(alice, group), false, 'alice is on 10.0.0.1, the ACL names 10.0.0.9');
    assert.equal(authorizer.authorize({ ...alice, host: '10.0.0.9' }, group), true);
    assert.equal(authorizerWith([acl(ResourceType.TOPIC, 'a*', 'User:alice', Op.READ)]).authorize(alice, topic('ab', Op.READ)), false, '* is a wildcard only as the whole literal name');
  });

  it('follows allow.everyone.if.no.acl.found for resources no ACL names, whoever the ACLs are for', () => {
    const open = authorizerWith([acl(ResourceType.TOPIC, 'secret', 'User:alice', Op.READ)], { allowEveryoneIfNoAclFound: true });
    assert.equal(open.authorize(bob, topic('public', Op.WRITE)), true);
    assert.equal(open.authorize(bob, topic('secret', Op.READ)), false, 'secret has an ACL, though not for bob');
    assert.equal(authorizerWith([], { allowEveryoneIfNoAclFound: true }).authorize(bob, topic('x', Op.DELETE)), true);
    assert.equal(authorizerWith([], { allowEveryoneIfNoAclFound: false }).authorize(bob, topic('x', Op.DESCRIBE)), false);
  });

  it('lets super.users through every ACL, DENY included', () => {
    const authorizer = authorizerWith([acl(ResourceType.CLUSTER, CLUSTER_NAME, 'User:admin', Op.ALL, Perm.DENY)], { superUsers: ['User:admin'] });
    assert.equal(authorizer.authorize({ principal: 'User:admin', host: '1.2.3.4' }, { operation: Op.ALTER, resourceType: ResourceType.CLUSTER, resourceName: CLUSTER_NAME }), true);
    assert.equal(authorizer.authorize(alice, { operation: Op.ALTER, resourceType: ResourceType.CLUSTER, resourceName: CLUSTER_NAME, logIfDenied: false }), false);
  });

  it('answers authorizeByResourceType as Kafka: some ALLOW literal or prefix that no DENY covers', () => {
    assert.equal(authorizerWith([]).authorizeByResourceType(alice, Op.WRITE, ResourceType.TOPIC), false);
    assert.equal(authorizerWith([], { allowEveryoneIfNoAclFound: true }).authorizeByResourceType(alice, Op.WRITE, ResourceType.TOPIC), true);
    assert.equal(authorizerWith([acl(ResourceType.TOPIC, 'a', 'User:alice', Op.WRITE)]).authorizeByResourceType(alice, Op.WRITE, ResourceType.TOPIC), true);
    assert.equal(authorizerWith([acl(ResourceType.TOPIC, 'a', 'User:alice', Op.READ)]).authorizeByResourceType(alice, Op.WRITE, ResourceType.TOPIC), false);
    const denied = [acl(ResourceType.TOPIC, 'ab', 'User:alice', Op.WRITE), acl(ResourceType.TOPIC, 'a', 'User:alice', Op.WRITE, Perm.DENY, PatternType.PREFIXED)];
    assert.equal(authorizerWith(denied).authorizeByResourceType(alice, Op.WRITE, ResourceType.TOPIC), false, 'the only allowed topic is under a denied prefix');
    assert.equal(authorizerWith([acl(ResourceType.TOPIC, 'x', 'User:*', Op.WRITE, Perm.ALLOW, PatternType.PREFIXED)]).authorizeByResourceType(bob, Op.WRITE, ResourceType.TOPIC), true);
  });

  it('creates (once), lists by filter and deletes ACLs, storing each change', async () => {
    const store = new MemoryAclStore();
    const authorizer = new StandardAuthorizer(store, { allowEveryoneIfNoAclFound: false, superUsers: [] });
    const read = acl(ResourceType.TOPIC, 'a', 'User:alice', Op.READ);
    const prefixed = acl(ResourceType.TOPIC, 'a', 'User:bob', Op.WRITE, Perm.DENY, PatternType.PREFIXED);
    const group = acl(ResourceType.GROUP, 'g', 'User:alice', Op.READ);
    assert.deepEqual(await authorizer.createAcls([read, prefixed, group, read]), [null, null, null, null]);
    assert.equal(store.load().length, 3, 'a binding created twice is stored once');
    const filter = (f: Partial<AclBindingFilter['pattern']> & Partial<AclBindingFilter['entry']>): AclBindingFilter => ({
      pattern: { resourceType: f.resourceType ?? ResourceType.ANY, name: f.name ?? null, patternType: f.patternType ?? PatternType.ANY },
      entry: { principal: f.principal ?? null, host: f.host ?? null, operation: f.operation ?? Op.ANY, permissionType: f.permissionType ?? Perm.ANY },
    });
    assert.equal(authorizer.acls(filter({})).length, 3);
    assert.deepEqual(authorizer.acls(filter({ resourceType: ResourceType.TOPIC, name: 'a', patternType: PatternType.LITERAL })), [read]);
    assert.deepEqual(authorizer.acls(filter({ resourceType: ResourceType.TOPIC, name: 'abc', patternType: PatternType.MATCH })), [prefixed], 'MATCH: what applies to topic abc');
    assert.deepEqual(authorizer.acls(filter({ principal: 'User:alice', operation: Op.READ })), [read, group]);
    assert.throws(() => authorizer.acls(filter({ patternType: PatternType.UNKNOWN })), /INVALID_REQUEST: Unknown patternFilter/);
    const [removed, refused] = await authorizer.deleteAcls([filter({ principal: 'User:alice' }), filter({ operation: Op.UNKNOWN })]);
    assert.deepEqual(removed.deleted, [read, group]);
    assert.match(String(refused.error?.message), /INVALID_REQUEST: Unknown entryFilter/);
    assert.deepEqual(store.load(), [prefixed]);
  });

  it('refuses malformed ACLs with INVALID_REQUEST as Kafka, creating the well-formed ones', async () => {
    const authorizer = authorizerWith([]);
    const answers = await authorizer.createAcls([
      acl(ResourceType.CLUSTER, 'my-cluster', 'User:a', Op.ALTER),
      acl(ResourceType.TOPIC, '', 'User:a', Op.READ),
      acl(ResourceType.TOPIC, 't', 'alice', Op.READ),
      acl(ResourceType.TOPIC, 't', 'User:a', Op.ANY),
      acl(ResourceType.ANY, 't', 'User:a', Op.READ),
      acl(ResourceType.TOPIC, 't', 'User:a', Op.READ, Perm.ANY),
      acl(ResourceType.TOPIC, 't', 'User:a', Op.READ, Perm.ALLOW, PatternType.MATCH),
      acl(ResourceType.TOPIC, 't', 'User:a', Op.READ),
    ]);
    assert.deepEqual(answers.map((a) => a?.errorName ?? null), ['INVALID_REQUEST', 'INVALID_REQUEST', 'INVALID_REQUEST', 'INVALID_REQUEST', 'INVALID_REQUEST', 'INVALID_REQUEST', 'INVALID_REQUEST', null]);
    assert.match(String(answers[0]?.message), /only valid name for the CLUSTER resource is kafka-cluster/);
    assert.match(String(answers[2]?.message), /Could not parse principal/);
    assert.equal(authorizer.aclCount, 1);
  });

  it('logs a refusal as Kafka\'s authorizer logger does, once per principal, operation and resource in a window', () => {
    const lines: string[] = [];
    const authorizer = authorizerWith([acl(ResourceType.TOPIC, 'a', 'User:alice', Op.READ)], { log: (line) => lines.push(line) });
    for (let i = 0; i < 50; i++) authorizer.authorize(bob, topic('a', Op.WRITE, true));
    authorizer.authorize(bob, topic('a', Op.WRITE, false));
    assert.equal(lines.length, 1);
    assert.match(lines[0], /Principal = User:bob is Denied operation = WRITE from host = 10\.0\.0\.2 on resource = Topic:LITERAL:a based on rule DefaultDeny/);
    authorizer.close();
    assert.equal(lines.length, 2);
    assert.match(lines[1], /49 more denied operations .* not logged one by one \(User:bob WRITE Topic:LITERAL:a: 49\)/);
  });

  it('caps the lines of a window however many resources are refused', () => {
    const lines: string[] = [];
    const log = new DenialLog((line) => lines.push(line), 60_000, 3);
    for (let i = 0; i < 10; i++) log.record(`key ${i}`, `line ${i}`);
    log.flush();
    assert.deepEqual(lines.slice(0, 3), ['line 0', 'line 1', 'line 2']);
    assert.equal(lines.length, 4);
    assert.match(lines[3], /7 more denied operations .*and 2 more\)$/);
  });
});
