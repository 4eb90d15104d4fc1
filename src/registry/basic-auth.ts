import * as fs from 'node:fs';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { CredentialStore } from '../ports/credential-store';
import type { BasicAuthCheck } from './registry-server';

export class BasicAuthFileError extends Error {
  constructor(file: string, detail: string) {
    super(`basic auth users file ${file}: ${detail}`);
    this.name = 'BasicAuthFileError';
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Users from a file in the format Confluent's basic auth reads through Jetty's PropertyFileLoginModule:
 * one `user: password[,role…]` a line, `#` comments. Roles are read and ignored (every user may do everything).
 */
export function basicAuthFromFile(file: string): BasicAuthCheck {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new BasicAuthFileError(file, (error as Error).message);
  }
  const users = new Map<string, Buffer>();
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new BasicAuthFileError(file, `line ${index + 1} is not "user: password[,role…]"`);
    const password = line.slice(colon + 1).split(',')[0].trim();
    users.set(line.slice(0, colon).trim(), digest(password));
  }
  if (users.size === 0) throw new BasicAuthFileError(file, 'names no user');
  return (user, password) => {
    const expected = users.get(user);
    return expected !== undefined && timingSafeEqual(expected, digest(password));
  };
}

/** The broker's SASL/PLAIN users (`sluice users add --mechanism PLAIN`), read on each request so changes apply at once. */
export function basicAuthFromCredentials(store: CredentialStore, matches: (store: CredentialStore, user: string, password: string) => boolean): BasicAuthCheck {
  return (user, password) => matches(store, user, password);
}
