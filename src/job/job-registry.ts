// The Schema Registry keys of a job's `value` and `key` sections: where the registry is, how to log in to it, and
// which subject names the reader schema when the job says `schema: "latest"`. Names follow Confluent's serializer
// settings (schema.registry.url, basic.auth.user.info, value.subject.name.strategy).
import * as path from 'node:path';
import { Fields, isObject, Json, JobDefinitionError } from './job-fields';

/** What the registry keys are read relative to: the job's bootstrap list ("embedded") and its file's directory. */
export interface JobPlace {
  bootstrap: string;
  baseDir: string;
}

/** `schema: "latest"`: the reader schema is the latest version registered under the subject, read when a run starts. */
export const LATEST_SCHEMA = 'latest';

/** The port sluice's broker serves its embedded registry on (`sluice broker --registry-port`), as Confluent's default. */
export const EMBEDDED_REGISTRY_PORT = 8081;

export const SUBJECT_NAME_STRATEGIES = ['TopicNameStrategy', 'RecordNameStrategy'] as const;
export type SubjectNameStrategy = (typeof SUBJECT_NAME_STRATEGIES)[number];
const STRATEGY_CLASS_PREFIX = 'io.confluent.kafka.serializers.subject.';

/** Basic auth, as Confluent's basic.auth.credentials.source: URL (userinfo of the registry URL) or USER_INFO (`user:password` from an environment variable or a file). */
export type RegistryCredentials = { source: 'URL'; userInfo: string } | { source: 'USER_INFO'; env: string } | { source: 'USER_INFO'; file: string };

export interface RegistrySettings {
  /** Base URLs without userinfo, tried in turn by the client. */
  urls: string[];
  credentials: RegistryCredentials | null;
}

export const REGISTRY_AUTH_KEYS = ['basic.auth.user.info.env', 'basic.auth.user.info.file'] as const;
export const FRAMED_KEYS = ['registry', 'registryAuth', 'subjectNameStrategy', 'recordName'] as const;

/** The first host of a bootstrap list, as a URL host (IPv6 keeps its brackets). */
function firstBootstrapHost(bootstrap: string): string {
  const entry = bootstrap.split(',')[0].trim();
  const bracketed = /^(\[[^\]]+\])/.exec(entry);
  return bracketed ? bracketed[1] : entry.split(':')[0];
}

function readRegistryAuth(file: string, section: string, given: unknown, baseDir: string): RegistryCredentials | null {
  if (given === undefined || given === null) return null;
  const where = `${section}.registryAuth`;
  if (!isObject(given)) throw new JobDefinitionError(file, where, 'must be an object: {"basic.auth.user.info.env": "VARIABLE"} or {"basic.auth.user.info.file": "path"}');
  for (const name of Object.keys(given)) {
    if (name === 'basic.auth.user.info') {
      throw new JobDefinitionError(file, `${where}.${name}`, 'credentials must not be written in a job file: use "basic.auth.user.info.env" (an environment variable holding user:password) or "basic.auth.user.info.file"');
    }
    if (!(REGISTRY_AUTH_KEYS as readonly string[]).includes(name)) throw new JobDefinitionError(file, `${where}.${name}`, `unknown key (known in ${where}: ${REGISTRY_AUTH_KEYS.join(', ')})`);
  }
  const env = given['basic.auth.user.info.env'];
  const fromFile = given['basic.auth.user.info.file'];
  if ((env === undefined) === (fromFile === undefined)) throw new JobDefinitionError(file, where, 'needs exactly one of "basic.auth.user.info.env" and "basic.auth.user.info.file"');
  const value = env ?? fromFile;
  if (typeof value !== 'string' || value.length === 0) throw new JobDefinitionError(file, where, `must name a variable or a file, not ${JSON.stringify(value)}`);
  return env !== undefined ? { source: 'USER_INFO', env: value } : { source: 'USER_INFO', file: path.resolve(baseDir, value) };
}

/** `registry`: comma-separated http(s) URLs, or "embedded" (sluice's broker's registry on the first bootstrap host, port 8081). */
function readRegistry(file: string, fields: Fields, section: Json, place: JobPlace, base: RegistrySettings | null): RegistrySettings {
  const given = fields.optionalString('registry');
  const auth = readRegistryAuth(file, fields.key('registryAuth').replace(/\.registryAuth$/, ''), section.registryAuth, place.baseDir);
  if (given === null) {
    if (base) return auth ? { ...base, credentials: auth } : base;
    fields.fail('registry', 'is required with format "avro-confluent": the registry URL ("http://registry:8081", several comma-separated) or "embedded"');
  }
  const text = given === 'embedded' ? `http://${firstBootstrapHost(place.bootstrap)}:${EMBEDDED_REGISTRY_PORT}` : given;
  let userInfo: string | null = null;
  const urls = text.split(',').map((entry) => {
    let url: URL;
    try {
      url = new URL(entry.trim());
    } catch {
      fields.fail('registry', `${JSON.stringify(entry.trim())} is not a URL (write "http://host:8081", or "embedded")`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') fields.fail('registry', `${JSON.stringify(entry.trim())} must be an http:// or https:// URL`);
    if (url.username) userInfo = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/+$/, '');
  });
  if (userInfo !== null && auth) fields.fail('registryAuth', 'the registry URL already holds user:password; give the credentials in one place only');
  return { urls, credentials: auth ?? (userInfo === null ? null : { source: 'URL', userInfo }) };
}

/** Confluent's short names, or the full class names its serializers take. */
function readStrategy(fields: Fields, section: Json): SubjectNameStrategy {
  const given = section.subjectNameStrategy;
  const short = typeof given === 'string' && given.startsWith(STRATEGY_CLASS_PREFIX) ? given.slice(STRATEGY_CLASS_PREFIX.length) : given;
  if (short === undefined) return 'TopicNameStrategy';
  if (!(SUBJECT_NAME_STRATEGIES as readonly unknown[]).includes(short)) fields.fail('subjectNameStrategy', `must be one of ${SUBJECT_NAME_STRATEGIES.map((s) => JSON.stringify(s)).join(', ')}, not ${JSON.stringify(given)}`);
  return short as SubjectNameStrategy;
}

export interface FramedSettings {
  registry: RegistrySettings;
  subjectNameStrategy: SubjectNameStrategy;
  /** RecordNameStrategy's subject when the schema is "latest": the record's full name. */
  recordName: string | null;
}

/** The registry keys of a section whose format is "avro-confluent"; `base` is the value section's registry, which a key section may share. */
export function readFramedSettings(file: string, fields: Fields, section: Json, place: JobPlace, schema: string, base: RegistrySettings | null = null): FramedSettings {
  const registry = readRegistry(file, fields, section, place, base);
  const subjectNameStrategy = readStrategy(fields, section);
  const recordName = fields.optionalString('recordName');
  if (subjectNameStrategy === 'RecordNameStrategy' && schema === LATEST_SCHEMA && recordName === null) {
    fields.fail('recordName', 'is required with subjectNameStrategy "RecordNameStrategy" and schema "latest": the record\'s full name (e.g. "com.example.PageView") is the subject');
  }
  return { registry, subjectNameStrategy, recordName };
}

/** A section without format "avro-confluent" must not carry registry keys (they would be silently ignored). */
export function rejectFramedKeys(fields: Fields, section: Json, format: string): void {
  for (const name of FRAMED_KEYS) if (section[name] !== undefined) fields.fail(name, `applies only to format "avro-confluent" (this section's format is ${JSON.stringify(format)})`);
}

/** The subject whose latest version is the reader schema: `<topic>-value` / `<topic>-key`, or the record's full name. */
export function subjectOf(settings: FramedSettings, topic: string, part: 'key' | 'value'): string {
  return settings.subjectNameStrategy === 'RecordNameStrategy' && settings.recordName !== null ? settings.recordName : `${topic}-${part}`;
}
