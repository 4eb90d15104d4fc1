import type { ClientSecurity } from './client-security-settings';
import type { RecordColumns } from '../protocol/record-columns';
import type { IsolationLevel } from '../protocol/isolation-level';

export type { RecordColumns } from '../protocol/record-columns';
export type { IsolationLevel } from '../protocol/isolation-level';

// Where a load reads from: one topic of a Kafka-protocol cluster (connectors/sources/), or an in-memory fake in
// the pipeline's tests. Loaders, planners, completeness and status depend on this, never on a concrete source.

export interface OffsetRange {
  /** The log start offset. */
  earliest: number;
  /** Where reading at the source's isolation level ends: the high watermark, or read_committed's last stable offset. */
  latest: number;
  /** The high watermark, when a source reading read_committed tells it apart from `latest` (else it equals `latest`). */
  highWatermark?: number;
}

/** What a fetch covered besides the records it hands over. */
export interface ReadProgress {
  /** Offsets passed over without a record: transaction markers, and aborted records under read_committed. */
  skippedOffsets: number;
}

/**
 * Called once per fetch that made progress, with its records in offset order (none when it held only skipped
 * offsets), as columns over the fetched bytes (`records.record(i)` gives one as an object). They are the
 * handler's until its promise settles.
 */
export type RecordHandler = (records: RecordColumns, progress: ReadProgress) => Promise<void> | void;

/** A batch fetched whole that could not be turned into records (bad CRC, corrupt compressed data, unknown codec, cut records). */
export interface UndecodableBatch {
  /** The offsets it covers within the read: reading goes on after `lastOffset`. */
  firstOffset: number;
  lastOffset: number;
  /** The whole batch as fetched, header included (Kafka's RecordBatch bytes). */
  bytes: Buffer;
  /** The base and last offset its header names. */
  batchBaseOffset: number;
  batchLastOffset: number;
  /** The base timestamp its header names. */
  timestamp: number;
  reason: string;
}

export type UndecodableHandler = (batch: UndecodableBatch) => Promise<void> | void;

export interface ReadOptions {
  /** Takes the batches that cannot be decoded, and reading goes on after them; without it, one fails the read (SourceDecodeError). */
  onUndecodable?: UndecodableHandler;
  /** Ends reading at once: a fetch in flight is dropped, no retry is made, and the read resolves with the offset it reached. */
  signal?: AbortSignal;
}

/** A topic as the cluster lists it. */
export interface ListedTopic {
  name: string;
  /** Kafka's internal flag (Metadata's `is_internal`: `__consumer_offsets`, `__transaction_state`). */
  internal: boolean;
}

export interface RecordSource {
  readonly topic: string;
  /** Every topic of the cluster (Metadata for all topics, which creates none), for jobs that resolve their topics at each run. */
  listTopics(): Promise<ListedTopic[]>;
  /** The topic's partitions, from fresh metadata. */
  partitions(): Promise<number[]>;
  /** Earliest and latest offsets of many partitions at once (Kafka: one ListOffsets per leader and kind). */
  offsetRanges(partitions: readonly number[]): Promise<Map<number, OffsetRange>>;
  /** One partition's earliest and latest offsets, as of now. */
  offsets(partition: number): Promise<OffsetRange>;
  /** Per partition, the first offset whose timestamp is ≥ `timestamp`, or the high watermark when there is none. */
  offsetsForTime(partitions: readonly number[], timestamp: number): Promise<Map<number, number>>;
  offsetForTime(partition: number, timestamp: number): Promise<number>;
  /**
   * Hands every record in [start, end) to `onRecords`, batch by batch, in offset order, until `shouldStop()` says
   * so (asked between fetches); resolves with the offset it stopped at. The next batch is being fetched while
   * `onRecords` works.
   */
  read(partition: number, start: number, end: number, onRecords: RecordHandler, shouldStop?: () => boolean, options?: ReadOptions): Promise<number>;
  close(): void;
}

export interface SourceRetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** The wait before the first retry; it doubles with each retry, up to `maxBackoffMs`. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_SOURCE_RETRY: SourceRetryPolicy = { maxAttempts: 6, initialBackoffMs: 100, maxBackoffMs: 5_000 };

/** What `openRecordSource` (src/connector-factory.ts) accepts; plain data, so it can go to a worker thread. */
export interface RecordSourceOptions {
  /** How long a request may go without any byte of its answer; default 30 s (Kafka's request.timeout.ms). */
  requestTimeoutMs?: number;
  retry?: Partial<SourceRetryPolicy>;
  /** Bytes asked for per fetch; a first batch larger than this still comes whole. Default 4 MiB. */
  fetchMaxBytes?: number;
  clientId?: string;
  /** TLS and SASL for every connection (default PLAINTEXT); a job's `source.security`. */
  security?: ClientSecurity | null;
  /**
   * Kafka's isolation.level. read_committed (what loads use) stops at the last stable offset and drops aborted
   * transactions; read_uncommitted, the default as in Kafka's consumers, reads to the high watermark. Either way
   * transaction markers are skipped: they are not records.
   */
  isolationLevel?: IsolationLevel;
}

/** Where a source failure happened; every message names the topic, and the partition and broker when known. */
export interface SourceErrorContext {
  topic: string;
  partition?: number;
  broker?: string | null;
}

function where(context: SourceErrorContext): string {
  const target = context.partition === undefined ? `topic ${context.topic}` : `${context.topic}-${context.partition}`;
  return context.broker ? `${target} (broker ${context.broker})` : target;
}

/**
 * A failure to read from the source. `retriable` says whether trying again may succeed (a leader moved, a
 * request timed out); a source retries those itself first, so one that reaches a caller has used its attempts.
 */
export class RecordSourceError extends Error {
  readonly topic: string;
  readonly partition: number | null;
  readonly broker: string | null;
  /** How many attempts a retry loop made before giving up; null when it did not retry. */
  readonly attempts: number | null = null;

  constructor(readonly retriable: boolean, context: SourceErrorContext, detail: string) {
    super(`${where(context)}: ${detail}`);
    this.name = 'RecordSourceError';
    this.topic = context.topic;
    this.partition = context.partition ?? null;
    this.broker = context.broker ?? null;
  }

  /** Called by a source's retry loop when it stops trying; the message then says how often it tried. */
  gaveUpAfter(attempts: number): this {
    (this as { attempts: number | null }).attempts = attempts;
    this.message = `${this.message} (gave up after ${attempts} attempts)`;
    return this;
  }
}

/** A Kafka error code in an answer; retriable as Kafka's table says (src/protocol/error-codes.ts). */
export class SourceKafkaError extends RecordSourceError {
  constructor(readonly errorName: string, readonly code: number, retriable: boolean, context: SourceErrorContext, detail: string) {
    super(retriable, context, detail);
    this.name = 'SourceKafkaError';
  }
}

/**
 * TLS or SASL failed, or the settings for them cannot be used: never retried. The message is the client's own,
 * which already names the broker (and the user), e.g. "SASL authentication failed for user etl on host:9093: …".
 */
export class SourceSecurityError extends RecordSourceError {
  constructor(context: SourceErrorContext, detail: string) {
    super(false, context, detail);
    this.name = 'SourceSecurityError';
    this.message = detail;
  }
}

/** A request got no answer within the request timeout. */
export class SourceTimeoutError extends RecordSourceError {
  constructor(readonly timeoutMs: number, context: SourceErrorContext, detail: string) {
    super(true, context, detail);
    this.name = 'SourceTimeoutError';
  }
}

/** The connection to a broker could not be made or was lost. */
export class SourceConnectionError extends RecordSourceError {
  constructor(context: SourceErrorContext, detail: string) {
    super(true, context, detail);
    this.name = 'SourceConnectionError';
  }
}

/** The fetched bytes could not be turned into records (corrupt batch, a codec the protocol layer cannot read). */
export class SourceDecodeError extends RecordSourceError {
  constructor(readonly offset: number, context: SourceErrorContext, detail: string) {
    super(false, context, detail);
    this.name = 'SourceDecodeError';
  }
}

/** The source answered, but not with what reading needs (no progress below the high watermark, no such partition). */
export class SourceReadError extends RecordSourceError {
  constructor(context: SourceErrorContext, detail: string) {
    super(false, context, detail);
    this.name = 'SourceReadError';
  }
}
