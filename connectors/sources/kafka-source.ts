import { KafkaClient } from '../../src/client/kafka-client';
import { recordsFrom } from '../../src/client/fetched-records';
import type { DecodedRecord } from '../../src/protocol/records';

export interface OffsetRange {
  earliest: number;
  latest: number;
}

/** Reads offset ranges of one topic from sluice's broker or any Kafka-protocol cluster. */
export class KafkaSource {
  private constructor(private readonly client: KafkaClient, readonly topic: string) {}

  static async open(bootstrap: string, topic: string): Promise<KafkaSource> {
    return new KafkaSource(await KafkaClient.connect(bootstrap, 'sluice-load'), topic);
  }

  async partitions(): Promise<number[]> {
    return (await this.client.topic(this.topic)).partitions.map((p) => p.partition);
  }

  /** The log start offset and the high watermark, as of now. */
  async offsets(partition: number): Promise<OffsetRange> {
    const earliest = await this.client.offsetFor(this.topic, partition, -2);
    const latest = await this.client.offsetFor(this.topic, partition, -1);
    return { earliest: earliest.offset, latest: latest.offset };
  }

  /** First offset whose timestamp is ≥ `timestamp`, or the high watermark when there is none. */
  async offsetForTime(partition: number, timestamp: number): Promise<number> {
    const found = await this.client.offsetFor(this.topic, partition, timestamp);
    return found.offset >= 0 ? found.offset : (await this.offsets(partition)).latest;
  }

  /**
   * Hands every record in [start, end) to `onRecords`, batch by batch, in offset
   * order, until `shouldStop()` says so; returns the offset it stopped at.
   */
  async read(partition: number, start: number, end: number, onRecords: (records: DecodedRecord[]) => Promise<void> | void, shouldStop: () => boolean = () => false): Promise<number> {
    let offset = start;
    while (offset < end && !shouldStop()) {
      const fetched = await this.client.fetch(this.topic, partition, offset, { maxBytes: 4 * 1024 * 1024, maxWaitMs: 0, minBytes: 0 });
      const { records, nextOffset } = recordsFrom(fetched.records, offset);
      if (nextOffset <= offset) throw new Error(`${this.topic}-${partition}: no progress at offset ${offset} (high watermark ${fetched.highWatermark}, planned end ${end})`);
      const inRange = records.filter((r) => r.offset < end);
      if (inRange.length > 0) await onRecords(inRange);
      offset = Math.min(nextOffset, end);
    }
    return offset;
  }

  close(): void {
    this.client.close();
  }
}
