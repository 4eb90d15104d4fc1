import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AclBinding, AclStore } from '../../src/ports/authorizer';
import { ACL_FILE, ACL_STORE_DIR, AclFileError, FileAclStore } from '../../src/acl/file-acl-store';
import { AclOperation as Op, AclPermissionType as Perm, PatternType, ResourceType } from '../../src/protocol/acl-types';
import { MemoryAclStore } from '../helpers/memory-acl-store';
import { useTempDir } from '../helpers/temp-dir';

const bindings: AclBinding[] = [
  { pattern: { resourceType: ResourceType.TOPIC, name: 'orders', patternType: PatternType.LITERAL }, entry: { principal: 'User:alice', host: '*', operation: Op.READ, permissionType: Perm.ALLOW } },
  { pattern: { resourceType: ResourceType.GROUP, name: 'etl-', patternType: PatternType.PREFIXED }, entry: { principal: 'User:*', host: '10.0.0.5', operation: Op.DESCRIBE_CONFIGS, permissionType: Perm.DENY } },
  { pattern: { resourceType: ResourceType.TRANSACTIONAL_ID, name: 'tx', patternType: PatternType.LITERAL }, entry: { principal: 'User:CN=svc,OU=ops', host: '*', operation: Op.IDEMPOTENT_WRITE, permissionType: Perm.ALLOW } },
];

function aclStoreContract(kind: string, open: () => AclStore): void {
  describe(`AclStore contract: ${kind}`, () => {
    it('starts empty, and gives back what was saved, whole, without sharing objects', () => {
      const store = open();
      assert.deepEqual(store.load(), []);
      store.save(bindings);
      const loaded = store.load();
      assert.deepEqual(loaded, bindings);
      loaded[0].entry.principal = 'User:mallory';
      assert.equal(store.load()[0].entry.principal, 'User:alice');
    });

    it('replaces the whole set at each save', () => {
      const store = open();
      store.save(bindings);
      store.save([bindings[1]]);
      assert.deepEqual(store.load(), [bindings[1]]);
      store.save([]);
      assert.deepEqual(store.load(), []);
    });
  });
}

describe('ACL stores', () => {
  const tempDir = useTempDir();
  aclStoreContract('MemoryAclStore', () => new MemoryAclStore());
  aclStoreContract('FileAclStore', () => new FileAclStore(fs.mkdtempSync(path.join(tempDir(), 'd-'))));

  describe('FileAclStore on disk', () => {
    it('keeps ACLs in <data-dir>/__acls/acls.json with Kafka\'s names, read back by a new store (a restart)', () => {
      new FileAclStore(tempDir()).save(bindings);
      const file = path.join(tempDir(), ACL_STORE_DIR, ACL_FILE);
      const document = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.deepEqual(document.acls[1], { resourceType: 'GROUP', name: 'etl-', patternType: 'PREFIXED', principal: 'User:*', host: '10.0.0.5', operation: 'DESCRIBE_CONFIGS', permissionType: 'DENY' });
      assert.deepEqual(new FileAclStore(tempDir()).load(), bindings);
      assert.deepEqual(fs.readdirSync(path.dirname(file)), [ACL_FILE], 'no temporary left behind');
    });

    it('ignores a temporary a crash left mid-write: the last complete save is what loads', () => {
      const store = new FileAclStore(tempDir());
      store.save(bindings);
      fs.writeFileSync(`${store.file}.tmp`, '{"version": 1, "acls": [{"resourceType": "TO');
      assert.deepEqual(new FileAclStore(tempDir()).load(), bindings);
      new FileAclStore(tempDir()).save([bindings[0]]);
      assert.deepEqual(new FileAclStore(tempDir()).load(), [bindings[0]]);
    });

    it('refuses to start on a damaged file rather than run without its ACLs', () => {
      const store = new FileAclStore(tempDir());
      fs.writeFileSync(store.file, '{"version": 1, "acls": [');
      assert.throws(() => store.load(), (e: unknown) => e instanceof AclFileError && /acls\.json: not JSON/.test(e.message));
      fs.writeFileSync(store.file, JSON.stringify({ version: 1, acls: [{ resourceType: 'TOPIC', name: 'a', patternType: 'LITERAL', principal: 'User:a', host: '*', operation: 'REED', permissionType: 'ALLOW' }] }));
      assert.throws(() => store.load(), /ACL 0: operation "REED" is not one Kafka knows/);
    });
  });
});
