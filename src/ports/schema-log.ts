/**
 * Where the embedded Schema Registry keeps its state: a compacted log of Confluent's `_schemas` records (JSON keys
 * and values). In `sluice broker --registry-port` it is the broker's own partition store; standalone, a topic of
 * any Kafka cluster reached with sluice's client (Confluent's kafkastore.bootstrap.servers).
 */
export interface SchemaLogRecord {
  offset: number;
  key: Buffer | null;
  /** null: a tombstone (a permanent delete). */
  value: Buffer | null;
}

export interface SchemaLogRead {
  records: SchemaLogRecord[];
  /** Where the next read starts. */
  nextOffset: number;
}

export interface SchemaLog {
  /** Where the log lives, for messages ("_schemas on 127.0.0.1:9092"). */
  readonly description: string;
  /** The offset the next record gets. */
  endOffset(): Promise<number>;
  /** Whole batches from `offset` on (possibly none at the end). */
  read(offset: number): Promise<SchemaLogRead>;
  /** Appends one record and resolves with its offset once it is stored durably (flushed, or acks=all). */
  append(key: Buffer, value: Buffer | null): Promise<number>;
  close(): Promise<void>;
}

/** The log could not be read or written; the registry answers 50001 (Confluent's store error). */
export class SchemaLogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaLogError';
  }
}
