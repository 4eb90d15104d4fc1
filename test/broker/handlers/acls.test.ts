import { strict as assert } from 'node:assert';
import {
  createAclsRequestSchema, createAclsResponseSchema, deleteAclsRequestSchema, deleteAclsResponseSchema, describeAclsRequestSchema, describeAclsResponseSchema,
  CreateAclsRequest, DescribeAclsRequest,
} from '../../../src/protocol/generated';
import { KafkaErrors } from '../../../src/protocol/error-codes';
import { AclOperation as Op, AclPermissionType as Perm, CLUSTER_NAME, PatternType, ResourceType } from '../../../src/protocol/acl-types';
import { describeAclsHandler } from '../../../src/broker/handlers/29-describe-acls';
import { createAclsHandler } from '../../../src/broker/handlers/30-create-acls';
import { deleteAclsHandler } from '../../../src/broker/handlers/31-delete-acls';
import { StandardAuthorizer } from '../../../src/acl/standard-authorizer';
import { plaintextSession } from '../../../src/broker/session';
import type { BrokerState } from '../../../src/broker/broker-state';
import { answer, brokerStateOver, versionsOf } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';
import { MemoryAclStore } from '../../helpers/memory-acl-store';

const apis = {
  describe: { request: describeAclsRequestSchema, response: describeAclsResponseSchema },
  create: { request: createAclsRequestSchema, response: createAclsResponseSchema },
  delete: { request: deleteAclsRequestSchema, response: deleteAclsResponseSchema },
};

type Creation = CreateAclsRequest['creations'][number];
const creation = (resourceType: number, resourceName: string, principal: string, operation: number, permissionType: number = Perm.ALLOW, resourcePatternType: number = PatternType.LITERAL): Creation =>
  ({ resourceType, resourceName, resourcePatternType, principal, host: '*', operation, permissionType });

const everything: DescribeAclsRequest = { resourceTypeFilter: ResourceType.ANY, resourceNameFilter: null, patternTypeFilter: PatternType.ANY, principalFilter: null, hostFilter: null, operation: Op.ANY, permissionType: Perm.ANY };
const as = (principal: string) => ({ ...plaintextSession(), principal });

describe('DescribeAcls (29), CreateAcls (30), DeleteAcls (31) handlers', () => {
  let broker: BrokerState;
  let store: MemoryAclStore;
  beforeEach(() => {
    store = new MemoryAclStore();
    broker = brokerStateOver(new MemoryPartitionStore(), {}, { authorizer: new StandardAuthorizer(store, { allowEveryoneIfNoAclFound: true, superUsers: [] }) });
  });

  it('creates, describes grouped by resource pattern, and deletes ACLs at every version', async () => {
    for (const version of versionsOf(createAclsHandler)) {
      const patternType = version === 0 ? PatternType.LITERAL : PatternType.PREFIXED;
      const created = await answer(createAclsHandler, apis.create, version, {
        creations: [creation(ResourceType.TOPIC, `t${version}`, 'User:alice', Op.READ), creation(ResourceType.TOPIC, `t${version}`, 'User:bob', Op.WRITE, Perm.DENY), creation(ResourceType.GROUP, `g${version}`, 'User:alice', Op.READ, Perm.ALLOW, patternType)],
      }, broker);
      assert.deepEqual(created.results.map((r) => r.errorCode), [0, 0, 0], `v${version}`);
      const described = await answer(describeAclsHandler, apis.describe, version, { ...everything, resourceTypeFilter: ResourceType.TOPIC, resourceNameFilter: `t${version}`, patternTypeFilter: PatternType.LITERAL }, broker);
      assert.equal(described.errorCode, 0);
      assert.deepEqual(described.resources.map((r) => [r.resourceType, r.resourceName, r.acls.map((a) => [a.principal, a.host, a.operation, a.permissionType])]), [
        [ResourceType.TOPIC, `t${version}`, [['User:alice', '*', Op.READ, Perm.ALLOW], ['User:bob', '*', Op.WRITE, Perm.DENY]]],
      ]);
      const deleted = await answer(deleteAclsHandler, apis.delete, version, {
        filters: [{ resourceTypeFilter: ResourceType.GROUP, resourceNameFilter: `g${version}`, patternTypeFilter: patternType, principalFilter: null, hostFilter: null, operation: Op.ANY, permissionType: Perm.ANY }],
      }, broker);
      assert.deepEqual(deleted.filterResults.map((f) => [f.errorCode, f.matchingAcls.map((a) => [a.resourceType, a.resourceName, a.principal, a.operation])]), [[0, [[ResourceType.GROUP, `g${version}`, 'User:alice', Op.READ]]]]);
      if (version >= 1) assert.equal(deleted.filterResults[0].matchingAcls[0].patternType, PatternType.PREFIXED);
    }
    const all = await answer(describeAclsHandler, apis.describe, 3, everything, broker);
    assert.equal(all.resources.flatMap((r) => r.acls).length, 2 * versionsOf(createAclsHandler).length, 'the groups are gone, the topic ACLs stay');
    assert.equal(store.load().length, 8, 'every change reached the store');
  });

  it('v0 describes LITERAL patterns only (it has no pattern type field)', async () => {
    await answer(createAclsHandler, apis.create, 1, { creations: [creation(ResourceType.TOPIC, 'p-', 'User:a', Op.READ, Perm.ALLOW, PatternType.PREFIXED), creation(ResourceType.TOPIC, 'lit', 'User:a', Op.READ)] }, broker);
    const v0 = await answer(describeAclsHandler, apis.describe, 0, { ...everything, resourceTypeFilter: ResourceType.TOPIC }, broker);
    assert.deepEqual(v0.resources.map((r) => r.resourceName), ['lit']);
  });

  it('answers INVALID_REQUEST for malformed ACLs and unknown filters, as Kafka', async () => {
    const created = await answer(createAclsHandler, apis.create, 3, {
      creations: [creation(ResourceType.CLUSTER, 'other', 'User:a', Op.ALTER), creation(ResourceType.TOPIC, 't', 'nocolon', Op.READ), creation(ResourceType.TOPIC, 't', 'User:a', Op.READ, Perm.ALLOW, PatternType.MATCH), creation(ResourceType.TOPIC, 't', 'User:a', Op.READ)],
    }, broker);
    assert.deepEqual(created.results.map((r) => r.errorCode), [KafkaErrors.INVALID_REQUEST.code, KafkaErrors.INVALID_REQUEST.code, KafkaErrors.INVALID_REQUEST.code, 0]);
    assert.match(String(created.results[0].errorMessage), /only valid name for the CLUSTER resource is kafka-cluster/);
    const described = await answer(describeAclsHandler, apis.describe, 3, { ...everything, patternTypeFilter: PatternType.UNKNOWN }, broker);
    assert.deepEqual([described.errorCode, described.resources], [KafkaErrors.INVALID_REQUEST.code, []]);
    const deleted = await answer(deleteAclsHandler, apis.delete, 3, { filters: [{ ...everything, resourceTypeFilter: ResourceType.UNKNOWN }] }, broker);
    assert.equal(deleted.filterResults[0].errorCode, KafkaErrors.INVALID_REQUEST.code);
    assert.equal(store.load().length, 1);
  });

  it('needs DESCRIBE on the cluster to describe and ALTER to create or delete (CLUSTER_AUTHORIZATION_FAILED)', async () => {
    await answer(createAclsHandler, apis.create, 3, {
      creations: [creation(ResourceType.CLUSTER, CLUSTER_NAME, 'User:admin', Op.ALTER), creation(ResourceType.CLUSTER, CLUSTER_NAME, 'User:auditor', Op.DESCRIBE)],
    }, broker);
    const refused = KafkaErrors.CLUSTER_AUTHORIZATION_FAILED.code;
    const byAlice = await answer(createAclsHandler, apis.create, 3, { creations: [creation(ResourceType.TOPIC, 'x', 'User:alice', Op.ALL)] }, broker, as('User:alice'));
    assert.deepEqual(byAlice.results.map((r) => r.errorCode), [refused]);
    assert.equal((await answer(describeAclsHandler, apis.describe, 3, everything, broker, as('User:alice'))).errorCode, refused);
    assert.equal((await answer(deleteAclsHandler, apis.delete, 3, { filters: [everything] }, broker, as('User:auditor'))).filterResults[0].errorCode, refused, 'DESCRIBE is not ALTER');
    const audited = await answer(describeAclsHandler, apis.describe, 3, everything, broker, as('User:auditor'));
    assert.deepEqual([audited.errorCode, audited.resources[0].acls.length], [0, 2]);
    const byAdmin = await answer(createAclsHandler, apis.create, 3, { creations: [creation(ResourceType.TOPIC, 'x', 'User:alice', Op.ALL)] }, broker, as('User:admin'));
    assert.deepEqual(byAdmin.results.map((r) => r.errorCode), [0]);
    assert.equal(store.load().length, 3);
  });
});
