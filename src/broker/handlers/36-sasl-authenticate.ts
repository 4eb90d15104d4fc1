import { saslAuthenticateRequestSchema, saslAuthenticateResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { defineHandler } from './handler';

export const saslAuthenticateHandler = defineHandler({
  apiKey: 36,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 2,
  request: saslAuthenticateRequestSchema,
  response: saslAuthenticateResponseSchema,
  handle(request, { apiVersion, sasl }) {
    if (!sasl) {
      return {
        errorCode: KafkaErrors.ILLEGAL_SASL_STATE.code,
        errorMessage: 'SaslAuthenticate request received on a listener without SASL',
        authBytes: Buffer.alloc(0),
        sessionLifetimeMs: 0,
      };
    }
    return sasl.authenticate(request.authBytes, apiVersion);
  },
});
