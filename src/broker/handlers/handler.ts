import { decodeMessage, encodeMessage, MessageSchema, Reader, Writer } from '../../protocol/codec';
import type { BrokerState } from '../broker-state';
import type { ConnectionSession } from '../session';
import type { SaslExchange } from '../security/sasl-exchange';

export interface RequestContext {
  broker: BrokerState;
  apiVersion: number;
  clientId: string | null;
  /** The client's address as Kafka reports it in DescribeGroups ("/127.0.0.1"). */
  clientHost: string;
  /** The connection's principal and listener (mutable: SaslAuthenticate sets the principal). */
  session: ConnectionSession;
  /** The connection's SASL state on a SASL listener; absent or null elsewhere. */
  sasl?: SaslExchange | null;
  /**
   * Runs `done` once this request's response was written to the kernel, or will never be (no response, a failed
   * request, a closed connection): when buffers the response points into may be reused. Absent in handler tests.
   */
  afterResponseWritten?: (done: () => void) => void;
}

/** One Kafka API as the broker serves it: its version range and what it does with a decoded request. */
export interface ApiHandlerDefinition<Request, Response> {
  apiKey: number;
  name: string;
  minVersion: number;
  maxVersion: number;
  request: MessageSchema<Request>;
  response: MessageSchema<Response>;
  /** null means no response at all (Produce with acks=0). */
  handle(request: Request, context: RequestContext): Promise<Response | null> | Response | null;
}

/** A handler with its message types closed over, so handlers of different APIs fit in one registry. */
export interface RegisteredHandler {
  apiKey: number;
  name: string;
  minVersion: number;
  maxVersion: number;
  respond(body: Reader, context: RequestContext): Promise<Writer | null>;
}

export function defineHandler<Request, Response>(definition: ApiHandlerDefinition<Request, Response>): RegisteredHandler {
  return {
    apiKey: definition.apiKey,
    name: definition.name,
    minVersion: definition.minVersion,
    maxVersion: definition.maxVersion,
    async respond(body, context) {
      const request = decodeMessage(definition.request, context.apiVersion, body);
      const response = await definition.handle(request, context);
      return response === null ? null : encodeMessage(definition.response, context.apiVersion, response);
    },
  };
}
