import { KafkaErrors } from '../../protocol/error-codes';
import type { CredentialMechanism, CredentialStore } from '../../ports/credential-store';
import type { ConnectionSession } from '../session';
import { SaslAuthenticationError, SaslServerMechanism, saslServerFor } from './sasl-mechanisms';

/** The SASL side of the broker: which mechanisms are on, whose credentials, and KIP-368's session lifetime. */
export interface SaslSettings {
  /** Kafka's sasl.enabled.mechanisms. */
  enabledMechanisms: readonly CredentialMechanism[];
  credentials: CredentialStore;
  /** Kafka's connections.max.reauth.ms: 0 means sessions never expire (and clients are not asked to re-authenticate). */
  maxReauthMs: number;
  /** Logs successful authentications (Kafka logs them at DEBUG). */
  logAuthentication?: (line: string) => void;
}

/** Tells the connection to send the response being built, then close; the reason goes to the rate-limited log. */
export type FailConnection = (reason: string) => void;

export interface HandshakeAnswer {
  errorCode: number;
  mechanisms: string[];
}

export interface AuthenticateAnswer {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
  sessionLifetimeMs: number;
}

/**
 * One connection's SASL state, as Kafka's SaslServerAuthenticator: a handshake picks the mechanism, then
 * tokens go back and forth until the mechanism names a principal. After SaslHandshake v0 the tokens come
 * raw, without SaslAuthenticate around them. Any failure answers once and closes the connection.
 */
export class SaslExchange {
  private state: 'handshake' | 'authenticate' | 'complete' = 'handshake';
  private mechanism: SaslServerMechanism | null = null;
  private completedMechanism: CredentialMechanism | null = null;
  private authenticateVersion = -1;
  private expiresAt = Infinity;
  /** True after a v0 handshake: the next frames are bare SASL tokens, not Kafka requests. */
  rawTokens = false;

  constructor(
    private readonly settings: SaslSettings,
    private readonly session: ConnectionSession,
    private readonly remote: string,
    private readonly failConnection: FailConnection,
  ) {}

  /** Whether a SaslHandshake now is a KIP-368 re-authentication (the client sent SaslAuthenticate v1+ before). */
  private get reauthenticating(): boolean {
    return this.state === 'complete' && this.authenticateVersion >= 1;
  }

  handshake(requested: string, version: number): HandshakeAnswer {
    const mechanisms = [...this.settings.enabledMechanisms];
    if (this.state !== 'handshake' && !this.reauthenticating) {
      this.failConnection(`SaslHandshake in SASL state ${this.state}`);
      return { errorCode: KafkaErrors.ILLEGAL_SASL_STATE.code, mechanisms };
    }
    const enabled = mechanisms.find((m) => m === requested);
    if (!enabled || (this.reauthenticating && enabled !== this.completedMechanism)) {
      this.failConnection(`SASL mechanism ${requested} requested (enabled: ${mechanisms.join(', ')})`);
      return { errorCode: KafkaErrors.UNSUPPORTED_SASL_MECHANISM.code, mechanisms };
    }
    this.mechanism = saslServerFor(enabled, this.settings.credentials);
    this.state = 'authenticate';
    this.rawTokens = version === 0;
    return { errorCode: 0, mechanisms };
  }

  authenticate(token: Buffer, version: number): AuthenticateAnswer {
    const failed = (code: number, message: string, detail: string): AuthenticateAnswer => {
      this.failConnection(`SASL authentication failed: ${detail}`);
      return { errorCode: code, errorMessage: message, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 };
    };
    if (this.state !== 'authenticate' || !this.mechanism) {
      return failed(KafkaErrors.ILLEGAL_SASL_STATE.code, `Unexpected SaslAuthenticate request in SASL state ${this.state}`, 'SaslAuthenticate before SaslHandshake');
    }
    this.authenticateVersion = version;
    try {
      const step = this.mechanism.evaluate(token);
      if (step.principal === null) return { errorCode: 0, errorMessage: null, authBytes: step.challenge, sessionLifetimeMs: 0 };
      if (this.completedMechanism !== null && step.principal !== this.session.principal) {
        return failed(KafkaErrors.SASL_AUTHENTICATION_FAILED.code, `Cannot change principals during re-authentication from ${this.session.principal}: ${step.principal}`, `re-authentication as ${step.principal}`);
      }
      this.complete(step.principal);
      return { errorCode: 0, errorMessage: null, authBytes: step.challenge, sessionLifetimeMs: this.settings.maxReauthMs > 0 && version >= 1 ? this.settings.maxReauthMs : 0 };
    } catch (error) {
      if (!(error instanceof SaslAuthenticationError)) throw error;
      return failed(KafkaErrors.SASL_AUTHENTICATION_FAILED.code, error.message, `${this.mechanism.name}: ${error.detail}`);
    }
  }

  /** A bare token after a v0 handshake: the answer is the bare challenge; a failure closes the connection unanswered. */
  rawToken(token: Buffer): Buffer | null {
    const answer = this.authenticate(token, 0);
    if (answer.errorCode !== 0) return null;
    if (this.state === 'complete') this.rawTokens = false;
    return answer.authBytes;
  }

  private complete(principal: string): void {
    this.state = 'complete';
    this.completedMechanism = this.mechanism!.name;
    this.mechanism = null;
    this.session.principal = principal;
    this.session.authenticated = true;
    this.expiresAt = this.settings.maxReauthMs > 0 ? Date.now() + this.settings.maxReauthMs : Infinity;
    this.settings.logAuthentication?.(`authenticated ${principal} on ${this.session.listenerName} (${this.completedMechanism}) from ${this.remote}`);
  }

  /** Past connections.max.reauth.ms without re-authenticating, only re-authentication is served (Kafka closes otherwise). */
  get expired(): boolean {
    return Date.now() >= this.expiresAt;
  }
}
