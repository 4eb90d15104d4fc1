// The users SASL authenticates, what the broker keeps of their passwords: for SCRAM what Kafka keeps
// (salt, stored key, server key, iterations; RFC 5802), and for PLAIN the same shape, so that a password is
// checked by deriving its keys again. No password is ever stored.

/** The mechanisms a credential can be kept for. */
export type CredentialMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export const CREDENTIAL_MECHANISMS: readonly CredentialMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

export interface StoredCredential {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
  iterations: number;
}

export interface UserCredentials {
  user: string;
  /** The user's mechanisms, sorted by name, with their iterations (what DescribeUserScramCredentials shows). */
  mechanisms: { mechanism: CredentialMechanism; iterations: number }[];
}

/** One change: a credential put (replacing any the user had for that mechanism) or, when null, deleted. */
export interface CredentialChange {
  user: string;
  mechanism: CredentialMechanism;
  credential: StoredCredential | null;
}

export interface CredentialStore {
  /** The user's credential for the mechanism, as last written by anyone (the CLI may write while a broker runs). */
  get(user: string, mechanism: CredentialMechanism): StoredCredential | null;
  /** Every user with at least one credential, sorted by name. */
  list(): UserCredentials[];
  /** Applies every change or none, durably; deleting a credential that does not exist is a no-op. */
  apply(changes: readonly CredentialChange[]): void;
}
