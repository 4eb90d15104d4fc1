import { fetchRequestSchema, fetchResponseSchema, FetchRequest, FetchResponse } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { BATCH_LENGTH_POS, LOG_OVERHEAD, ATTRIBUTES_POS, Compression, compressionOf } from '../../protocol/record-batch';
import type { BrokerState } from '../broker-state';
import { errorOf } from './errors';
import { defineHandler } from './handler';
import { isolate } from './fetch-isolation';

type PartitionData = FetchResponse['responses'][number]['partitions'][number];
const EMPTY = Buffer.alloc(0);
const FIRST_VERSION_WITH_ZSTD = 10;

function hasZstd(records: Buffer): boolean {
  for (let pos = 0; pos + LOG_OVERHEAD <= records.length; pos += LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH_POS)) {
    if (compressionOf(records.readInt16BE(pos + ATTRIBUTES_POS)) === Compression.Zstd) return true;
  }
  return false;
}

interface Gathered {
  responses: FetchResponse['responses'];
  bytes: number;
  failed: boolean;
}

/**
 * Reads every requested partition within the request's byte limits. Like
 * Kafka (KIP-74), the first batch of the first non-empty partition is whole
 * even when it exceeds a limit, so a consumer always makes progress.
 */
function gather(broker: BrokerState, request: FetchRequest, apiVersion: number): Gathered {
  let remaining = request.maxBytes ?? 0x7fffffff;
  let bytes = 0;
  let failed = false;
  const responses = request.topics.map((topic) => ({
    topic: topic.topic,
    partitions: topic.partitions.map((p): PartitionData => {
      const base = { partitionIndex: p.partition, abortedTransactions: null, preferredReadReplica: -1 };
      try {
        const log = broker.stores.partitions.partition(topic.topic ?? '', p.partition);
        const limit = Math.min(p.partitionMaxBytes, remaining);
        let records = limit > 0 || bytes === 0 ? log.read(p.fetchOffset, Math.max(limit, 1)).records : EMPTY;
        if (bytes > 0 && records.length > limit) records = EMPTY;
        let errorCode = 0;
        if (apiVersion < FIRST_VERSION_WITH_ZSTD && hasZstd(records)) {
          errorCode = KafkaErrors.UNSUPPORTED_COMPRESSION_TYPE.code;
          records = EMPTY;
        }
        const isolated = isolate(log, records, p.fetchOffset, request.isolationLevel);
        records = isolated.records;
        bytes += records.length;
        remaining -= records.length;
        const offsets = { highWatermark: log.highWatermark, lastStableOffset: log.lastStableOffset, logStartOffset: log.logStartOffset };
        return { ...base, abortedTransactions: isolated.abortedTransactions, errorCode, ...offsets, records };
      } catch (error) {
        failed = true;
        return { ...base, errorCode: errorOf(error).code, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: EMPTY };
      }
    }),
  }));
  return { responses, bytes, failed };
}

export const fetchHandler = defineHandler({
  apiKey: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 11,
  request: fetchRequestSchema,
  response: fetchResponseSchema,
  async handle(request, { broker, apiVersion }) {
    const deadline = Date.now() + Math.max(0, request.maxWaitMs);
    const watched = request.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic ?? '', partition: p.partition })));
    for (;;) {
      const gathered = gather(broker, request, apiVersion);
      const waitMs = deadline - Date.now();
      if (gathered.bytes >= request.minBytes || gathered.failed || waitMs <= 0 || broker.stopping) {
        // sessionId 0: no incremental fetch session, so clients keep sending full requests.
        return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: gathered.responses };
      }
      await broker.appends.waitForAppend(watched, waitMs);
    }
  },
});
