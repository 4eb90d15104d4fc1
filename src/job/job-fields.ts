// Reading one job file's keys with their types, ranges and defaults; errors name the file and the key path.
import { durationMs } from '../common/duration';

export class JobDefinitionError extends Error {
  constructor(readonly file: string, readonly key: string, detail: string) {
    super(`${file}: ${key ? `${key}: ` : ''}${detail}`);
    this.name = 'JobDefinitionError';
  }
}

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Edits between two names (insert, delete, replace, swap two neighbours), ignoring case. */
function editDistance(a: string, b: string): number {
  const [s, t] = [a.toLowerCase(), b.toLowerCase()];
  const d = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[s.length][t.length];
}

const joinKey = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

/**
 * Every key of the file must be in `known` (section → its keys; '' is the top level). The first unknown one is an
 * error with the nearest known key of its section (a few edits away), or the same name in another section.
 */
export function rejectUnknownKeys(file: string, top: Json, known: Readonly<Record<string, readonly string[]>>): void {
  const sections: [string, Json][] = [['', top], ...known[''].filter((name) => name in known && isObject(top[name])).map((name): [string, Json] => [name, top[name] as Json])];
  for (const [section, object] of sections) rejectUnknownKeysIn(file, section, object, known);
}

/** The check of rejectUnknownKeys for one section (`output.parquet`, say), for sections nested below the top level. */
export function rejectUnknownKeysIn(file: string, section: string, object: Json, known: Readonly<Record<string, readonly string[]>>): void {
  for (const key of Object.keys(object)) {
    if (known[section].includes(key)) continue;
    // A few edits away, or the start of a known key ("delay" for "delaySeconds").
    const nearest = known[section]
      .map((name) => ({ name, distance: key.length >= 4 && name.toLowerCase().startsWith(key.toLowerCase()) ? 1 : editDistance(key, name) }))
      .filter(({ distance }) => distance <= Math.max(2, Math.floor(key.length / 3)))
      .sort((a, b) => a.distance - b.distance)[0];
    const elsewhere = Object.entries(known).find(([other, names]) => other !== section && names.includes(key));
    const suggestion = nearest ? joinKey(section, nearest.name) : elsewhere ? joinKey(elsewhere[0], key) : null;
    const detail = suggestion ? `unknown key; did you mean ${suggestion}?` : `unknown key (known${section ? ` in ${section}` : ''}: ${known[section].join(', ')})`;
    throw new JobDefinitionError(file, joinKey(section, key), detail);
  }
}


const formatSeconds = (ms: number) => `${ms / 1000} s`;

const quoted = (choices: readonly string[]) => choices.map((c) => JSON.stringify(c)).join(', ');

/** One section of a job file: typed getters that fill in defaults and fail naming `file` and the key path. */
export class Fields {
  /** `known` is the table rejectUnknownKeys checked the file against; this section's keys are `known[prefix]`. */
  constructor(private readonly file: string, private readonly object: Json, private readonly prefix: string, private readonly known: Readonly<Record<string, readonly string[]>>) {}

  /** A key's value; reading a key the table lacks is a bug here, not in the file. */
  private get(name: string): unknown {
    if (!this.known[this.prefix]?.includes(name)) throw new Error(`job-definition reads ${this.key(name)}, which KNOWN_KEYS does not list`);
    return this.object[name];
  }

  key(name: string): string {
    return joinKey(this.prefix, name);
  }

  fail(name: string, detail: string): never {
    throw new JobDefinitionError(this.file, this.key(name), detail);
  }

  section(name: string, required = true): Fields {
    const value = this.get(name);
    if (value === undefined && !required) return new Fields(this.file, {}, this.key(name), this.known);
    if (!isObject(value)) this.fail(name, value === undefined ? 'is required' : 'must be an object');
    return new Fields(this.file, value, this.key(name), this.known);
  }

  string(name: string, fallback?: string): string {
    const value = this.get(name) ?? fallback;
    if (typeof value !== 'string' || value.length === 0) this.fail(name, value === undefined ? 'is required' : `must be a non-empty string, not ${JSON.stringify(value)}`);
    return value;
  }

  optionalString(name: string): string | null {
    const value = this.get(name);
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' || value.length === 0) this.fail(name, `must be a non-empty string, not ${JSON.stringify(value)}`);
    return value;
  }

  oneOf<T extends string>(name: string, choices: readonly T[], fallback?: T): T {
    const value = this.get(name) ?? fallback;
    if (value === undefined) this.fail(name, `is required: one of ${quoted(choices)}`);
    if (!choices.includes(value as T)) this.fail(name, `must be one of ${quoted(choices)}, not ${JSON.stringify(value)}`);
    return value as T;
  }

  number(name: string, fallback: number, min: number, max: number): number {
    const value = this.get(name) ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) this.fail(name, `must be a number from ${min} to ${max}, not ${JSON.stringify(value)}`);
    return value;
  }

  integer(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.get(name) ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) this.fail(name, `must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
    return value;
  }

  /**
   * A span of time, in milliseconds, or null when absent: a number of seconds, or a string of a whole number and a
   * unit (`"500ms"`, `"90s"`, `"15m"`, `"2h"`).
   */
  duration(name: string, minMs: number, maxMs: number): number | null {
    const value = this.get(name);
    if (value === undefined || value === null) return null;
    const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? durationMs(value) ?? NaN : NaN;
    const range = `from ${formatSeconds(minMs)} to ${formatSeconds(maxMs)}`;
    if (!Number.isFinite(ms)) this.fail(name, `must be a number of seconds or a string such as "90s", "15m" or "2h" (units ms, s, m, h, d), not ${JSON.stringify(value)}`);
    if (ms < minMs || ms > maxMs) this.fail(name, `must be ${range}, not ${JSON.stringify(value)}`);
    return Math.round(ms);
  }

  list<T extends string>(name: string, choices: readonly T[], fallback: T[], allowEmpty: boolean): T[] {
    const value = this.get(name) ?? fallback;
    if (!Array.isArray(value) || (!allowEmpty && value.length === 0)) this.fail(name, `must be a list${allowEmpty ? '' : ' with at least one entry'} of ${quoted(choices)}`);
    value.forEach((entry, i) => {
      if (!choices.includes(entry as T)) this.fail(`${name}[${i}]`, `must be one of ${quoted(choices)}, not ${JSON.stringify(entry)}`);
    });
    return [...new Set(value as T[])];
  }
}
