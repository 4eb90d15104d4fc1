import type { Argv } from 'yargs';
import { readClientProperties } from '../client/client-properties';
import { checkClientSecurity, ClientSecurity, ENDPOINT_IDENTIFICATION, mergeClientSecurity, SASL_MECHANISMS, SECURITY_PROTOCOLS } from '../client/client-security';
import { ClientOptions, KafkaClient } from '../client/kafka-client';
import type { JobDefinition } from '../job/job-definition';

// The one place the CLI turns flags into client settings: every command that talks to a cluster takes the same
// security flags, and a `--command-config client.properties` file as Kafka's tools do. Precedence, lowest first:
// the job's `source.security`, the properties file, the flags.

export interface SecurityArgs {
  'command-config'?: string;
  'security-protocol'?: string;
  'sasl-mechanism'?: string;
  'sasl-username'?: string;
  'sasl-password-env'?: string;
  'sasl-password-file'?: string;
  'ssl-ca-location'?: string;
  'ssl-certificate-location'?: string;
  'ssl-key-location'?: string;
  'ssl-endpoint-identification-algorithm'?: string;
}

/** Flag → the Kafka setting it sets. */
const FLAGS: readonly [keyof SecurityArgs, keyof ClientSecurity, string][] = [
  ['security-protocol', 'security.protocol', `security.protocol: ${SECURITY_PROTOCOLS.join(', ')}`],
  ['sasl-mechanism', 'sasl.mechanism', `sasl.mechanism: ${SASL_MECHANISMS.join(', ')}`],
  ['sasl-username', 'sasl.username', 'sasl.username'],
  ['sasl-password-env', 'sasl.password.env', 'sasl.password.env: the environment variable holding the password'],
  ['sasl-password-file', 'sasl.password.file', 'sasl.password.file: a file holding the password'],
  ['ssl-ca-location', 'ssl.ca.location', 'ssl.ca.location: PEM file of the CA certificates to trust'],
  ['ssl-certificate-location', 'ssl.certificate.location', 'ssl.certificate.location: PEM client certificate (mutual TLS)'],
  ['ssl-key-location', 'ssl.key.location', 'ssl.key.location: PEM key of the client certificate'],
  ['ssl-endpoint-identification-algorithm', 'ssl.endpoint.identification.algorithm', `ssl.endpoint.identification.algorithm: ${ENDPOINT_IDENTIFICATION.join(' (default) or ')}`],
];

export function withSecurityOptions<T>(yargs: Argv<T>): Argv<T & SecurityArgs> {
  let parser: Argv<T> = yargs.option('command-config', {
    type: 'string',
    describe: 'a client.properties file in Kafka\'s format (security.protocol=SASL_SSL, sasl.jaas.config=…, ssl.ca.location=…)',
  }) as unknown as Argv<T>;
  for (const [flag, , describe] of FLAGS) parser = parser.option(flag, { type: 'string', describe }) as unknown as Argv<T>;
  return parser.group(['command-config', ...FLAGS.map(([flag]) => flag)], 'Security (Kafka client settings):') as Argv<T & SecurityArgs>;
}

/** The flags' settings over `base` (a job's `source.security`); `base` itself when no security flag is given. */
export function securityFromArgs(args: SecurityArgs, base: ClientSecurity | null = null): ClientSecurity | null {
  const fromFile = args['command-config'] ? readClientProperties(args['command-config']) : null;
  const fromFlags: Partial<ClientSecurity> = {};
  const cleared: (keyof ClientSecurity)[] = [];
  for (const [flag, key] of FLAGS) {
    const value = args[flag];
    // An empty value takes the job's setting away (`--ssl-ca-location ''`: Node's bundled CAs again).
    if (value === '') cleared.push(key);
    else if (value !== undefined) (fromFlags as Record<string, string>)[key] = key === 'security.protocol' || key === 'sasl.mechanism' ? value.toUpperCase() : value;
  }
  if (!fromFile && Object.keys(fromFlags).length === 0 && cleared.length === 0) return base;
  const merged = mergeClientSecurity(base, fromFile, fromFlags);
  for (const key of cleared) if (key !== 'security.protocol') delete merged[key];
  return checkClientSecurity(merged, 'the command line');
}

/** What `KafkaClient.connect` takes, from a command's flags. */
export function clientOptions(args: SecurityArgs, clientId = 'sluice'): ClientOptions {
  return { clientId, security: securityFromArgs(args) ?? undefined };
}

export function connectClient(args: SecurityArgs & { 'bootstrap-server': string }): Promise<KafkaClient> {
  return KafkaClient.connect(args['bootstrap-server'], clientOptions(args));
}

/** The job with the command line's security settings over its own `source.security`. */
export function withCommandLineSecurity(job: JobDefinition, args: SecurityArgs): JobDefinition {
  const security = securityFromArgs(args, job.source.security);
  return security === job.source.security ? job : { ...job, source: { ...job.source, security } };
}
