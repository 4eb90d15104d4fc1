import { RecordColumns } from '../../src/protocol/record-columns';
import { withRetries } from '../../connectors/sources/source-retry';
import type { DecodedRecord, RecordInput } from '../../src/protocol/records';
import {
  ListedTopic, OffsetRange, RecordHandler, RecordSource, RecordSourceError, SourceReadError, SourceRetryPolicy,
} from '../../src/ports/record-source';

export interface FetchFault {
  partition: number;
  /** Fails fetches starting at this offset (any offset when left out). */
  offset?: number;
  /** How many attempts fail; then fetches succeed again. */
  times: number;
  error: () => RecordSourceError;
}

/** Fast retries, so a test of a retried failure takes milliseconds. */
export const FAST_RETRY: SourceRetryPolicy = { maxAttempts: 4, initialBackoffMs: 1, maxBackoffMs: 4 };

/**
 * A topic in memory behind the `RecordSource` port, for the pipeline's unit tests. Reads hand out `batchSize`
 * records per fetch; injected faults fail fetch attempts, which go through the same retry loop as the Kafka
 * source's (connectors/sources/source-retry.ts).
 */
export class FakeRecordSource implements RecordSource {
  private readonly logs: DecodedRecord[][];
  /** Per partition, offsets a real source passes over (transaction markers, aborted records). */
  private readonly skipped: Set<number>[];
  private readonly faults: FetchFault[] = [];
  /** Every fetch attempt, failed ones included, in order. */
  readonly fetches: { partition: number; offset: number; failed: boolean }[] = [];
  offsetRequests = 0;
  closed = false;

  constructor(readonly topic: string, partitions: number, private readonly batchSize = 100, private readonly retry: SourceRetryPolicy = FAST_RETRY) {
    this.logs = Array.from({ length: partitions }, () => []);
    this.skipped = Array.from({ length: partitions }, () => new Set());
  }

  /** Appends records to a partition with the next offsets, as a producer would. */
  append(partition: number, records: RecordInput[]): void {
    const log = this.logs[partition];
    for (const record of records) {
      log.push({ offset: log.length, timestamp: record.timestamp ?? Date.now(), key: record.key ?? null, value: record.value, headers: record.headers ?? [] });
    }
  }

  /** `count` offsets holding nothing to load, as a transaction marker or an aborted transaction takes them up. */
  appendSkipped(partition: number, count: number): void {
    const log = this.log(partition);
    for (let i = 0; i < count; i++) {
      this.skipped[partition].add(log.length);
      log.push({ offset: log.length, timestamp: 0, key: null, value: null, headers: [] });
    }
  }

  failFetches(fault: FetchFault): void {
    this.faults.push(fault);
  }

  async listTopics(): Promise<ListedTopic[]> {
    return [{ name: this.topic, internal: false }];
  }

  async partitions(): Promise<number[]> {
    return this.logs.map((_, p) => p);
  }

  async offsetRanges(partitions: readonly number[]): Promise<Map<number, OffsetRange>> {
    this.offsetRequests++;
    return new Map(partitions.map((p) => [p, { earliest: 0, latest: this.log(p).length }]));
  }

  async offsets(partition: number): Promise<OffsetRange> {
    return (await this.offsetRanges([partition])).get(partition)!;
  }

  async offsetsForTime(partitions: readonly number[], timestamp: number): Promise<Map<number, number>> {
    return new Map(partitions.map((p) => {
      const found = this.log(p).find((r) => r.timestamp >= timestamp);
      return [p, found ? found.offset : this.log(p).length];
    }));
  }

  async offsetForTime(partition: number, timestamp: number): Promise<number> {
    return (await this.offsetsForTime([partition], timestamp)).get(partition)!;
  }

  async read(partition: number, start: number, end: number, onRecords: RecordHandler, shouldStop: () => boolean = () => false): Promise<number> {
    let offset = start;
    while (offset < end && !shouldStop()) {
      const at = offset;
      const batch = await withRetries(this.retry, { topic: this.topic, partition }, { closed: () => this.closed, beforeRetry: async () => undefined }, async () => this.fetch(partition, at));
      const inRange = batch.filter((r) => r.offset < end);
      const loadable = inRange.filter((r) => !this.skipped[partition].has(r.offset));
      await onRecords(RecordColumns.of(loadable), { skippedOffsets: inRange.length - loadable.length });
      offset = Math.min(at + batch.length, end);
    }
    return offset;
  }

  close(): void {
    this.closed = true;
  }

  private fetch(partition: number, offset: number): DecodedRecord[] {
    const fault = this.faults.find((f) => f.partition === partition && (f.offset === undefined || f.offset === offset) && f.times > 0);
    this.fetches.push({ partition, offset, failed: fault !== undefined });
    if (fault) {
      fault.times--;
      throw fault.error();
    }
    const batch = this.log(partition).slice(offset, offset + this.batchSize);
    if (batch.length === 0) throw new SourceReadError({ topic: this.topic, partition }, `no progress at offset ${offset}`);
    return batch;
  }

  private log(partition: number): DecodedRecord[] {
    const log = this.logs[partition];
    if (!log) throw new SourceReadError({ topic: this.topic, partition }, 'no such partition');
    return log;
  }
}
