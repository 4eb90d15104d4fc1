import { saslHandshakeRequestSchema, saslHandshakeResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { defineHandler } from './handler';

export const saslHandshakeHandler = defineHandler({
  apiKey: 17,
  name: 'SaslHandshake',
  minVersion: 0,
  maxVersion: 1,
  request: saslHandshakeRequestSchema,
  response: saslHandshakeResponseSchema,
  handle(request, { apiVersion, sasl }) {
    // On a listener without SASL, as Kafka's KafkaApis: the state is wrong for any handshake.
    if (!sasl) return { errorCode: KafkaErrors.ILLEGAL_SASL_STATE.code, mechanisms: [] };
    return sasl.handshake(request.mechanism, apiVersion);
  },
});
