import { apiVersionsRequestSchema } from '../protocol/generated/api-versions-request';
import { apiVersionsResponseSchema } from '../protocol/generated/api-versions-response';
import { saslAuthenticateRequestSchema } from '../protocol/generated/sasl-authenticate-request';
import { saslAuthenticateResponseSchema } from '../protocol/generated/sasl-authenticate-response';
import { saslHandshakeRequestSchema } from '../protocol/generated/sasl-handshake-request';
import { saslHandshakeResponseSchema } from '../protocol/generated/sasl-handshake-response';
import { errorNameForCode, KafkaErrors } from '../protocol/error-codes';
import type { BrokerConnection } from './broker-connection';
import type { SaslCredentials } from './client-security';
import { ScramMechanism, scramMechanismNamed } from '../protocol/scram';
import { ScramClient, ScramProtocolError } from './scram';
import { SaslAuthenticationError, UnsupportedSaslMechanismError } from './security-errors';

// SASL on a new connection, as Kafka's SaslClientAuthenticator does it: ApiVersions (allowed before
// authentication), SaslHandshake v1 naming the mechanism, then the mechanism's tokens in SaslAuthenticate requests.
// Handshake v0 (tokens without Kafka framing, Kafka 0.10) is not spoken.

const API_VERSIONS = 18;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;

export type VersionTable = Readonly<Record<number, readonly [number, number]>>;

/** A mechanism's side of the exchange: the first token, then the answer to each server token (null: done). */
interface SaslExchange {
  first(): Buffer;
  next(server: Buffer): Promise<Buffer | null>;
}

function plainExchange({ username, password }: SaslCredentials): SaslExchange {
  return {
    first: () => Buffer.from(`\0${username}\0${password}`, 'utf8'),
    next: async () => null,
  };
}

function scramExchange(mechanism: ScramMechanism, { username, password }: SaslCredentials): SaslExchange {
  const client = new ScramClient(mechanism, username, password);
  let step = 0;
  return {
    first: () => Buffer.from(client.firstMessage(), 'utf8'),
    async next(server) {
      step++;
      if (step === 1) return Buffer.from(await client.finalMessage(server.toString('utf8')), 'utf8');
      client.verifyServerFinal(server.toString('utf8'));
      return null;
    },
  };
}

/** The highest version of `apiKey` both sides speak, or undefined. */
function shared(offered: Map<number, [number, number]>, mine: VersionTable, apiKey: number): number | undefined {
  const theirs = offered.get(apiKey);
  const ours = mine[apiKey];
  if (!theirs || !ours || theirs[1] < ours[0] || theirs[0] > ours[1]) return undefined;
  return Math.min(theirs[1], ours[1]);
}

/**
 * Authenticates `connection` with `credentials`; resolves once the broker accepted them (and, for SCRAM, proved it
 * knows the password), with the session's lifetime in ms (0: no limit; KIP-368's sessionLifetimeMs). `versions` is the client's version table (CLIENT_VERSIONS), `apiVersionsVersion` the
 * ApiVersions version it sends.
 */
export async function authenticate(connection: BrokerConnection, credentials: SaslCredentials, versions: VersionTable, apiVersionsVersion: number): Promise<number> {
  const { mechanism, username } = credentials;
  const address = connection.address;
  const apis = await connection.request(API_VERSIONS, apiVersionsVersion, apiVersionsRequestSchema, apiVersionsResponseSchema, {});
  const offered = new Map(apis.apiKeys.map((api): [number, [number, number]] => [api.apiKey, [api.minVersion, api.maxVersion]]));
  const handshakeVersion = shared(offered, versions, SASL_HANDSHAKE);
  const authenticateVersion = shared(offered, versions, SASL_AUTHENTICATE);
  if (handshakeVersion === undefined || authenticateVersion === undefined) throw new UnsupportedSaslMechanismError(mechanism, address, null);

  const handshake = await connection.request(SASL_HANDSHAKE, handshakeVersion, saslHandshakeRequestSchema, saslHandshakeResponseSchema, { mechanism });
  if (handshake.errorCode === KafkaErrors.UNSUPPORTED_SASL_MECHANISM.code) throw new UnsupportedSaslMechanismError(mechanism, address, handshake.mechanisms);
  // What Kafka answers on a listener without SASL (KafkaApis.handleSaslHandshakeRequest).
  if (handshake.errorCode === KafkaErrors.ILLEGAL_SASL_STATE.code) throw new UnsupportedSaslMechanismError(mechanism, address, null);
  if (handshake.errorCode !== 0) throw new SaslAuthenticationError(username, address, `SaslHandshake answered ${errorNameForCode(handshake.errorCode) ?? handshake.errorCode}`);

  const scram = scramMechanismNamed(mechanism);
  const exchange = scram ? scramExchange(scram, credentials) : plainExchange(credentials);
  let token: Buffer | null = exchange.first();
  let lifetimeMs = 0;
  while (token) {
    const answer = await connection.request(SASL_AUTHENTICATE, authenticateVersion, saslAuthenticateRequestSchema, saslAuthenticateResponseSchema, { authBytes: token });
    if (answer.errorCode !== 0) {
      const name = errorNameForCode(answer.errorCode) ?? `error ${answer.errorCode}`;
      throw new SaslAuthenticationError(username, address, answer.errorMessage || (KafkaErrors[name as keyof typeof KafkaErrors]?.message ?? name));
    }
    lifetimeMs = Number(answer.sessionLifetimeMs ?? 0);
    try {
      token = await exchange.next(answer.authBytes);
    } catch (error) {
      if (error instanceof ScramProtocolError) throw new SaslAuthenticationError(username, address, error.message);
      throw error;
    }
  }
  return lifetimeMs;
}
