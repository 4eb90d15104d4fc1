// The Schema Registry clients of one thread: one per registry a job names (value and key may share one), with the
// job's basic-auth credentials read from where the job file says, never from the file itself.
import * as fs from 'node:fs';
import type { RegistryCredentials, RegistrySettings } from './job-registry';
import { SchemaRegistryError, SchemaRegistryReader } from '../ports/schema-registry';

/** Opens a registry client: `urls` comma-separated, `basicAuth` as Confluent's basic.auth.user.info (`user:password`). */
export type RegistryOpener = (urls: string, options: { basicAuth?: string }) => SchemaRegistryReader;

/** The job's registry credentials cannot be read (an unset variable, an unreadable file, no colon). */
export class RegistryCredentialsError extends Error {
  constructor(readonly setting: string, detail: string) {
    super(`schema registry credentials (${setting}): ${detail}`);
    this.name = 'RegistryCredentialsError';
  }
}

function userInfoOf(credentials: RegistryCredentials): { setting: string; userInfo: string } {
  if (credentials.source === 'URL') return { setting: 'the registry URL', userInfo: credentials.userInfo };
  if ('env' in credentials) {
    const value = process.env[credentials.env];
    if (value === undefined || value === '') throw new RegistryCredentialsError(`basic.auth.user.info.env ${credentials.env}`, 'the environment variable is not set');
    return { setting: `basic.auth.user.info.env ${credentials.env}`, userInfo: value };
  }
  try {
    return { setting: `basic.auth.user.info.file ${credentials.file}`, userInfo: fs.readFileSync(credentials.file, 'utf8').trim() };
  } catch (error) {
    throw new RegistryCredentialsError(`basic.auth.user.info.file ${credentials.file}`, `cannot be read: ${(error as Error).message}`);
  }
}

/** `user:password`, or undefined without credentials. */
export function basicAuthOf(settings: RegistrySettings): string | undefined {
  if (settings.credentials === null) return undefined;
  const { setting, userInfo } = userInfoOf(settings.credentials);
  if (!userInfo.includes(':')) throw new RegistryCredentialsError(setting, 'expected user:password');
  return userInfo;
}

/** A client per registry, opened on first use and kept for the thread's life (clients cache schemas by id). */
export function registryReaders(open: RegistryOpener): (settings: RegistrySettings) => SchemaRegistryReader {
  const opened = new Map<string, SchemaRegistryReader>();
  return (settings) => {
    const key = JSON.stringify(settings);
    let reader = opened.get(key);
    if (!reader) opened.set(key, (reader = open(settings.urls.join(','), { basicAuth: basicAuthOf(settings) })));
    return reader;
  };
}

/**
 * A registry answer the run cannot go on with (401, 403, 5xx after retries …), as the same class with a message that
 * names the registry and the request: the registry's own message ("Unauthorized") says neither.
 */
export function inRegistryContext(error: unknown, urls: string, request: string): unknown {
  if (!(error instanceof SchemaRegistryError)) return error;
  return new SchemaRegistryError(error.httpStatus, error.errorCode, `schema registry ${urls}: ${request}: ${error.message}`);
}
