import { SchemaRegistryError, SchemaRegistryErrorCode, SchemaRegistryUnavailableError } from '../../src/ports/schema-registry';
import type { RegistryEndpoint } from './registry-endpoints';

/** How hard to try before a request fails with SchemaRegistryUnavailableError. Defaults are Confluent's clients'. */
export interface RegistryRetryPolicy {
  /** Rounds over every URL after the first (`max.retries`, 3). */
  maxRetries: number;
  /** Backoff base (`retries.wait.ms`, 1000): before round n, a random wait up to min(max, base · 2^(n-1)). */
  retriesWaitMs: number;
  /** Backoff cap (`retries.max.wait.ms`, 20000). */
  retriesMaxWaitMs: number;
  /** One request's limit, connect to last byte; a timeout counts as a connection failure. */
  requestTimeoutMs: number;
}

export const DEFAULT_REGISTRY_RETRY_POLICY: RegistryRetryPolicy = {
  maxRetries: 3,
  retriesWaitMs: 1000,
  retriesMaxWaitMs: 20_000,
  requestTimeoutMs: 30_000,
};

/** Confluent's REST content types, most specific first (their clients send the same Accept). */
const ACCEPT = 'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5';
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * 5xx answers worth another try: Confluent's clients retry these (and 408/429, which sluice does not: a 4xx
 * answer is the registry's verdict on the request and is never retried).
 */
const RETRIABLE_STATUSES = new Set([500, 502, 503, 504]);

type Attempt = { ok: true; value: unknown } | { ok: false; retriable: boolean; error: Error; reason: string };

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Requests to a registry over its URLs: failover on connection errors and retriable 5xx, bounded backoff, error mapping. */
export class RegistryHttp {
  /** Where the next request starts: the URL that last answered. */
  private current = 0;

  constructor(
    private readonly endpoints: readonly RegistryEndpoint[],
    private readonly policy: RegistryRetryPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  /** The URLs as errors name them. */
  get display(): string {
    return this.endpoints.map((e) => e.display).join(',');
  }

  /** Sends one request; answers the parsed JSON body. */
  async request(method: HttpMethod, path: string, body?: unknown): Promise<unknown> {
    let last: Extract<Attempt, { ok: false }> | undefined;
    let attempts = 0;
    for (let round = 0; round <= this.policy.maxRetries; round++) {
      if (round > 0) await sleep(this.backoff(round - 1));
      for (let k = 0; k < this.endpoints.length; k++) {
        const index = (this.current + k) % this.endpoints.length;
        const endpoint = this.endpoints[index];
        attempts++;
        const attempt = await this.attempt(endpoint, method, path, body);
        if (attempt.ok) {
          this.current = index;
          return attempt.value;
        }
        if (!attempt.retriable) throw attempt.error;
        last = attempt;
      }
    }
    const url = this.endpoints.length === 1 ? this.endpoints[0].display : this.display;
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    throw new SchemaRegistryUnavailableError(url, `${method} ${path}: ${last?.reason ?? 'no attempt made'} (${tries})`, last?.error);
  }

  private backoff(retry: number): number {
    const ceiling = Math.min(this.policy.retriesMaxWaitMs, this.policy.retriesWaitMs * 2 ** retry);
    return Math.floor(this.random() * ceiling);
  }

  private async attempt(endpoint: RegistryEndpoint, method: HttpMethod, path: string, body: unknown): Promise<Attempt> {
    const headers: Record<string, string> = { Accept: ACCEPT };
    if (body !== undefined) headers['Content-Type'] = CONTENT_TYPE;
    if (endpoint.authorization) headers.Authorization = endpoint.authorization;
    let status: number;
    let text: string;
    try {
      const response = await fetch(`${endpoint.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.policy.requestTimeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const reason = `${this.where(endpoint)}${connectionFailure(error, this.policy.requestTimeoutMs)}`;
      return { ok: false, retriable: true, error: error instanceof Error ? error : new Error(String(error)), reason };
    }
    if (status >= 200 && status < 300) return parseSuccess(status, text);
    const error = errorFromAnswer(status, text);
    return { ok: false, retriable: RETRIABLE_STATUSES.has(status), error, reason: `${this.where(endpoint)}HTTP ${status}: ${error.message}` };
  }

  /** With several URLs, which one a failure came from. */
  private where(endpoint: RegistryEndpoint): string {
    return this.endpoints.length > 1 ? `${endpoint.display}: ` : '';
  }
}

function parseSuccess(status: number, text: string): Attempt {
  if (text.trim() === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    const error = new SchemaRegistryError(status, SchemaRegistryErrorCode.JSON_PARSE_ERROR, `the answer is not JSON: ${snippet(text)}`);
    return { ok: false, retriable: false, error, reason: error.message };
  }
}

/**
 * Confluent's error body `{"error_code": 40401, "message": "Subject 'x' not found."}`. An answer without one (a
 * proxy's page, a bare 502) takes the HTTP status as its code, as the registry's own 401 and 404 answers do.
 */
export function errorFromAnswer(status: number, text: string): SchemaRegistryError {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const fields = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const code = typeof fields.error_code === 'number' ? fields.error_code : status;
  const message = typeof fields.message === 'string' ? fields.message : snippet(text) || `HTTP ${status}`;
  return new SchemaRegistryError(status, code, `${message} (error code ${code})`);
}

/** What failed below HTTP: `connect ECONNREFUSED 127.0.0.1:8081`, a reset, a DNS failure, the timeout. */
function connectionFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? error.cause : undefined;
  // localhost tried on both ::1 and 127.0.0.1 fails as an AggregateError whose message is empty.
  if (cause instanceof Error) return cause.message || String((cause as NodeJS.ErrnoException).code ?? cause.name);
  if (cause !== undefined && typeof cause === 'object' && cause !== null && 'code' in cause) return String((cause as { code: unknown }).code);
  return error instanceof Error ? error.message : String(error);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
