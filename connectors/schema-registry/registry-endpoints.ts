/** One registry URL: where requests go, what logs may show, and its Authorization header. */
export interface RegistryEndpoint {
  /** Scheme, host, port and path prefix, without credentials and without a trailing slash. */
  base: string;
  /** `base` as errors and logs name it (never with a password). */
  display: string;
  authorization?: string;
}

/** A registry URL or credential that cannot be used; `setting` names it (the URL, credentials redacted). */
export class RegistrySettingError extends Error {
  constructor(readonly setting: string, reason: string) {
    super(`schema registry ${setting}: ${reason}`);
    this.name = 'RegistrySettingError';
  }
}

/** `user:password` as Confluent's `basic.auth.user.info` holds it; the password may contain colons. */
export function basicAuthorization(userInfo: string): string {
  if (!userInfo.includes(':')) throw new RegistrySettingError('basic auth', 'expected user:password');
  return `Basic ${Buffer.from(userInfo, 'utf8').toString('base64')}`;
}

/** A URL as errors show it: its credentials, if any, replaced. */
export function redactedUrl(text: string): string {
  return text.replace(/\/\/[^/@]*@/, '//***@');
}

/**
 * Confluent's `schema.registry.url`: one URL or several separated by commas, tried in turn. Credentials in a URL
 * (`http://user:pass@host:8081`, Confluent's `basic.auth.credentials.source=URL`) apply to that URL; explicit
 * `basicAuth` (`USER_INFO`) overrides them for all.
 */
export function parseRegistryUrls(urls: string, basicAuth?: string): RegistryEndpoint[] {
  const explicit = basicAuth === undefined ? undefined : basicAuthorization(basicAuth);
  const parts = urls.split(',').map((u) => u.trim()).filter((u) => u.length > 0);
  if (parts.length === 0) throw new RegistrySettingError(`URL ${urls}`, 'no URL given');
  return parts.map((text) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new RegistrySettingError(`URL ${redactedUrl(text)}`, 'not a URL (expected http://host:port)');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new RegistrySettingError(`URL ${redactedUrl(text)}`, `${url.protocol} is not http: or https:`);
    }
    if (url.search || url.hash) throw new RegistrySettingError(`URL ${redactedUrl(text)}`, 'a registry URL has no query or fragment');
    const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    const fromUrl = url.username || url.password
      ? basicAuthorization(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`)
      : undefined;
    return { base, display: base, authorization: explicit ?? fromUrl };
  });
}
