import { createTopicsRequestSchema } from '../protocol/generated/create-topics-request';
import { createTopicsResponseSchema } from '../protocol/generated/create-topics-response';
import { deleteTopicsRequestSchema } from '../protocol/generated/delete-topics-request';
import { deleteTopicsResponseSchema } from '../protocol/generated/delete-topics-response';
import { fetchRequestSchema } from '../protocol/generated/fetch-request';
import { fetchResponseSchema } from '../protocol/generated/fetch-response';
import { listOffsetsRequestSchema } from '../protocol/generated/list-offsets-request';
import { listOffsetsResponseSchema } from '../protocol/generated/list-offsets-response';
import { produceRequestSchema } from '../protocol/generated/produce-request';
import { produceResponseSchema } from '../protocol/generated/produce-response';
import { describeLogDirsRequestSchema } from '../protocol/generated/describe-log-dirs-request';
import { describeLogDirsResponseSchema } from '../protocol/generated/describe-log-dirs-response';
import { KafkaError } from '../protocol/error-codes';
import type { BrokerConnection } from './broker-connection';
import { BrokerConnector } from './broker-connector';
import { IsolationLevel, isolationLevelId } from '../protocol/isolation-level';
import type { AbortedTransaction } from './aborted-transactions';
import { parseBootstrap } from './bootstrap';
import { resolveClientSecurity } from './client-security';
import { isSecurityFailure } from './security-errors';
import { API_VERSIONS_VERSION, CLIENT_VERSIONS, ClientOptions, ClusterConnections } from './cluster-connections';

export { parseBootstrap };
export { API_VERSIONS_VERSION, CLIENT_VERSIONS, throwIfError } from './cluster-connections';
export type { ClientOptions, PartitionInfo, TopicInfo } from './cluster-connections';

export interface FetchResult {
  records: Buffer;
  highWatermark: number;
  /** -1 from a broker that does not say. */
  lastStableOffset: number;
  logStartOffset: number;
  /** read_committed: the aborted transactions overlapping `records` (for `recordsFrom`); null for read_uncommitted. */
  abortedTransactions: AbortedTransaction[] | null;
}

export interface FetchOptions {
  maxBytes?: number;
  maxWaitMs?: number;
  minBytes?: number;
  /** read_uncommitted (the default, as Kafka's consumers) or read_committed: up to the last stable offset. */
  isolationLevel?: IsolationLevel;
}

export interface ListedOffset {
  offset: number;
  timestamp: number;
}

/** One ListOffsets round: what each partition answered, or why it did not (with the broker asked, if one was). */
export interface ListOffsetsOutcome {
  offsets: Map<number, ListedOffset>;
  failures: Map<number, { error: Error; broker: string | null }>;
}

/**
 * A small Kafka client on sluice's codecs: enough for the CLI tools and the load jobs. Connections, versions and
 * metadata are `ClusterConnections`'; this adds the topic admin calls, ListOffsets, Produce and Fetch.
 */
export class KafkaClient extends ClusterConnections {
  private constructor(bootstrap: BrokerConnection, bootstrapServers: string, connector: BrokerConnector) {
    super(bootstrap, bootstrapServers, connector);
  }

  /**
   * Connects to the first bootstrap server that answers. The security settings' files and password are read here,
   * once; a refused login or an untrusted certificate fails at once (another bootstrap server would say the same).
   */
  static async connect(bootstrap: string, clientIdOrOptions: string | ClientOptions = 'sluice'): Promise<KafkaClient> {
    const options = typeof clientIdOrOptions === 'string' ? { clientId: clientIdOrOptions } : clientIdOrOptions;
    const connector = new BrokerConnector({
      clientId: options.clientId ?? 'sluice',
      requestTimeoutMs: options.requestTimeoutMs,
      security: resolveClientSecurity(options.security),
      versions: CLIENT_VERSIONS,
      apiVersionsVersion: API_VERSIONS_VERSION,
    });
    let lastError: Error | undefined;
    for (const { host, port } of parseBootstrap(bootstrap)) {
      let client: KafkaClient | undefined;
      try {
        client = new KafkaClient(await connector.open(host, port), bootstrap, connector);
        await client.negotiateVersions();
        await client.metadata([]);
        return client;
      } catch (error) {
        client?.close();
        if (isSecurityFailure(error)) throw error;
        lastError = error as Error;
      }
    }
    throw lastError ?? new Error('no bootstrap servers given');
  }

  async createTopic(name: string, partitions: number, config: Record<string, string> = {}): Promise<void> {
    const response = await (await this.bootstrapConnection()).request(19, this.version(19), createTopicsRequestSchema, createTopicsResponseSchema, {
      topics: [{ name, numPartitions: partitions, replicationFactor: -1, assignments: [], configs: Object.entries(config).map(([n, value]) => ({ name: n, value })) }],
      timeoutMs: 30_000,
    });
    for (const result of response.topics) this.check(result.errorCode, `create topic ${result.name}`, result.errorMessage);
  }

  async deleteTopic(name: string): Promise<void> {
    const response = await (await this.bootstrapConnection()).request(20, this.version(20), deleteTopicsRequestSchema, deleteTopicsResponseSchema, { topicNames: [name], timeoutMs: 30_000 });
    this.knownTopics.delete(name);
    for (const result of response.responses) this.check(result.errorCode, `delete topic ${result.name}`);
  }

  /**
   * DescribeLogDirs on the bootstrap broker: bytes each of its partitions' logs hold, by `topic/partition` (every
   * partition of every log directory; a future log is left out). Needs DESCRIBE on the cluster.
   */
  async logDirSizes(): Promise<Map<string, number>> {
    const response = await (await this.bootstrapConnection()).request(35, this.version(35), describeLogDirsRequestSchema, describeLogDirsResponseSchema, { topics: null });
    this.check(response.errorCode ?? 0, 'describe log dirs');
    const sizes = new Map<string, number>();
    for (const dir of response.results) {
      this.check(dir.errorCode, `describe log dir ${dir.logDir}`);
      for (const topic of dir.topics) for (const p of topic.partitions) if (!p.isFutureKey) sizes.set(`${topic.name}/${p.partitionIndex}`, Number(p.partitionSize));
    }
    return sizes;
  }

  /** ListOffsets: -2 earliest, -1 latest, otherwise the first offset with a timestamp ≥ the given one (-1 if none). */
  async offsetFor(topic: string, partition: number, timestamp: number): Promise<{ offset: number; timestamp: number }> {
    const connection = await this.leaderFor(topic, partition);
    const response = await connection.request(2, this.version(2), listOffsetsRequestSchema, listOffsetsResponseSchema, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: topic, partitions: [{ partitionIndex: partition, timestamp, currentLeaderEpoch: -1 }] }],
    });
    const result = response.topics[0].partitions[0];
    this.checkPartition(topic, result.errorCode, `offsets of ${topic}-${partition}`);
    return { offset: result.offset ?? -1, timestamp: result.timestamp ?? -1 };
  }

  /**
   * ListOffsets at one timestamp for many partitions of a topic: one request per leader, all sent at once.
   * Kafka refuses a partition twice in one request, so earliest and latest take one request each. Latest
   * under read_committed is the last stable offset.
   */
  async listOffsets(topic: string, partitions: readonly number[], timestamp: number, isolationLevel: IsolationLevel = 'read_uncommitted'): Promise<ListOffsetsOutcome> {
    const outcome: ListOffsetsOutcome = { offsets: new Map(), failures: new Map() };
    const known = this.knownTopics.get(topic);
    const layout = known && partitions.every((p) => known.partitions.some((k) => k.partition === p)) ? known : await this.topic(topic);
    const byLeader = new Map<number, number[]>();
    for (const partition of new Set(partitions)) {
      const leader = layout.partitions.find((p) => p.partition === partition)?.leader;
      if (leader === undefined || leader < 0) {
        const name = leader === undefined ? 'UNKNOWN_TOPIC_OR_PARTITION' : 'LEADER_NOT_AVAILABLE';
        outcome.failures.set(partition, { error: new KafkaError(name, `offsets of ${topic}-${partition}`), broker: null });
      } else byLeader.set(leader, [...(byLeader.get(leader) ?? []), partition]);
    }
    await Promise.all([...byLeader].map(async ([leader, asked]) => {
      const broker = this.brokerAddress(leader);
      try {
        const connection = await this.connectionTo(leader);
        const response = await connection.request(2, this.version(2), listOffsetsRequestSchema, listOffsetsResponseSchema, {
          replicaId: -1,
          isolationLevel: isolationLevelId(isolationLevel),
          topics: [{ name: topic, partitions: asked.map((partitionIndex) => ({ partitionIndex, timestamp, currentLeaderEpoch: -1 })) }],
        });
        const answers = new Map(response.topics.filter((t) => t.name === topic).flatMap((t) => t.partitions).map((p) => [p.partitionIndex, p]));
        for (const partition of asked) {
          const answer = answers.get(partition);
          try {
            if (!answer) throw new KafkaError('UNKNOWN_SERVER_ERROR', `offsets of ${topic}-${partition}: not in the answer`);
            this.checkPartition(topic, answer.errorCode, `offsets of ${topic}-${partition}`);
            outcome.offsets.set(partition, { offset: answer.offset ?? -1, timestamp: answer.timestamp ?? -1 });
          } catch (error) {
            outcome.failures.set(partition, { error: error as Error, broker });
          }
        }
      } catch (error) {
        for (const partition of asked) outcome.failures.set(partition, { error: error as Error, broker });
      }
    }));
    return outcome;
  }

  /** Appends record batches to one partition; resolves with the base offset (undefined with acks=0). */
  async produce(topic: string, partition: number, records: Buffer, acks: 0 | 1 | -1 = -1): Promise<number | undefined> {
    const connection = await this.leaderFor(topic, partition);
    const request = { transactionalId: null, acks, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] };
    if (acks === 0) {
      connection.send(0, this.version(0), produceRequestSchema, request);
      return undefined;
    }
    const response = await connection.request(0, this.version(0), produceRequestSchema, produceResponseSchema, request);
    const result = response.responses[0].partitionResponses[0];
    this.checkPartition(topic, result.errorCode, `produce to ${topic}-${partition}`, result.errorMessage);
    return result.baseOffset;
  }

  /** Whole record batches from `offset` on, as the broker stores them. */
  async fetch(topic: string, partition: number, offset: number, options: FetchOptions = {}): Promise<FetchResult> {
    const connection = await this.leaderFor(topic, partition);
    const maxBytes = options.maxBytes ?? 1024 * 1024;
    const maxWaitMs = options.maxWaitMs ?? 500;
    const response = await connection.request(1, this.version(1), fetchRequestSchema, fetchResponseSchema, {
      replicaId: -1,
      maxWaitMs,
      minBytes: options.minBytes ?? 1,
      maxBytes,
      isolationLevel: isolationLevelId(options.isolationLevel ?? 'read_uncommitted'),
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: maxBytes, currentLeaderEpoch: -1 }] }],
      forgottenTopicsData: [],
      rackId: '',
    }, { timeoutMs: this.requestTimeoutMs + maxWaitMs });
    this.check(response.errorCode ?? 0, `fetch from ${topic}-${partition}`);
    const result = response.responses[0].partitions[0];
    this.checkPartition(topic, result.errorCode, `fetch from ${topic}-${partition} at offset ${offset}`);
    return {
      records: result.records ?? Buffer.alloc(0),
      highWatermark: result.highWatermark,
      lastStableOffset: result.lastStableOffset ?? -1,
      logStartOffset: result.logStartOffset ?? -1,
      abortedTransactions: result.abortedTransactions?.map(({ producerId, firstOffset }) => ({ producerId, firstOffset })) ?? null,
    };
  }
}
