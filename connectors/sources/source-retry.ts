import { ConnectionClosedError, NotKafkaProtocolError, RequestTimeoutError } from '../../src/client/broker-connection';
import { isSecurityFailure } from '../../src/client/security-errors';
import { KafkaError } from '../../src/protocol/error-codes';
import {
  RecordSourceError, SourceConnectionError, SourceErrorContext, SourceKafkaError, SourceRetryPolicy, SourceSecurityError, SourceTimeoutError,
} from '../../src/ports/record-source';

/** An error thrown inside an attempt, with where it happened (the partition, the broker asked). */
export class LocatedFailure extends Error {
  constructor(readonly failure: unknown, readonly at: Partial<SourceErrorContext>) {
    super(failure instanceof Error ? failure.message : String(failure));
    this.name = 'LocatedFailure';
  }
}

/** The client's and protocol's errors as the source's typed ones. */
export function toSourceError(raw: unknown, context: SourceErrorContext): RecordSourceError {
  if (raw instanceof RecordSourceError) return raw;
  if (isSecurityFailure(raw)) return new SourceSecurityError(context, (raw as Error).message);
  if (raw instanceof RequestTimeoutError) return new SourceTimeoutError(raw.timeoutMs, { ...context, broker: raw.address }, raw.message);
  if (raw instanceof ConnectionClosedError) return new SourceConnectionError({ ...context, broker: raw.address }, raw.message);
  // The wrong port: asking again gets the same answer.
  if (raw instanceof NotKafkaProtocolError) return new RecordSourceError(false, { ...context, broker: raw.address }, raw.message);
  if (raw instanceof KafkaError) return new SourceKafkaError(raw.errorName, raw.code, raw.retriable, context, raw.message);
  const error = raw instanceof Error ? raw : new Error(String(raw));
  return new RecordSourceError(false, context, `${error.name}: ${error.message}`);
}

/** Capped exponential backoff, jittered over its upper half so retries of many partitions spread out. */
export function backoffDelay(policy: SourceRetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** retry);
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}

export interface RetryHooks {
  /** After the backoff, before the next attempt: a metadata refresh goes here. */
  beforeRetry(error: RecordSourceError): Promise<void>;
  /** A closed source stops retrying at once. */
  closed(): boolean;
}

/** Runs `attempt` until it succeeds, fails with an error that is not retriable, or the attempts are used up. */
export async function withRetries<T>(policy: SourceRetryPolicy, context: SourceErrorContext, hooks: RetryHooks, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (thrown) {
      const [raw, at] = thrown instanceof LocatedFailure ? [thrown.failure, { ...context, ...thrown.at }] : [thrown, context];
      const error = toSourceError(raw, at);
      if (!error.retriable || hooks.closed()) throw error;
      if (n >= policy.maxAttempts) throw error.gaveUpAfter(n);
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(policy, n - 1)));
      if (hooks.closed()) throw error;
      await hooks.beforeRetry(error);
    }
  }
}
