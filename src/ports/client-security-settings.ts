// How a source's connections are secured, under the names Kafka clients use (librdkafka's for the PEM files,
// since Java's keystores are not PEM). Plain data, so a job can hand it to worker threads; src/client/client-security.ts
// checks and resolves it.
export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];
export const ENDPOINT_IDENTIFICATION = ['https', 'none'] as const;

export interface ClientSecurity {
  'security.protocol': SecurityProtocol;
  'sasl.mechanism'?: SaslMechanism;
  'sasl.username'?: string;
  /** The password itself: only from a secret file (`--command-config`), never from a job file. */
  'sasl.password'?: string;
  /** The name of an environment variable holding the password. */
  'sasl.password.env'?: string;
  /** A file holding the password (one trailing newline is dropped). */
  'sasl.password.file'?: string;
  /** PEM file of the CA certificates to trust; default: Node's bundled CAs. */
  'ssl.ca.location'?: string;
  /** PEM client certificate and its key, for brokers with ssl.client.auth=required. */
  'ssl.certificate.location'?: string;
  'ssl.key.location'?: string;
  /** `https` (the default) checks the broker's certificate names this host; `none` does not (the chain still is). */
  'ssl.endpoint.identification.algorithm'?: (typeof ENDPOINT_IDENTIFICATION)[number];
}

export type ClientSecurityKey = keyof ClientSecurity;

export const CLIENT_SECURITY_KEYS: readonly ClientSecurityKey[] = [
  'security.protocol', 'sasl.mechanism', 'sasl.username', 'sasl.password', 'sasl.password.env', 'sasl.password.file',
  'ssl.ca.location', 'ssl.certificate.location', 'ssl.key.location', 'ssl.endpoint.identification.algorithm',
];

