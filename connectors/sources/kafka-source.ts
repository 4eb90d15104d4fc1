import { FetchResult, KafkaClient, ListedOffset } from '../../src/client/kafka-client';
import { FetchedUndecodable, recordColumnsFrom } from '../../src/client/fetched-records';
import type { RecordColumns } from '../../src/protocol/record-columns';
import {
  DEFAULT_SOURCE_RETRY, IsolationLevel, ListedTopic, OffsetRange, ReadOptions, RecordHandler, RecordSource, RecordSourceError, RecordSourceOptions,
  SourceConnectionError, SourceDecodeError, SourceErrorContext, SourceKafkaError, SourceReadError, SourceRetryPolicy, SourceTimeoutError,
  UndecodableBatch,
} from '../../src/ports/record-source';
import { LocatedFailure, toSourceError, withRetries } from './source-retry';

const EARLIEST = -2;
const LATEST = -1;
/**
 * Per partition, as Kafka's max.partition.fetch.bytes default. Bigger answers cost the load more than their round
 * trips save: a fetch's records stay alive while it is handled and the next is prefetched, so each young-generation
 * GC copied and promoted megabytes of them (4 MiB fetches: ~15% more CPU and ~80 MB more peak RSS, BENCHMARKS.md).
 */
const DEFAULT_FETCH_MAX_BYTES = 1024 * 1024;
/** Answers meaning the client's picture of leaders or topics is out of date. */
const STALE_METADATA = new Set(['NOT_LEADER_OR_FOLLOWER', 'UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

interface Fetched {
  records: RecordColumns;
  nextOffset: number;
  /** Offsets below `nextOffset` (and the range's end) with no record to hand over: markers, aborted records. */
  skippedOffsets: number;
  /** Batches in [offset, end) that could not be decoded, in offset order. */
  undecodable: UndecodableBatch[];
  /** Where an undecodable batch was found: the read fails there when the caller takes none. */
  context: SourceErrorContext;
}

/**
 * One topic of sluice's broker or any Kafka-protocol cluster, through sluice's client. Every request has the
 * client's request timeout; retriable failures are retried with capped exponential backoff, and the ones saying
 * the leader or topic moved (or a broker stopped answering) refresh the metadata before the next attempt.
 */
export class KafkaRecordSource implements RecordSource {
  private refreshing: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly client: KafkaClient, readonly topic: string, private readonly retry: SourceRetryPolicy, private readonly fetchMaxBytes: number,
    private readonly isolationLevel: IsolationLevel,
  ) {}

  /** Connecting is not retried: a wrong address should fail the run at once, with the address in the message. */
  static async open(bootstrap: string, topic: string, options: RecordSourceOptions = {}): Promise<KafkaRecordSource> {
    try {
      const client = await KafkaClient.connect(bootstrap, { clientId: options.clientId ?? 'sluice-load', requestTimeoutMs: options.requestTimeoutMs, security: options.security ?? undefined });
      const isolationLevel = options.isolationLevel ?? 'read_uncommitted';
      return new KafkaRecordSource(client, topic, { ...DEFAULT_SOURCE_RETRY, ...options.retry }, options.fetchMaxBytes ?? DEFAULT_FETCH_MAX_BYTES, isolationLevel);
    } catch (error) {
      throw toSourceError(error, { topic, broker: bootstrap });
    }
  }

  async listTopics(): Promise<ListedTopic[]> {
    const topics = await this.retrying({}, () => this.client.metadata(null));
    return topics.map((t) => ({ name: t.name, internal: t.internal ?? false }));
  }

  async partitions(): Promise<number[]> {
    const info = await this.retrying({}, () => this.client.topic(this.topic));
    return info.partitions.map((p) => p.partition);
  }

  async offsetRanges(partitions: readonly number[]): Promise<Map<number, OffsetRange>> {
    // Latest under read_committed is the last stable offset; the high watermark (read_uncommitted's latest) is asked
    // for beside it, so that completeness does not count a partition as caught up while a transaction is open in it.
    const highWatermarks = this.isolationLevel === 'read_committed' ? this.listOffsets(partitions, LATEST, 'read_uncommitted') : Promise.resolve(undefined);
    const [[earliest, latest], high] = await settleBoth(settleBoth(this.listOffsets(partitions, EARLIEST), this.listOffsets(partitions, LATEST)), highWatermarks);
    return new Map(partitions.map((p) => {
      const range: OffsetRange = { earliest: earliest.get(p)!.offset, latest: latest.get(p)!.offset };
      return [p, high ? { ...range, highWatermark: high.get(p)!.offset } : range];
    }));
  }

  async offsets(partition: number): Promise<OffsetRange> {
    return (await this.offsetRanges([partition])).get(partition)!;
  }

  async offsetsForTime(partitions: readonly number[], timestamp: number): Promise<Map<number, number>> {
    const found = await this.listOffsets(partitions, timestamp);
    const none = partitions.filter((p) => found.get(p)!.offset < 0);
    const latest = none.length > 0 ? await this.listOffsets(none, LATEST) : new Map<number, ListedOffset>();
    return new Map(partitions.map((p) => [p, found.get(p)!.offset >= 0 ? found.get(p)!.offset : latest.get(p)!.offset]));
  }

  async offsetForTime(partition: number, timestamp: number): Promise<number> {
    return (await this.offsetsForTime([partition], timestamp)).get(partition)!;
  }

  async read(partition: number, start: number, end: number, onRecords: RecordHandler, shouldStop: () => boolean = () => false, options: ReadOptions = {}): Promise<number> {
    const { signal, onUndecodable } = options;
    const stopping = () => signal?.aborted === true || shouldStop();
    // A fetch's failure is marked handled when it is sent: it is thrown at the `await` below, but a prefetch that
    // fails while the caller still works on the batch before would count as an unhandled rejection, which ends the
    // process (or the worker thread, in the middle of a DuckDB call: a native abort). A prefetch left when reading
    // stops is dropped: its answer or failure is never read.
    const fetchAt = (at: number) => {
      const fetching = this.fetchFrom(partition, at, end, signal);
      fetching.catch(() => undefined);
      return fetching;
    };
    let offset = start;
    let next = offset < end && !stopping() ? fetchAt(offset) : undefined;
    while (next) {
      const fetched = await unlessAborted(next, signal);
      next = undefined;
      if (!fetched) break;
      const reached = Math.min(fetched.nextOffset, end);
      // The next fetch goes out before this batch is handed over, so the broker works while the caller does.
      if (reached < end && !stopping()) next = fetchAt(reached);
      if (fetched.undecodable.length > 0 && !onUndecodable) {
        // Nobody takes dead letters: the records before the first bad batch are handed over, and the read fails there.
        const bad = fetched.undecodable[0];
        const before = fetched.records;
        let count = 0;
        while (count < before.length && before.offsets[count] < bad.firstOffset) count++;
        before.truncate(count);
        // (Skipped offsets are not counted: the read fails here, and the range with it.)
        if (before.length > 0) await onRecords(before, { skippedOffsets: 0 });
        throw new SourceDecodeError(bad.firstOffset, fetched.context, bad.reason);
      }
      if (fetched.records.length > 0 || fetched.skippedOffsets > 0) await onRecords(fetched.records, { skippedOffsets: fetched.skippedOffsets });
      for (const batch of fetched.undecodable) await onUndecodable!(batch);
      offset = reached;
      if (stopping()) break;
    }
    return offset;
  }

  close(): void {
    this.closed = true;
    this.client.close();
  }

  /** Earliest, latest or by time, for many partitions: one ListOffsets per leader; a retry asks only for those that failed. */
  private async listOffsets(partitions: readonly number[], timestamp: number, isolationLevel = this.isolationLevel): Promise<Map<number, ListedOffset>> {
    const found = new Map<number, ListedOffset>();
    let missing = [...new Set(partitions)];
    await this.retrying({}, async () => {
      const outcome = await this.client.listOffsets(this.topic, missing, timestamp, isolationLevel);
      for (const [partition, listed] of outcome.offsets) found.set(partition, listed);
      missing = [...outcome.failures.keys()];
      if (missing.length === 0) return;
      const failures = [...outcome.failures].map(([partition, { error, broker }]) => ({ partition, error, broker }));
      // One failure that no retry can fix decides; otherwise the first one stands for all.
      const worst = failures.find((f) => !toSourceError(f.error, { topic: this.topic }).retriable) ?? failures[0];
      throw new LocatedFailure(worst.error, { partition: worst.partition, broker: worst.broker });
    });
    return found;
  }

  private fetchFrom(partition: number, offset: number, end: number, signal?: AbortSignal): Promise<Fetched> {
    return this.retrying({ partition }, async () => {
      // Looked up first: an answer saying the leader moved also drops it from the client's cache.
      const leader = this.client.knownLeaderAddress(this.topic, partition);
      let fetched;
      try {
        fetched = await this.client.fetch(this.topic, partition, offset, { maxBytes: this.fetchMaxBytes, maxWaitMs: 0, minBytes: 0, isolationLevel: this.isolationLevel });
      } catch (error) {
        throw new LocatedFailure(error, { broker: leader ?? this.client.knownLeaderAddress(this.topic, partition) });
      }
      const context: SourceErrorContext = { topic: this.topic, partition, broker: leader ?? this.client.knownLeaderAddress(this.topic, partition) };
      // A batch that cannot be decoded is handed over as it is, and reading goes on after it.
      const decoded = recordColumnsFrom(fetched.records, offset, { collectUndecodable: true, endOffset: end, ...this.abortedIn(fetched) });
      if (decoded.nextOffset <= offset) {
        throw new SourceReadError(context, `no progress at offset ${offset} (high watermark ${fetched.highWatermark}, planned end ${end})`);
      }
      const undecodable = (decoded.undecodable ?? []).map((bad) => undecodableIn(bad, offset, end)).filter((bad) => bad !== undefined);
      return { records: decoded.records, nextOffset: decoded.nextOffset, skippedOffsets: decoded.skippedOffsets, undecodable, context };
    }, signal);
  }

  /** read_committed drops the aborted transactions the answer lists; read_uncommitted keeps them. */
  private abortedIn(fetched: FetchResult): { abortedTransactions?: FetchResult['abortedTransactions'] } {
    return this.isolationLevel === 'read_committed' ? { abortedTransactions: fetched.abortedTransactions ?? [] } : {};
  }

  /** A read's `signal` ends its retries too. */
  private retrying<T>(context: Partial<SourceErrorContext>, attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const closed = () => this.closed || signal?.aborted === true;
    return withRetries(this.retry, { topic: this.topic, ...context }, { closed, beforeRetry: (error) => this.afterFailure(error) }, attempt);
  }

  private async afterFailure(error: RecordSourceError): Promise<void> {
    const stale = error instanceof SourceKafkaError ? STALE_METADATA.has(error.errorName) : error instanceof SourceTimeoutError || error instanceof SourceConnectionError;
    if (stale) await this.refreshMetadata();
  }

  /** One Metadata request however many partitions ask at once; if it fails, the next attempt says so. */
  private refreshMetadata(): Promise<void> {
    this.refreshing ??= this.client.topic(this.topic).then(() => undefined, () => undefined).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }
}

/** `promise`'s value, or undefined as soon as `signal` aborts (the promise is left to settle unread). */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** An undecodable batch cut to the offsets a read of [offset, end) covers; undefined when it lies past `end`. */
function undecodableIn(bad: FetchedUndecodable, offset: number, end: number): UndecodableBatch | undefined {
  const firstOffset = Math.max(bad.baseOffset, offset);
  if (firstOffset >= end) return undefined;
  const lastOffset = Math.min(Math.max(bad.lastOffset, firstOffset), end - 1);
  const where = bad.lastOffset > bad.baseOffset ? `offsets ${bad.baseOffset}..${bad.lastOffset}` : `offset ${bad.baseOffset}`;
  return {
    firstOffset, lastOffset, bytes: bad.bytes, batchBaseOffset: bad.baseOffset, batchLastOffset: bad.lastOffset, timestamp: bad.baseTimestamp,
    reason: `cannot decode the batch at ${where}: ${bad.error.message}`,
  };
}

/** Both results, or the first failure once both have ended (no retry loop is left running behind a failure). */
async function settleBoth<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [first, second] = await Promise.allSettled([a, b]);
  if (first.status === 'rejected') throw first.reason;
  if (second.status === 'rejected') throw second.reason;
  return [first.value, second.value];
}
