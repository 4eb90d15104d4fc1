import { isWebHdfsFailure, WebHdfsFailure } from './errors';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 10_000 };

export class WebHdfsRetriesExhaustedError extends Error {
  constructor(readonly operation: string, readonly path: string, readonly attempts: number, readonly last: WebHdfsFailure) {
    super(`WebHDFS ${operation} ${path}: gave up after ${attempts} attempts; last: ${last.message}`);
    this.name = 'WebHdfsRetriesExhaustedError';
  }
}

/** Exponential backoff with full jitter (a random wait between 0 and the capped exponential). */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

export interface RetryHooks {
  /** Called before waiting; a failover switches NameNodes here. Answers true to retry at once. */
  onRetriable(failure: WebHdfsFailure, attempt: number): boolean;
}

/** Runs `attempt` until it succeeds, fails for good, or the policy's attempts are used up. */
export async function withRetries<T>(
  operation: string, path: string, policy: RetryPolicy, random: () => number, hooks: RetryHooks, attempt: (n: number) => Promise<T>,
): Promise<T> {
  let waits = 0;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!isWebHdfsFailure(error) || !error.retriable) throw error;
      if (n + 1 >= policy.maxAttempts) throw new WebHdfsRetriesExhaustedError(operation, path, n + 1, error);
      if (hooks.onRetriable(error, n)) continue;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(policy, waits++, random)));
    }
  }
}
