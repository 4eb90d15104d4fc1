import { alterUserScramCredentialsRequestSchema, alterUserScramCredentialsResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { credentialFromSaltedPassword, scramMechanismOfType, SCRAM_MAX_ITERATIONS, SCRAM_MIN_ITERATIONS } from '../../protocol/scram';
import type { CredentialChange } from '../../ports/credential-store';
import { defineHandler } from './handler';
import { errorOf } from './errors';

type Failure = { code: number; message: string };

const DUPLICATE: Failure = { code: KafkaErrors.DUPLICATE_RESOURCE.code, message: 'A user credential cannot be altered twice in the same request' };

function checkUserAndMechanism(name: string, mechanismType: number): Failure | null {
  if (name === '') return { code: KafkaErrors.UNACCEPTABLE_CREDENTIAL.code, message: 'Username must not be empty' };
  if (!scramMechanismOfType(mechanismType)) return { code: KafkaErrors.UNSUPPORTED_SASL_MECHANISM.code, message: 'Unknown SCRAM mechanism' };
  return null;
}

/**
 * As Kafka's ScramControlManager: one change per user per request (a second is DUPLICATE_RESOURCE, for
 * deletions and upsertions alike), iterations within 4096–16384, and the client's salted password turned
 * into the stored and server keys. The accepted changes are written together.
 */
export const alterUserScramCredentialsHandler = defineHandler({
  apiKey: 51,
  name: 'AlterUserScramCredentials',
  minVersion: 0,
  maxVersion: 0,
  request: alterUserScramCredentialsRequestSchema,
  response: alterUserScramCredentialsResponseSchema,
  handle(request, { broker }) {
    const store = broker.credentials;
    const failures = new Map<string, Failure>();
    const accepted = new Map<string, CredentialChange>();
    const consider = (name: string, check: () => Failure | CredentialChange) => {
      if (failures.has(name)) return;
      if (accepted.delete(name)) {
        failures.set(name, DUPLICATE);
        return;
      }
      const outcome = check();
      if ('code' in outcome) failures.set(name, outcome);
      else accepted.set(name, outcome);
    };
    for (const deletion of request.deletions) {
      consider(deletion.name, () => {
        const bad = checkUserAndMechanism(deletion.name, deletion.mechanism);
        if (bad) return bad;
        const mechanism = scramMechanismOfType(deletion.mechanism)!.name;
        if (!store?.get(deletion.name, mechanism)) return { code: KafkaErrors.RESOURCE_NOT_FOUND.code, message: 'Attempt to delete a user credential that does not exist' };
        return { user: deletion.name, mechanism, credential: null };
      });
    }
    for (const upsertion of request.upsertions) {
      consider(upsertion.name, () => {
        const bad = checkUserAndMechanism(upsertion.name, upsertion.mechanism);
        if (bad) return bad;
        if (upsertion.iterations < SCRAM_MIN_ITERATIONS) return { code: KafkaErrors.UNACCEPTABLE_CREDENTIAL.code, message: 'Too few iterations' };
        if (upsertion.iterations > SCRAM_MAX_ITERATIONS) return { code: KafkaErrors.UNACCEPTABLE_CREDENTIAL.code, message: 'Too many iterations' };
        const mechanism = scramMechanismOfType(upsertion.mechanism)!;
        return { user: upsertion.name, mechanism: mechanism.name, credential: credentialFromSaltedPassword(mechanism, upsertion.saltedPassword, upsertion.salt, upsertion.iterations) };
      });
    }
    if (accepted.size > 0) {
      try {
        if (!store) throw new Error('this broker keeps no credentials');
        store.apply([...accepted.values()]);
      } catch (error) {
        const failure = errorOf(error);
        for (const name of accepted.keys()) failures.set(name, failure);
        accepted.clear();
      }
    }
    const results = [
      ...[...accepted.keys()].map((user) => ({ user, errorCode: 0, errorMessage: null })),
      ...[...failures].map(([user, f]) => ({ user, errorCode: f.code, errorMessage: f.message })),
    ];
    return { throttleTimeMs: 0, results };
  },
});
