import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkClientSecurity, ClientSecurity, CLIENT_SECURITY_KEYS, ClientSecurityKey } from './client-security';
import { ClientSecurityConfigError } from './security-errors';

// A client.properties file as Kafka's tools take it (`--command-config`): Java properties syntax, Kafka's key
// names. It is a secret file, so `sasl.password` and `sasl.jaas.config` may be in it. Keys that do not concern
// security (client.id, request.timeout.ms, …) are ignored, as Kafka's tools warn and ignore unused ones.

/** Java's Properties.load: `key=value`, `key: value` or `key value`; # and ! comments; \ continues a line. */
export function parseProperties(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i].replace(/^[ \t\f]+/, '');
    const match = /^((?:\\.|[^=:\s\\])*)[ \t\f]*[=:]?[ \t\f]*(.*)$/s.exec(line)!;
    entries.set(unescape(match[1]), unescape(match[2]));
  }
  return entries;
}

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[c] ?? c;
  });
}

/**
 * `sasl.jaas.config` as Kafka's JaasConfig reads it, for the two login modules with a user and password:
 * `org.apache.kafka.common.security.plain.PlainLoginModule required username="etl" password="…";` (or ScramLoginModule).
 */
export function parseJaasConfig(text: string): { module: 'PLAIN' | 'SCRAM'; username: string; password: string } {
  const fail = (detail: string): never => {
    throw new ClientSecurityConfigError('sasl.jaas.config', detail, 'the client properties');
  };
  const match = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\s+(.*?);?\s*$/s.exec(text);
  if (!match) fail('expected "<LoginModule class> required username=\\"…\\" password=\\"…\\";"');
  const [, className, , rest] = match!;
  const module = className.endsWith('.PlainLoginModule') ? 'PLAIN' : className.endsWith('.ScramLoginModule') ? 'SCRAM' : fail(`${className} is not supported (PlainLoginModule or ScramLoginModule)`);
  const options = new Map<string, string>();
  const option = /\s*([\w.-]+)\s*=\s*(?:"((?:\\.|[^"\\])*)"|([^\s";]+))/gy;
  let position = 0;
  for (let found = option.exec(rest); found; found = option.exec(rest)) {
    options.set(found[1], found[2] !== undefined ? found[2].replace(/\\(.)/g, '$1') : found[3]);
    position = option.lastIndex;
  }
  if (rest.slice(position).trim() !== '') fail(`cannot read ${JSON.stringify(rest.slice(position).trim())}`);
  const username = options.get('username');
  const password = options.get('password');
  if (!username || password === undefined) fail('needs username="…" and password="…"');
  return { module, username: username!, password: password! };
}

/** Java keystores cannot be read here; PEM ones can, under the names Kafka gives them. */
function fromKeystoreKeys(entries: Map<string, string>, security: Partial<ClientSecurity>): void {
  for (const store of ['truststore', 'keystore'] as const) {
    const location = entries.get(`ssl.${store}.location`);
    if (location === undefined) continue;
    const type = entries.get(`ssl.${store}.type`) ?? 'JKS';
    if (type.toUpperCase() !== 'PEM') {
      throw new ClientSecurityConfigError(`ssl.${store}.location`, `a ${type} ${store} cannot be read by sluice: convert it to PEM and set ${store === 'truststore' ? 'ssl.ca.location' : 'ssl.certificate.location and ssl.key.location'} (or ssl.${store}.type=PEM)`, 'the client properties');
    }
    if (store === 'truststore') security['ssl.ca.location'] ??= location;
    else {
      security['ssl.certificate.location'] ??= location;
      security['ssl.key.location'] ??= location;
    }
  }
}

/** The security settings of a properties text; relative paths start from `base`. */
export function securityFromProperties(text: string, base: string): Partial<ClientSecurity> {
  const entries = parseProperties(text);
  const security: Partial<ClientSecurity> = {};
  for (const key of CLIENT_SECURITY_KEYS) {
    const value = entries.get(key);
    if (value !== undefined && value !== '') (security as Record<string, string>)[key] = value;
  }
  for (const key of ['security.protocol', 'sasl.mechanism'] as const) if (security[key] !== undefined) (security as Record<string, string>)[key] = security[key]!.toUpperCase();
  fromKeystoreKeys(entries, security);
  const jaas = entries.get('sasl.jaas.config');
  if (jaas !== undefined && jaas.trim() !== '') {
    const login = parseJaasConfig(jaas);
    const mechanism = security['sasl.mechanism'];
    if (mechanism !== undefined && (login.module === 'PLAIN') !== (mechanism === 'PLAIN')) {
      throw new ClientSecurityConfigError('sasl.jaas.config', `a ${login.module === 'PLAIN' ? 'PlainLoginModule' : 'ScramLoginModule'} does not go with sasl.mechanism=${mechanism}`, 'the client properties');
    }
    security['sasl.username'] ??= login.username;
    if (security['sasl.password.env'] === undefined && security['sasl.password.file'] === undefined) security['sasl.password'] ??= login.password;
  }
  const paths: ClientSecurityKey[] = ['sasl.password.file', 'ssl.ca.location', 'ssl.certificate.location', 'ssl.key.location'];
  for (const key of paths) if (security[key] !== undefined) (security as Record<string, string>)[key] = path.resolve(base, security[key] as string);
  return security;
}

/** `--command-config FILE`: its security settings, checked. */
export function readClientProperties(file: string): Partial<ClientSecurity> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ClientSecurityConfigError('--command-config', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'the command line');
  }
  const security = securityFromProperties(text, process.cwd());
  if (security['security.protocol'] !== undefined) checkClientSecurity(security as ClientSecurity, file);
  return security;
}
