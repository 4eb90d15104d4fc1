import { KafkaClient } from '../client/kafka-client';
import type { ClientOptions } from '../client/kafka-client';
import { recordsFrom } from '../client/fetched-records';
import { KafkaError } from '../protocol/error-codes';
import { buildRecordBatch } from '../protocol/records';
import { SchemaLog, SchemaLogError, SchemaLogRead } from '../ports/schema-log';
import { SCHEMAS_TOPIC, SCHEMAS_TOPIC_CONFIG } from './schema-topic';

/** The `_schemas` topic of any Kafka cluster, through sluice's client (`sluice registry --bootstrap`). */
export class KafkaSchemaLog implements SchemaLog {
  readonly description: string;

  private constructor(private readonly client: KafkaClient, private readonly topic: string, bootstrap: string) {
    this.description = `${topic} on ${bootstrap}`;
  }

  /** Connects and creates the topic (compacted, one partition) unless it exists. */
  static async open(bootstrap: string, options: ClientOptions = {}, topic = SCHEMAS_TOPIC): Promise<KafkaSchemaLog> {
    const client = await KafkaClient.connect(bootstrap, { clientId: 'sluice-schema-registry', ...options });
    try {
      await client.topic(topic);
    } catch (error) {
      if (!(error instanceof KafkaError) || error.errorName !== 'UNKNOWN_TOPIC_OR_PARTITION') {
        client.close();
        throw error;
      }
      try {
        await client.createTopic(topic, 1, SCHEMAS_TOPIC_CONFIG);
      } catch (createError) {
        // Another registry may have created it meanwhile.
        if (!(createError instanceof KafkaError) || createError.errorName !== 'TOPIC_ALREADY_EXISTS') {
          client.close();
          throw createError;
        }
      }
    }
    return new KafkaSchemaLog(client, topic, bootstrap);
  }

  async endOffset(): Promise<number> {
    return (await this.client.offsetFor(this.topic, 0, -1)).offset;
  }

  async read(offset: number): Promise<SchemaLogRead> {
    const fetched = await this.client.fetch(this.topic, 0, offset, { maxWaitMs: 0, maxBytes: 4 * 1024 * 1024 });
    const { records, nextOffset } = recordsFrom(fetched.records, offset);
    return { records: records.map((r) => ({ offset: r.offset, key: r.key, value: r.value })), nextOffset };
  }

  async append(key: Buffer, value: Buffer | null): Promise<number> {
    try {
      const offset = await this.client.produce(this.topic, 0, buildRecordBatch([{ key, value }]), -1);
      return offset ?? -1;
    } catch (error) {
      throw new SchemaLogError(`writing to ${this.description}: ${(error as Error).message}`);
    }
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
