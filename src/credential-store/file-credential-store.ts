import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomically } from '../log/atomic-file';
import { CREDENTIAL_MECHANISMS, CredentialChange, CredentialMechanism, CredentialStore, StoredCredential, UserCredentials } from '../ports/credential-store';

/** Where the credentials live inside a data directory. */
export const CREDENTIALS_DIR = '__credentials';
const FILE_NAME = 'credentials.json';
const FORMAT_VERSION = 1;

interface CredentialJson {
  salt: string;
  storedKey: string;
  serverKey: string;
  iterations: number;
}

interface FileJson {
  version: number;
  users: Record<string, Partial<Record<CredentialMechanism, CredentialJson>>>;
}

/** Why the credentials file cannot be read. */
export class CredentialFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialFileError';
  }
}

type Users = Map<string, Map<CredentialMechanism, StoredCredential>>;

/**
 * The credentials as one JSON file, replaced atomically on every change. Reads look at the file's identity
 * (inode, size, mtime) first and parse it again when it changed, so a broker sees `sluice users add` at once.
 */
export class FileCredentialStore implements CredentialStore {
  private users: Users = new Map();
  private seen = '';

  private constructor(private readonly file: string) {}

  static open(dataDir: string): FileCredentialStore {
    const dir = path.join(dataDir, CREDENTIALS_DIR);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const store = new FileCredentialStore(path.join(dir, FILE_NAME));
    store.refresh();
    return store;
  }

  get(user: string, mechanism: CredentialMechanism): StoredCredential | null {
    this.refresh();
    return this.users.get(user)?.get(mechanism) ?? null;
  }

  list(): UserCredentials[] {
    this.refresh();
    return [...this.users]
      .map(([user, byMechanism]) => ({
        user,
        mechanisms: [...byMechanism].map(([mechanism, c]) => ({ mechanism, iterations: c.iterations })).sort((a, b) => a.mechanism.localeCompare(b.mechanism)),
      }))
      .sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
  }

  apply(changes: readonly CredentialChange[]): void {
    this.refresh();
    const next: Users = new Map([...this.users].map(([user, m]) => [user, new Map(m)]));
    for (const { user, mechanism, credential } of changes) {
      const byMechanism = next.get(user) ?? new Map<CredentialMechanism, StoredCredential>();
      if (credential) byMechanism.set(mechanism, credential);
      else byMechanism.delete(mechanism);
      if (byMechanism.size > 0) next.set(user, byMechanism);
      else next.delete(user);
    }
    writeFileAtomically(this.file, JSON.stringify(toJson(next), null, 1) + '\n');
    fs.chmodSync(this.file, 0o600);
    this.users = next;
    this.seen = this.identity();
  }

  private identity(): string {
    try {
      const stat = fs.statSync(this.file);
      return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
      throw error;
    }
  }

  private refresh(): void {
    const identity = this.identity();
    if (identity === this.seen) return;
    this.users = identity === 'none' ? new Map() : fromJson(this.file, fs.readFileSync(this.file, 'utf8'));
    this.seen = identity;
  }
}

function toJson(users: Users): FileJson {
  const out: FileJson = { version: FORMAT_VERSION, users: {} };
  for (const [user, byMechanism] of users) {
    const entry: Partial<Record<CredentialMechanism, CredentialJson>> = {};
    for (const [mechanism, c] of byMechanism) {
      entry[mechanism] = { salt: c.salt.toString('base64'), storedKey: c.storedKey.toString('base64'), serverKey: c.serverKey.toString('base64'), iterations: c.iterations };
    }
    out.users[user] = entry;
  }
  return out;
}

function fromJson(file: string, text: string): Users {
  let parsed: FileJson;
  try {
    parsed = JSON.parse(text) as FileJson;
  } catch (error) {
    throw new CredentialFileError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (parsed.version !== FORMAT_VERSION || typeof parsed.users !== 'object' || parsed.users === null) {
    throw new CredentialFileError(`${file} is not a version ${FORMAT_VERSION} credentials file`);
  }
  const users: Users = new Map();
  for (const [user, entry] of Object.entries(parsed.users)) {
    const byMechanism = new Map<CredentialMechanism, StoredCredential>();
    for (const mechanism of CREDENTIAL_MECHANISMS) {
      const c = entry[mechanism];
      if (!c) continue;
      if (!Number.isInteger(c.iterations) || typeof c.salt !== 'string' || typeof c.storedKey !== 'string' || typeof c.serverKey !== 'string') {
        throw new CredentialFileError(`${file}: the ${mechanism} credential of ${user} is malformed`);
      }
      byMechanism.set(mechanism, {
        salt: Buffer.from(c.salt, 'base64'),
        storedKey: Buffer.from(c.storedKey, 'base64'),
        serverKey: Buffer.from(c.serverKey, 'base64'),
        iterations: c.iterations,
      });
    }
    if (byMechanism.size > 0) users.set(user, byMechanism);
  }
  return users;
}
