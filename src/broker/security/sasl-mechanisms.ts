import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { CredentialMechanism, CredentialStore, StoredCredential } from '../../ports/credential-store';
import {
  ScramCredential, ScramFormatError, ScramMechanism, clientKeyOf, decodeSaslName, hmac, parseScramAttributes, saltedPassword,
  scramCredential, scramMechanismNamed, storedKeyOf, xor, SCRAM_MIN_ITERATIONS,
} from '../../protocol/scram';

/** Kafka's default is GSSAPI; sluice has no Kerberos, so every mechanism it has is on unless sasl.enabled.mechanisms says less. */
export const DEFAULT_SASL_MECHANISMS: readonly CredentialMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** A failed authentication: `message` is what the client is told (Kafka's words), `detail` only goes to the log. */
export class SaslAuthenticationError extends Error {
  constructor(message: string, readonly detail: string) {
    super(message);
    this.name = 'SaslAuthenticationError';
  }
}

/** What the server answers to one client token; `principal` is set once authentication is complete. */
export interface SaslStep {
  challenge: Buffer;
  principal: string | null;
}

export interface SaslServerMechanism {
  readonly name: CredentialMechanism;
  evaluate(token: Buffer): SaslStep;
}

/** PLAIN credentials are kept like SCRAM-SHA-512's: checking a password derives its stored key again. */
const PLAIN_HASH = scramMechanismNamed('SCRAM-SHA-512')!;

export function plainCredential(password: string, iterations = SCRAM_MIN_ITERATIONS): ScramCredential {
  return scramCredential(PLAIN_HASH, password, iterations);
}

function matches(mechanism: ScramMechanism, password: string, credential: StoredCredential): boolean {
  const salted = saltedPassword(mechanism, password, credential.salt, credential.iterations);
  const storedKey = storedKeyOf(mechanism, clientKeyOf(mechanism, salted));
  return storedKey.length === credential.storedKey.length && timingSafeEqual(storedKey, credential.storedKey);
}

/** Whether `password` is the user's PLAIN password in the store (also the schema registry's basic auth). */
export function plainPasswordMatches(store: CredentialStore, user: string, password: string): boolean {
  const credential = store.get(user, 'PLAIN');
  return credential !== null && matches(PLAIN_HASH, password, credential);
}

/** RFC 4616: "[authzid] NUL authcid NUL passwd", with Kafka's PlainSaslServer messages. */
class PlainServer implements SaslServerMechanism {
  readonly name = 'PLAIN';
  constructor(private readonly store: CredentialStore) {}

  evaluate(token: Buffer): SaslStep {
    const parts = token.toString('utf8').split('\u0000');
    if (parts.length !== 3) throw new SaslAuthenticationError(`Invalid SASL/PLAIN response: expected 3 tokens, got ${parts.length}`, 'malformed PLAIN token');
    const [authorizationId, user, password] = parts;
    if (user === '') throw new SaslAuthenticationError('Authentication failed: username not specified', 'no username');
    if (password === '') throw new SaslAuthenticationError('Authentication failed: password not specified', `no password for ${user}`);
    if (authorizationId !== '' && authorizationId !== user) {
      throw new SaslAuthenticationError('Authentication failed: Client requested an authorization id that is different from username', `authorization id ${authorizationId} for ${user}`);
    }
    const credential = this.store.get(user, 'PLAIN');
    if (!credential || !matches(PLAIN_HASH, password, credential)) {
      throw new SaslAuthenticationError('Authentication failed: Invalid username or password', credential ? `wrong password for ${user}` : `unknown user ${user}`);
    }
    return { challenge: Buffer.alloc(0), principal: `User:${user}` };
  }
}

/** RFC 5802's server: client-first, server-first, client-final, server-final. */
class ScramServer implements SaslServerMechanism {
  private state: 'first' | 'final' | 'done' = 'first';
  private user = '';
  private credential: StoredCredential | null = null;
  private gs2Header = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';

  constructor(private readonly mechanism: ScramMechanism, private readonly store: CredentialStore) {}

  get name(): CredentialMechanism {
    return this.mechanism.name;
  }

  /** Kafka answers every SCRAM failure with one message, so a client cannot tell an unknown user from a wrong password. */
  private fail(detail: string): never {
    throw new SaslAuthenticationError(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.mechanism.name}`, detail);
  }

  evaluate(token: Buffer): SaslStep {
    try {
      if (this.state === 'first') return this.clientFirst(token.toString('utf8'));
      if (this.state === 'final') return this.clientFinal(token.toString('utf8'));
      return this.fail('a token after SCRAM completed');
    } catch (error) {
      if (error instanceof ScramFormatError) this.fail(`malformed SCRAM message: ${error.message}`);
      throw error;
    }
  }

  private clientFirst(message: string): SaslStep {
    const match = /^([ny]|p=[^,]*),(a=[^,]*)?,(.*)$/s.exec(message);
    if (!match) this.fail('client-first message without a GS2 header');
    if (match[1].startsWith('p=')) this.fail('channel binding asked for');
    this.gs2Header = `${match[1]},${match[2] ?? ''},`;
    this.clientFirstBare = match[3];
    const attributes = parseScramAttributes(this.clientFirstBare);
    const user = decodeSaslName(attributes.get('n') ?? this.fail('client-first message without n='));
    const clientNonce = attributes.get('r') ?? this.fail('client-first message without r=');
    const authorizationId = match[2]?.slice(2);
    if (authorizationId && decodeSaslName(authorizationId) !== user) this.fail(`authorization id ${authorizationId} for ${user}`);
    if (attributes.has('tokenauth')) this.fail('delegation tokens are not supported');
    this.user = user;
    this.credential = this.store.get(user, this.mechanism.name);
    if (!this.credential) this.fail(`unknown user ${user}`);
    if (this.credential.iterations < SCRAM_MIN_ITERATIONS) this.fail(`${user}'s credential has ${this.credential.iterations} iterations`);
    this.nonce = clientNonce + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.credential.salt.toString('base64')},i=${this.credential.iterations}`;
    this.state = 'final';
    return { challenge: Buffer.from(this.serverFirst), principal: null };
  }

  private clientFinal(message: string): SaslStep {
    this.state = 'done';
    const proofAt = message.lastIndexOf(',p=');
    if (proofAt < 0) this.fail('client-final message without p=');
    const withoutProof = message.slice(0, proofAt);
    const attributes = parseScramAttributes(withoutProof);
    if (attributes.get('c') !== Buffer.from(this.gs2Header).toString('base64')) this.fail('channel binding does not match the GS2 header');
    // Kafka checks only that the echoed nonce ends with its own: librdkafka sends the client nonce before it again.
    if (!(attributes.get('r') ?? '').endsWith(this.nonce)) this.fail('nonce does not match');
    const proof = Buffer.from(message.slice(proofAt + 3), 'base64');
    const credential = this.credential!;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.mechanism, credential.storedKey, authMessage);
    if (proof.length !== clientSignature.length) this.fail(`wrong password for ${this.user}`);
    const storedKey = storedKeyOf(this.mechanism, xor(proof, clientSignature));
    if (!timingSafeEqual(storedKey, credential.storedKey)) this.fail(`wrong password for ${this.user}`);
    const serverSignature = hmac(this.mechanism, credential.serverKey, authMessage);
    return { challenge: Buffer.from(`v=${serverSignature.toString('base64')}`), principal: `User:${this.user}` };
  }
}

export function saslServerFor(mechanism: CredentialMechanism, store: CredentialStore): SaslServerMechanism {
  if (mechanism === 'PLAIN') return new PlainServer(store);
  return new ScramServer(scramMechanismNamed(mechanism)!, store);
}
