import { decodeMessage, encodeMessage, Reader, Writer, requestHeaderVersion, responseHeaderVersion } from '../protocol/codec';
import { apiVersionsResponseSchema, requestHeaderSchema, responseHeaderSchema } from '../protocol/generated';
import { KafkaErrors } from '../protocol/error-codes';
import type { FrameHandler } from './connection';
import type { BrokerState } from './broker-state';
import type { RegisteredHandler } from './handlers/handler';
import { API_VERSIONS_KEY } from './handlers/18-api-versions';

/** Why a request cannot be answered; the connection is closed, as Kafka does. */
export class UnanswerableRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnanswerableRequestError';
  }
}

const MIN_FRAME = 8; // api key, api version, correlation id
const SASL_HANDSHAKE_KEY = 17;
const SASL_AUTHENTICATE_KEY = 36;
/** What a SASL listener serves before authentication, as Kafka's SaslServerAuthenticator. */
const BEFORE_AUTHENTICATION = new Set([API_VERSIONS_KEY, SASL_HANDSHAKE_KEY, SASL_AUTHENTICATE_KEY]);

/**
 * Turns a request frame into a response: reads the header, finds the handler
 * for the API key, checks the version and encodes the answer behind a response
 * header of the version that API expects.
 */
export function createDispatcher(handlers: readonly RegisteredHandler[], broker: BrokerState): FrameHandler {
  const byKey = new Map(handlers.map((h) => [h.apiKey, h]));
  return async (frame, connection) => {
    const sasl = connection.sasl;
    if (sasl?.rawTokens) {
      // After SaslHandshake v0 the client sends bare SASL tokens; the answer is a bare token, a failure closes.
      const challenge = sasl.rawToken(frame);
      return challenge === null ? null : [challenge];
    }
    if (frame.length < MIN_FRAME) throw new UnanswerableRequestError(`request of ${frame.length} bytes is shorter than a header`);
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const handler = byKey.get(apiKey);
    if (!handler) throw new UnanswerableRequestError(`unknown API key ${apiKey}`);
    if (sasl && !BEFORE_AUTHENTICATION.has(apiKey) && (!connection.session.authenticated || sasl.expired)) {
      const why = connection.session.authenticated ? 'after its SASL session expired (connections-max-reauth-ms)' : 'before SASL authentication';
      connection.closeAfterResponse('request before authentication', `${handler.name} request ${why}`);
      return null;
    }
    const supported = apiVersion >= handler.minVersion && apiVersion <= handler.maxVersion;
    const reader = new Reader(frame);
    const headerVersion = supported ? requestHeaderVersion(apiKey, apiVersion) : 1;
    const header = decodeMessage(requestHeaderSchema, headerVersion, reader);
    if (!supported) {
      if (apiKey !== API_VERSIONS_KEY) {
        throw new UnanswerableRequestError(`${handler.name} v${apiVersion} is not supported (v${handler.minVersion}-${handler.maxVersion})`);
      }
      // Kafka answers an ApiVersions version it does not know in the v0 format, so any client can read it.
      const body = encodeMessage(apiVersionsResponseSchema, 0, {
        errorCode: KafkaErrors.UNSUPPORTED_VERSION.code,
        apiKeys: [{ apiKey, minVersion: handler.minVersion, maxVersion: handler.maxVersion }],
      });
      return withHeader(header.correlationId, 0, body);
    }
    const started = performance.now();
    const body = await handler.respond(reader, { broker, apiVersion, clientId: header.clientId ?? null, clientHost: clientHostOf(connection.remote), session: connection.session, sasl, afterResponseWritten: (done) => connection.afterResponseWritten(done) });
    broker.metrics?.requestHandled(handler.name, (performance.now() - started) / 1000);
    if (!body) return null;
    return withHeader(header.correlationId, responseHeaderVersion(apiKey, apiVersion), body);
  };
}

/** "/<address>" from "<address>:<port>", as Java prints an InetAddress. */
function clientHostOf(remote: string): string {
  const colon = remote.lastIndexOf(':');
  return `/${colon < 0 ? remote : remote.slice(0, colon)}`;
}

function withHeader(correlationId: number, headerVersion: number, body: Writer): Buffer[] {
  const header = encodeMessage(responseHeaderSchema, headerVersion, { correlationId });
  return [...header.toBuffers(), ...body.toBuffers()];
}
