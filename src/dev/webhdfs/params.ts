import { WebHdfsError, illegalArgument, invalidParam } from './remote-exception';

export const WEBHDFS_PREFIX = '/webhdfs/v1';

/**
 * A request's query string. Hadoop's ParamFilter lower-cases parameter names, so `startAfter` and `startafter` are
 * the same parameter; values keep their case.
 */
export class QueryParams {
  private readonly values = new Map<string, string>();

  constructor(search: string) {
    for (const [name, value] of new URLSearchParams(search)) {
      const key = name.toLowerCase();
      if (!this.values.has(key)) this.values.set(key, value);
    }
  }

  /** The raw value, or undefined when absent or empty (Hadoop treats an empty value as the default). */
  get(name: string): string | undefined {
    const value = this.values.get(name.toLowerCase());
    return value === undefined || value === '' ? undefined : value;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  entries(): Array<[string, string]> {
    return [...this.values.entries()];
  }

  /** Only `true`/`false` (any case), as Hadoop's BooleanParam. */
  boolean(name: string, fallback: boolean): boolean {
    const value = this.get(name);
    if (value === undefined) return fallback;
    if (value.toLowerCase() === 'true') return true;
    if (value.toLowerCase() === 'false') return false;
    throw invalidParam(name, `Failed to parse "${value}" to Boolean.`);
  }

  /** A non-negative decimal integer (offsets, lengths, sizes). */
  long(name: string): number | undefined {
    const value = this.get(name);
    if (value === undefined) return undefined;
    if (!/^\d{1,15}$/.test(value)) throw invalidParam(name, `Failed to parse "${value}" as a non-negative integer.`);
    return Number(value);
  }

  /** Octal permission in [0, 1777], as Hadoop's PermissionParam. */
  permission(fallback: number): number {
    const value = this.get('permission');
    if (value === undefined) return fallback;
    const parsed = /^[0-7]{1,4}$/.test(value) ? parseInt(value, 8) : NaN;
    if (!(parsed <= 0o1777)) {
      throw invalidParam('permission', `Invalid value: "${value}" does not belong to the domain [0, 1777] (octal).`);
    }
    return parsed;
  }
}

/** A user or group name, as Hadoop's UserParam domain allows. */
const USER_NAME = /^[A-Za-z_][A-Za-z0-9._-]*\$?$/;

export function checkUserName(param: string, name: string): string {
  if (!USER_NAME.test(name)) {
    throw invalidParam(param, `Invalid value: "${name}" does not belong to the domain ${USER_NAME.source}`);
  }
  return name;
}

/**
 * The HDFS path of a request path under /webhdfs/v1: each segment percent-decoded (so `dt=2026-11-21` and
 * `dt%3D2026-11-21` are the same), empty segments dropped, `.` and `..` refused.
 */
export function hdfsPathOf(requestPath: string): string {
  const raw = requestPath.slice(WEBHDFS_PREFIX.length);
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw illegalArgument(`Failed to decode the path "${raw}": malformed percent-encoding`);
  }
  return normalizePath(decoded);
}

/** An absolute HDFS path with empty segments dropped; `.`, `..`, `:` and NUL refused as Hadoop refuses them. */
export function normalizePath(decoded: string): string {
  const segments = decoded.split('/').filter((s) => s !== '');
  for (const segment of segments) {
    if (segment === '.' || segment === '..' || segment.includes('\0') || segment.includes(':')) {
      throw new WebHdfsError('InvalidPathException', `Invalid path name Invalid file name: ${decoded}`);
    }
  }
  return '/' + segments.join('/');
}

/** The parent of an HDFS path ('/' for a top-level entry and for '/'). */
export function parentOf(hdfsPath: string): string {
  const cut = hdfsPath.lastIndexOf('/');
  return cut <= 0 ? '/' : hdfsPath.slice(0, cut);
}

export function baseName(hdfsPath: string): string {
  return hdfsPath.slice(hdfsPath.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** True when `inner` is `outer` or lies below it. */
export function isWithin(inner: string, outer: string): boolean {
  return outer === '/' || inner === outer || inner.startsWith(outer + '/');
}

/** Percent-encodes a path for a URL, keeping `/` and `=` (Hive partition names) readable. */
export function encodePath(hdfsPath: string): string {
  return hdfsPath
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/%3D/gi, '='))
    .join('/');
}
