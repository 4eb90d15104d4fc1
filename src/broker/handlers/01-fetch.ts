import { fetchRequestSchema, fetchResponseSchema, FetchRequest, FetchResponse } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { downConvertBatches } from '../../protocol/message-set-convert';
import { dataRecordsIn } from '../../protocol/record-batch';
import type { BrokerMetrics } from '../../ports/broker-metrics';
import type { ReadAllocator } from '../../ports/partition-store';
import { uuidText, ZERO_UUID } from '../../protocol/uuid';
import type { BrokerState } from '../broker-state';
import { errorOf } from './errors';
import { defineHandler } from './handler';
import { isolate } from './fetch-isolation';
import { AclOperation, allowedNames, ResourceType } from './authorize';

type TopicData = FetchResponse['responses'][number];
type PartitionData = TopicData['partitions'][number];
type RequestedTopic = FetchRequest['topics'][number];
type RequestedPartition = RequestedTopic['partitions'][number];
const EMPTY = Buffer.alloc(0);
const FIRST_VERSION_WITH_ZSTD = 10;
const FIRST_VERSION_WITH_TOPIC_IDS = 13;
/** Fetch v0/v1 read message format v0, v2/v3 format v1, v4+ RecordBatch v2 (what the log stores). */
const LAST_VERSION_OF_MAGIC_0 = 1;
const LAST_VERSION_OF_MAGIC_1 = 3;
/** Fetch v5 and older clients do not know KAFKA_STORAGE_ERROR; Kafka answers NOT_LEADER_OR_FOLLOWER so they retry. */
const LAST_VERSION_WITHOUT_STORAGE_ERROR = 5;
/**
 * Reads up to this size copy on the event loop (a consumer at the log end reads a few KB: a thread-pool round trip
 * would only add latency); larger ones, a batch consumer's catch-up, copy on libuv's thread pool so that the small
 * produce and fetch requests of other clients are served meanwhile.
 */
const SYNC_READ_BYTES = 64 * 1024;

/** A fetched topic: its name (resolved from the id in v13+) and the topic settings Fetch applies. */
interface ResolvedTopic {
  name: string | undefined;
  /** The caller may READ it (Kafka: TOPIC_AUTHORIZATION_FAILED for each of its partitions otherwise). */
  readable: boolean;
  zstdTopic: boolean;
  downConversionEnabled: boolean;
}

interface Budget {
  /** Bytes the response may still take (the request's maxBytes). */
  remaining: number;
  /** Bytes gathered so far. */
  bytes: number;
  failed: boolean;
}

function topicNameOf(broker: BrokerState, topic: RequestedTopic, apiVersion: number): string | undefined {
  return apiVersion >= FIRST_VERSION_WITH_TOPIC_IDS ? broker.stores.partitions.topicNameById(uuidText(topic.topicId ?? ZERO_UUID)) : topic.topic ?? '';
}

function resolveTopic(broker: BrokerState, topic: RequestedTopic, apiVersion: number, readable: ReadonlySet<string>): ResolvedTopic {
  const store = broker.stores.partitions;
  const name = topicNameOf(broker, topic, apiVersion);
  const resolved = { name, readable: name !== undefined && readable.has(name), zstdTopic: false, downConversionEnabled: true };
  if (!resolved.readable) return resolved;
  // Only old fetchers depend on the topic's effective settings (override, else broker default, else Kafka's).
  if (apiVersion >= FIRST_VERSION_WITH_ZSTD || name === undefined || !store.hasTopic(name)) return resolved;
  const configs = store.describeTopicConfig(name);
  const value = (config: string) => configs.find((c) => c.name === config)?.value;
  return { name, readable: true, zstdTopic: value('compression.type') === 'zstd', downConversionEnabled: apiVersion > LAST_VERSION_OF_MAGIC_1 || value('message.downconversion.enable') !== 'false' };
}

function partitionError(partitionIndex: number, code: number): PartitionData {
  return { partitionIndex, errorCode: code, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, preferredReadReplica: -1, records: EMPTY };
}

/**
 * One partition's answer within the byte budget. Like Kafka (KIP-74), the first batch of the first
 * non-empty partition is whole even when it exceeds a limit, so a consumer always makes progress.
 * Old fetchers get what Kafka's KafkaApis.maybeConvertFetchedData gives them.
 */
async function readPartition(broker: BrokerState, topic: ResolvedTopic, p: RequestedPartition, budget: Budget, apiVersion: number, isolationLevel: number | undefined, allocate: ReadAllocator | undefined): Promise<PartitionData> {
  if (topic.name === undefined) return partitionError(p.partition, KafkaErrors.UNKNOWN_TOPIC_ID.code);
  if (!topic.readable) return partitionError(p.partition, KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code);
  try {
    const log = broker.stores.partitions.partition(topic.name, p.partition);
    if (topic.zstdTopic && apiVersion < FIRST_VERSION_WITH_ZSTD) return partitionError(p.partition, KafkaErrors.UNSUPPORTED_COMPRESSION_TYPE.code);
    const toMagic = apiVersion <= LAST_VERSION_OF_MAGIC_0 ? 0 : apiVersion <= LAST_VERSION_OF_MAGIC_1 ? 1 : undefined;
    if (toMagic !== undefined && !topic.downConversionEnabled) return partitionError(p.partition, KafkaErrors.UNSUPPORTED_VERSION.code);
    const limit = Math.min(p.partitionMaxBytes, budget.remaining);
    let records = limit > 0 || budget.bytes === 0 ? (await log.readAsync(p.fetchOffset, Math.max(limit, 1), SYNC_READ_BYTES, allocate)).records : EMPTY;
    if (budget.bytes > 0 && records.length > limit) records = EMPTY;
    const isolated = isolate(log, records, p.fetchOffset, isolationLevel);
    records = isolated.records;
    budget.bytes += records.length;
    budget.remaining -= records.length;
    if (toMagic !== undefined && records.length > 0) records = downConvertBatches(records, toMagic, p.fetchOffset);
    return {
      partitionIndex: p.partition,
      errorCode: 0,
      highWatermark: log.highWatermark,
      lastStableOffset: log.lastStableOffset,
      logStartOffset: log.logStartOffset,
      abortedTransactions: isolated.abortedTransactions,
      preferredReadReplica: -1,
      records,
    };
  } catch (error) {
    budget.failed = true;
    let code = errorOf(error).code;
    if (code === KafkaErrors.KAFKA_STORAGE_ERROR.code && apiVersion <= LAST_VERSION_WITHOUT_STORAGE_ERROR) code = KafkaErrors.NOT_LEADER_OR_FOLLOWER.code;
    return partitionError(p.partition, code);
  }
}

async function gather(broker: BrokerState, request: FetchRequest, apiVersion: number, readable: ReadonlySet<string>, allocate: ReadAllocator | undefined): Promise<{ responses: TopicData[]; budget: Budget }> {
  const budget: Budget = { remaining: request.maxBytes ?? 0x7fffffff, bytes: 0, failed: false };
  const responses: TopicData[] = [];
  for (const topic of request.topics) {
    const resolved = resolveTopic(broker, topic, apiVersion, readable);
    if (!resolved.readable) budget.failed = true;
    const partitions: PartitionData[] = [];
    // One at a time: each partition's read sees the budget the ones before it left.
    for (const p of topic.partitions) partitions.push(await readPartition(broker, resolved, p, budget, apiVersion, request.isolationLevel, allocate));
    responses.push({ topic: topic.topic, topicId: topic.topicId, partitions });
  }
  return { responses, budget };
}

/** The topics and partitions a long poll waits on (unknown topic ids have nothing to wait for). */
function watchedPartitions(broker: BrokerState, request: FetchRequest, apiVersion: number) {
  return request.topics.flatMap((t) => {
    const name = apiVersion >= FIRST_VERSION_WITH_TOPIC_IDS ? broker.stores.partitions.topicNameById(uuidText(t.topicId ?? ZERO_UUID)) : t.topic ?? '';
    return name === undefined ? [] : t.partitions.map((p) => ({ topic: name, partition: p.partition }));
  });
}

/** Bytes and data records of what is sent, per topic (batches down-converted for old clients count bytes only). */
function countFetched(metrics: BrokerMetrics, names: (string | undefined)[], responses: TopicData[]): void {
  responses.forEach((topic, i) => {
    const name = names[i];
    if (name === undefined) return;
    let bytes = 0;
    let records = 0;
    for (const p of topic.partitions) {
      if (!p.records || p.records.length === 0) continue;
      bytes += p.records.length;
      records += dataRecordsIn(p.records);
    }
    if (bytes > 0) metrics.fetched(name, bytes, records);
  });
}

export const fetchHandler = defineHandler({
  apiKey: 1,
  name: 'Fetch',
  minVersion: 0,
  maxVersion: 17,
  request: fetchRequestSchema,
  response: fetchResponseSchema,
  async handle(request, context) {
    const { broker, apiVersion } = context;
    const deadline = Date.now() + Math.max(0, request.maxWaitMs);
    const watched = watchedPartitions(broker, request, apiVersion);
    const topicNames = request.topics.map((t) => topicNameOf(broker, t, apiVersion));
    const names = topicNames.filter((name): name is string => name !== undefined);
    const readable = allowedNames(context, AclOperation.READ, ResourceType.TOPIC, names);
    for (;;) {
      // The log is read into pooled buffers only when the connection tells when the response is written.
      const afterWritten = context.afterResponseWritten;
      const lease = afterWritten ? broker.readBuffers?.lease() : undefined;
      const { responses, budget } = await gather(broker, request, apiVersion, readable, lease?.allocate).catch((error: unknown) => {
        lease?.release(); // the lentBuffers count stays true; the buffers themselves would go to the GC either way
        throw error;
      });
      const waitMs = deadline - Date.now();
      if (budget.bytes >= request.minBytes || budget.failed || waitMs <= 0 || broker.stopping) {
        if (broker.metrics) countFetched(broker.metrics, topicNames, responses);
        if (lease && afterWritten) afterWritten(() => lease.release());
        // sessionId 0: no incremental fetch session, so clients keep sending full requests.
        return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses };
      }
      lease?.release(); // this round's reads are dropped: their buffers are free again
      await broker.appends.waitForAppend(watched, waitMs);
    }
  },
});
