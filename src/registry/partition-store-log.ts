import type { PartitionStore, StoredPartition } from '../ports/partition-store';
import { SchemaLog, SchemaLogError, SchemaLogRead } from '../ports/schema-log';
import { buildRecordBatch } from '../protocol/records';
import { recordsFrom } from '../client/fetched-records';
import { SCHEMAS_TOPIC, SCHEMAS_TOPIC_CONFIG } from './schema-topic';

const READ_BYTES = 4 * 1024 * 1024;

/**
 * The `_schemas` topic of the broker this process runs (`sluice broker --registry-port`): writes go straight to its
 * partition store, created on first use; `onAppend` wakes fetches waiting on the topic.
 */
export class PartitionStoreSchemaLog implements SchemaLog {
  readonly description: string;
  private readonly partition: StoredPartition;

  constructor(store: PartitionStore, private readonly onAppend: () => void = () => undefined, topic = SCHEMAS_TOPIC) {
    if (!store.hasTopic(topic)) store.createTopic(topic, 1, SCHEMAS_TOPIC_CONFIG);
    this.partition = store.partition(topic, 0);
    this.description = `${topic} in this broker`;
  }

  async endOffset(): Promise<number> {
    return this.partition.logEndOffset;
  }

  async read(offset: number): Promise<SchemaLogRead> {
    const start = Math.max(offset, this.partition.logStartOffset);
    const { records, nextOffset } = recordsFrom(this.partition.read(start, READ_BYTES).records, start);
    return { records: records.map((r) => ({ offset: r.offset, key: r.key, value: r.value })), nextOffset };
  }

  async append(key: Buffer, value: Buffer | null): Promise<number> {
    try {
      const result = this.partition.append(buildRecordBatch([{ key, value }]), { acks: -1 });
      this.onAppend();
      return result.baseOffset;
    } catch (error) {
      throw new SchemaLogError(`writing to ${this.description}: ${(error as Error).message}`);
    }
  }

  async close(): Promise<void> {}
}
