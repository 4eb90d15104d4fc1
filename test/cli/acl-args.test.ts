import { strict as assert } from 'node:assert';
import { AclArgs, AclUsageError, bindingsToAdd, filtersOf } from '../../src/cli/acls/acl-args';
import { AclOperation as Op, AclPermissionType as Perm, PatternType, ResourceType } from '../../src/protocol/acl-types';

const none: AclArgs = {
  'allow-principal': [], 'deny-principal': [], principal: [], 'allow-host': [], 'deny-host': [], host: [], operation: [], topic: [], group: [], cluster: false,
  'transactional-id': [], 'resource-pattern-type': 'literal', producer: false, consumer: false,
};
const short = (b: ReturnType<typeof bindingsToAdd>[number]) => [b.pattern.resourceType, b.pattern.name, b.pattern.patternType, b.entry.principal, b.entry.host, b.entry.operation, b.entry.permissionType];

describe('sluice acls: kafka-acls.sh flags as bindings and filters', () => {
  it('add: every resource x operation x principal x host, ALLOW and DENY with their own hosts', () => {
    const bindings = bindingsToAdd({ ...none, 'allow-principal': ['User:a'], 'deny-principal': ['User:b'], 'deny-host': ['10.0.0.1', '10.0.0.2'], operation: ['Read', 'describe-configs'], topic: ['t'] });
    assert.deepEqual(bindings.map(short), [
      [ResourceType.TOPIC, 't', PatternType.LITERAL, 'User:a', '*', Op.READ, Perm.ALLOW],
      [ResourceType.TOPIC, 't', PatternType.LITERAL, 'User:b', '10.0.0.1', Op.READ, Perm.DENY],
      [ResourceType.TOPIC, 't', PatternType.LITERAL, 'User:b', '10.0.0.2', Op.READ, Perm.DENY],
      [ResourceType.TOPIC, 't', PatternType.LITERAL, 'User:a', '*', Op.DESCRIBE_CONFIGS, Perm.ALLOW],
      [ResourceType.TOPIC, 't', PatternType.LITERAL, 'User:b', '10.0.0.1', Op.DESCRIBE_CONFIGS, Perm.DENY],
      [ResourceType.TOPIC, 't', PatternType.LITERAL, 'User:b', '10.0.0.2', Op.DESCRIBE_CONFIGS, Perm.DENY],
    ]);
  });

  it('--consumer and --producer expand as kafka-acls.sh does; --cluster is kafka-cluster', () => {
    const consumer = bindingsToAdd({ ...none, 'allow-principal': ['User:c'], consumer: true, topic: ['in-'], group: ['g'], 'resource-pattern-type': 'prefixed' });
    assert.deepEqual(consumer.map((b) => [b.pattern.resourceType, b.pattern.name, b.pattern.patternType, b.entry.operation]), [
      [ResourceType.TOPIC, 'in-', PatternType.PREFIXED, Op.READ], [ResourceType.TOPIC, 'in-', PatternType.PREFIXED, Op.DESCRIBE], [ResourceType.GROUP, 'g', PatternType.PREFIXED, Op.READ],
    ]);
    const producer = bindingsToAdd({ ...none, 'allow-principal': ['User:p'], producer: true, topic: ['out'], 'transactional-id': ['tx'] });
    assert.deepEqual(producer.map((b) => [b.pattern.name, b.entry.operation]), [['out', Op.WRITE], ['out', Op.DESCRIBE], ['out', Op.CREATE], ['tx', Op.WRITE], ['tx', Op.DESCRIBE]]);
    assert.deepEqual(bindingsToAdd({ ...none, 'allow-principal': ['User:x'], cluster: true }).map(short), [[ResourceType.CLUSTER, 'kafka-cluster', PatternType.LITERAL, 'User:x', '*', Op.ALL, Perm.ALLOW]]);
  });

  it('refuses what kafka-acls.sh refuses', () => {
    assert.throws(() => bindingsToAdd({ ...none, 'allow-principal': ['User:a'] }), AclUsageError);
    assert.throws(() => bindingsToAdd({ ...none, topic: ['t'] }), /name a principal/);
    assert.throws(() => bindingsToAdd({ ...none, 'allow-principal': ['alice'], topic: ['t'] }), /must be TYPE:NAME/);
    assert.throws(() => bindingsToAdd({ ...none, 'allow-principal': ['User:a'], topic: ['t'], 'resource-pattern-type': 'match' }), /unknown resource pattern type "match"/);
    assert.throws(() => bindingsToAdd({ ...none, 'allow-principal': ['User:a'], consumer: true, topic: ['t'] }), /--consumer needs --group/);
  });

  it('list and remove: no resource is every resource, no principal every principal', () => {
    assert.deepEqual(filtersOf(none), [{ pattern: { resourceType: ResourceType.ANY, name: null, patternType: PatternType.ANY }, entry: { principal: null, host: null, operation: Op.ANY, permissionType: Perm.ANY } }]);
    const filters = filtersOf({ ...none, topic: ['t'], principal: ['User:a'], 'resource-pattern-type': 'match' });
    assert.deepEqual(filters, [{ pattern: { resourceType: ResourceType.TOPIC, name: 't', patternType: PatternType.MATCH }, entry: { principal: 'User:a', host: null, operation: Op.ANY, permissionType: Perm.ANY } }]);
  });
});
