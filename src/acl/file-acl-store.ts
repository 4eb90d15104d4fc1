import * as fs from 'node:fs';
import * as path from 'node:path';
import { aclCode, AclOperation, AclPermissionType, PatternType, ResourceType } from '../protocol/acl-types';
import { namedBinding } from '../ports/authorizer';
import type { AclBinding, AclStore, NamedAclBinding } from '../ports/authorizer';
import { writeFileAtomically } from '../log/atomic-file';

/** No `-<n>` suffix, so the log manager never takes it for a partition directory. */
export const ACL_STORE_DIR = '__acls';
export const ACL_FILE = 'acls.json';
const FORMAT_VERSION = 1;

/** The ACL file exists but cannot be read as ACLs: the broker refuses to start rather than run without them. */
export class AclFileError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'AclFileError';
  }
}


function fromStored(stored: NamedAclBinding, file: string, index: number): AclBinding {
  const code = (table: Readonly<Record<string, number>>, field: keyof NamedAclBinding) => {
    const value = stored[field];
    const found = typeof value === 'string' ? aclCode(table, value) : 0;
    if (found <= 1) throw new AclFileError(file, `ACL ${index}: ${field} ${JSON.stringify(value)} is not one Kafka knows`);
    return found;
  };
  for (const field of ['name', 'principal', 'host'] as const) {
    if (typeof stored[field] !== 'string') throw new AclFileError(file, `ACL ${index}: ${field} must be a string`);
  }
  return {
    pattern: { resourceType: code(ResourceType, 'resourceType'), name: stored.name, patternType: code(PatternType, 'patternType') },
    entry: { principal: stored.principal, host: stored.host, operation: code(AclOperation, 'operation'), permissionType: code(AclPermissionType, 'permissionType') },
  };
}

/**
 * The ACLs in `<data-dir>/__acls/acls.json`, rewritten whole at each change (write, fdatasync, rename, directory
 * fsync): a crash leaves the old set or the new one, never a mix. ACLs change seldom, so a rewrite costs little.
 */
export class FileAclStore implements AclStore {
  readonly file: string;

  constructor(dataDir: string) {
    const dir = path.join(dataDir, ACL_STORE_DIR);
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, ACL_FILE);
  }

  load(): AclBinding[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new AclFileError(this.file, `not JSON (${(error as Error).message})`);
    }
    const document = parsed as { version?: unknown; acls?: unknown };
    if (document.version !== FORMAT_VERSION || !Array.isArray(document.acls)) {
      throw new AclFileError(this.file, `expected {"version": ${FORMAT_VERSION}, "acls": [...]}`);
    }
    return (document.acls as NamedAclBinding[]).map((stored, index) => fromStored(stored, this.file, index));
  }

  save(bindings: readonly AclBinding[]): void {
    writeFileAtomically(this.file, JSON.stringify({ version: FORMAT_VERSION, acls: bindings.map(namedBinding) }, null, 1) + '\n');
  }
}
