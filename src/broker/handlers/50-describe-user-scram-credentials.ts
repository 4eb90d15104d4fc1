import { describeUserScramCredentialsRequestSchema, describeUserScramCredentialsResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { scramMechanismNamed } from '../../protocol/scram';
import { defineHandler } from './handler';

/** As Kafka's ScramImage.describe: every SCRAM user when none is named; each named one once, or its error. */
export const describeUserScramCredentialsHandler = defineHandler({
  apiKey: 50,
  name: 'DescribeUserScramCredentials',
  minVersion: 0,
  maxVersion: 0,
  request: describeUserScramCredentialsRequestSchema,
  response: describeUserScramCredentialsResponseSchema,
  handle(request, { broker }) {
    const store = broker.credentials;
    if (!store) return { throttleTimeMs: 0, errorCode: KafkaErrors.SECURITY_DISABLED.code, errorMessage: 'this broker keeps no credentials', results: [] };
    const scramOf = new Map(
      store
        .list()
        .map((u) => ({ user: u.user, infos: u.mechanisms.flatMap((m) => { const s = scramMechanismNamed(m.mechanism); return s ? [{ mechanism: s.type, iterations: m.iterations }] : []; }) }))
        .filter((u) => u.infos.length > 0)
        .map((u) => [u.user, u.infos]),
    );
    const named = (request.users ?? []).map((u) => u.name);
    const users = named.length === 0 ? [...scramOf.keys()] : [...new Set(named)];
    const results = users.map((user) => {
      if (named.filter((n) => n === user).length > 1) {
        return { user, errorCode: KafkaErrors.DUPLICATE_RESOURCE.code, errorMessage: `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`, credentialInfos: [] };
      }
      const infos = scramOf.get(user);
      if (!infos) return { user, errorCode: KafkaErrors.RESOURCE_NOT_FOUND.code, errorMessage: `Attempt to describe a user credential that does not exist: ${user}`, credentialInfos: [] };
      return { user, errorCode: 0, errorMessage: null, credentialInfos: infos };
    });
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, results };
  },
});
