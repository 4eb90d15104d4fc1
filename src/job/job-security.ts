import * as path from 'node:path';
import {
  checkClientSecurity, ClientSecurity, CLIENT_SECURITY_KEYS, ClientSecurityKey, ENDPOINT_IDENTIFICATION, SASL_MECHANISMS, SECURITY_PROTOCOLS,
} from '../client/client-security';
import { ClientSecurityConfigError } from '../client/security-errors';
import { Fields, isObject, Json, JobDefinitionError } from './job-fields';

// `source.security` of a job file: Kafka's client settings under their own names. Secrets never live in a job
// file (it is checked in, copied, printed): the password comes from an environment variable or a file.

const SECTION = 'source.security';

/** Keys that would put a secret in the job file, and what to write instead. */
const SECRETS: Readonly<Record<string, string>> = {
  'sasl.password': 'a password must not be written in a job file: use "sasl.password.env" (the name of an environment variable) or "sasl.password.file" (a file readable only by the loader)',
  'sasl.jaas.config': 'credentials must not be written in a job file: use "sasl.username" with "sasl.password.env" or "sasl.password.file"',
};

export const JOB_SECURITY_KEYS: readonly ClientSecurityKey[] = CLIENT_SECURITY_KEYS.filter((key) => !(key in SECRETS));

const PATH_KEYS: readonly ClientSecurityKey[] = ['sasl.password.file', 'ssl.ca.location', 'ssl.certificate.location', 'ssl.key.location'];

/**
 * The job's `source.security`, checked, with relative file paths resolved against the job file's directory;
 * null when the job has none (PLAINTEXT). `known` is the job's key table, which lists `source.security`.
 */
export function readJobSecurity(file: string, source: Json, base: string, known: Readonly<Record<string, readonly string[]>>): ClientSecurity | null {
  const given = source.security;
  if (given === undefined || given === null) return null;
  const key = (name: string) => `${SECTION}.${name}`;
  if (!isObject(given)) throw new JobDefinitionError(file, SECTION, 'must be an object of Kafka client settings ("security.protocol", "sasl.mechanism", …)');
  for (const name of Object.keys(given)) {
    if (name in SECRETS) throw new JobDefinitionError(file, key(name), SECRETS[name]);
    if (!JOB_SECURITY_KEYS.includes(name as ClientSecurityKey)) {
      throw new JobDefinitionError(file, key(name), `unknown key (known in ${SECTION}: ${JOB_SECURITY_KEYS.join(', ')})`);
    }
  }
  const fields = new Fields(file, given, SECTION, known);
  const security: ClientSecurity = { 'security.protocol': fields.oneOf('security.protocol', SECURITY_PROTOCOLS) };
  const mechanism = fields.optionalString('sasl.mechanism');
  if (mechanism !== null) security['sasl.mechanism'] = fields.oneOf('sasl.mechanism', SASL_MECHANISMS);
  const algorithm = fields.optionalString('ssl.endpoint.identification.algorithm');
  if (algorithm !== null) security['ssl.endpoint.identification.algorithm'] = fields.oneOf('ssl.endpoint.identification.algorithm', ENDPOINT_IDENTIFICATION);
  for (const name of ['sasl.username', 'sasl.password.env', ...PATH_KEYS] as const) {
    const value = fields.optionalString(name);
    if (value === null) continue;
    (security as unknown as Record<string, string>)[name] = PATH_KEYS.includes(name) ? path.resolve(base, value) : value;
  }
  try {
    return checkClientSecurity(security);
  } catch (error) {
    if (error instanceof ClientSecurityConfigError) throw new JobDefinitionError(file, key(error.key), error.detail);
    throw error;
  }
}

