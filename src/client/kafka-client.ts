import {
  apiVersionsRequestSchema, apiVersionsResponseSchema, createTopicsRequestSchema, createTopicsResponseSchema,
  deleteTopicsRequestSchema, deleteTopicsResponseSchema, fetchRequestSchema, fetchResponseSchema,
  listOffsetsRequestSchema, listOffsetsResponseSchema, metadataRequestSchema, metadataResponseSchema,
  produceRequestSchema, produceResponseSchema,
} from '../protocol/generated';
import { KafkaError, KafkaErrors, errorNameForCode } from '../protocol/error-codes';
import type { MessageSchema } from '../protocol/codec';
import { BrokerConnection, ConnectionClosedError, DEFAULT_REQUEST_TIMEOUT_MS } from './broker-connection';
import { connectToAny, parseBootstrap } from './bootstrap';

export { parseBootstrap };

/**
 * The versions this client can speak, per API key; the highest one the broker also speaks is used.
 * test/protocol/version-tables.test.ts checks them against the generated codec and sluice's broker.
 */
export const CLIENT_VERSIONS: Readonly<Record<number, readonly [number, number]>> = {
  0: [3, 8], // Produce
  1: [4, 11], // Fetch
  2: [1, 5], // ListOffsets
  3: [1, 8], // Metadata
  8: [2, 9], // OffsetCommit (consumer-group-admin.ts)
  9: [2, 7], // OffsetFetch: v2 asks for every committed offset with null topics; v8+ batch groups
  10: [1, 3], // FindCoordinator: one key per request (v4+ batch keys)
  15: [0, 5], // DescribeGroups
  16: [0, 5], // ListGroups
  19: [0, 4], // CreateTopics
  20: [0, 3], // DeleteTopics
  42: [0, 2], // DeleteGroups
  47: [0, 0], // OffsetDelete
};
export const API_VERSIONS_VERSION = 1;

export interface PartitionInfo {
  partition: number;
  leader: number;
}

export interface TopicInfo {
  name: string;
  partitions: PartitionInfo[];
}

export interface FetchResult {
  records: Buffer;
  highWatermark: number;
  logStartOffset: number;
}

export interface FetchOptions {
  maxBytes?: number;
  maxWaitMs?: number;
  minBytes?: number;
}

export interface ClientOptions {
  clientId?: string;
  /** How long a request may go without any byte of its answer (a Fetch adds its maxWaitMs). */
  requestTimeoutMs?: number;
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

export function throwIfError(code: number, what: string, message?: string | null): void {
  if (code !== 0) throw new KafkaError(errorNameForCode(code) ?? 'UNKNOWN_SERVER_ERROR', `${what}${message ? `: ${message}` : ''} (error ${code})`);
}

/**
 * A small Kafka client on sluice's codecs: enough for the CLI tools and the load jobs. A connection that failed
 * (or timed out) is replaced on its next use; after `close()` none is opened again.
 */
export class KafkaClient {
  private readonly versions = new Map<number, number>();
  private readonly brokers = new Map<number, { host: string; port: number }>();
  private readonly connections = new Map<number, Promise<BrokerConnection>>();
  /** Leaders from the last Metadata answer; an entry goes when a request says the leader or topic moved. */
  private readonly knownTopics = new Map<string, TopicInfo>();
  private bootstrap: Promise<BrokerConnection>;
  private closed = false;

  private constructor(bootstrap: BrokerConnection, private readonly bootstrapServers: string, private readonly clientId: string, private readonly requestTimeoutMs: number) {
    this.bootstrap = Promise.resolve(bootstrap);
  }

  static async connect(bootstrap: string, clientIdOrOptions: string | ClientOptions = 'sluice'): Promise<KafkaClient> {
    const options = typeof clientIdOrOptions === 'string' ? { clientId: clientIdOrOptions } : clientIdOrOptions;
    const clientId = options.clientId ?? 'sluice';
    const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    let lastError: Error | undefined;
    for (const { host, port } of parseBootstrap(bootstrap)) {
      let client: KafkaClient | undefined;
      try {
        client = new KafkaClient(await BrokerConnection.connect(host, port, clientId, 10_000, requestTimeoutMs), bootstrap, clientId, requestTimeoutMs);
        await client.negotiateVersions();
        await client.metadata([]);
        return client;
      } catch (error) {
        client?.close();
        lastError = error as Error;
      }
    }
    throw lastError ?? new Error('no bootstrap servers given');
  }

  /** The bootstrap connection (Metadata, topic admin), reopened if it failed. */
  private async bootstrapConnection(): Promise<BrokerConnection> {
    const current = this.bootstrap;
    const connection = await current.catch(() => undefined);
    if (connection?.isOpen) return connection;
    if (this.closed) throw new ConnectionClosedError(this.bootstrapServers, 'the client was closed');
    if (this.bootstrap === current) this.bootstrap = connectToAny(this.bootstrapServers, this.clientId, this.requestTimeoutMs);
    return this.bootstrap;
  }

  private async negotiateVersions(): Promise<void> {
    const response = await (await this.bootstrapConnection()).request(18, API_VERSIONS_VERSION, apiVersionsRequestSchema, apiVersionsResponseSchema, {});
    throwIfError(response.errorCode, 'ApiVersions');
    for (const api of response.apiKeys) {
      const mine = CLIENT_VERSIONS[api.apiKey];
      if (mine && api.maxVersion >= mine[0] && api.minVersion <= mine[1]) this.versions.set(api.apiKey, Math.min(api.maxVersion, mine[1]));
    }
  }

  private version(apiKey: number): number {
    const version = this.versions.get(apiKey);
    if (version === undefined) throw new KafkaError('UNSUPPORTED_VERSION', `the broker shares no version of API ${apiKey} with this client`);
    return version;
  }

  private async connectionTo(nodeId: number): Promise<BrokerConnection> {
    for (let known = this.connections.get(nodeId); known; known = this.connections.get(nodeId)) {
      const connection = await known.catch(() => undefined);
      if (connection?.isOpen) return connection;
      if (this.connections.get(nodeId) === known) this.connections.delete(nodeId);
    }
    const address = this.brokers.get(nodeId);
    if (!address) throw new KafkaError('LEADER_NOT_AVAILABLE', `no broker ${nodeId} in the metadata`);
    if (this.closed) throw new ConnectionClosedError(`${address.host}:${address.port}`, 'the client was closed');
    const connecting = BrokerConnection.connect(address.host, address.port, this.clientId, 10_000, this.requestTimeoutMs);
    this.connections.set(nodeId, connecting);
    return connecting;
  }

  /**
   * One request of an API listed in CLIENT_VERSIONS, at the highest version both sides speak, to broker `nodeId`
   * (default: the bootstrap connection). `body` is built for that version. For the admin calls outside this file.
   */
  async call<Req, Res>(apiKey: number, requestSchema: MessageSchema<Req>, responseSchema: MessageSchema<Res>, body: (version: number) => Req, nodeId?: number): Promise<Res> {
    const version = this.version(apiKey);
    const connection = nodeId === undefined ? await this.bootstrapConnection() : await this.connectionTo(nodeId);
    return connection.request(apiKey, version, requestSchema, responseSchema, body(version));
  }

  /** The node ids of the brokers in the last Metadata answer. */
  brokerIds(): number[] {
    return [...this.brokers.keys()].sort((a, b) => a - b);
  }

  /** Records where a broker is (from FindCoordinator), so `call` can reach it. */
  learnBroker(nodeId: number, host: string, port: number): void {
    if (!this.brokers.has(nodeId)) this.brokers.set(nodeId, { host, port });
  }

  /** host:port of a broker named in the metadata, or null. */
  brokerAddress(nodeId: number): string | null {
    const address = this.brokers.get(nodeId);
    return address ? `${address.host}:${address.port}` : null;
  }

  /** The address of a partition's leader as last known (no request is made), or null. */
  knownLeaderAddress(topic: string, partition: number): string | null {
    const leader = this.knownTopics.get(topic)?.partitions.find((p) => p.partition === partition)?.leader;
    return leader === undefined ? null : this.brokerAddress(leader);
  }

  /** Topics and their leaders; `null` asks for every topic. */
  async metadata(topics: string[] | null, allowAutoTopicCreation = false): Promise<TopicInfo[]> {
    const response = await (await this.bootstrapConnection()).request(3, this.version(3), metadataRequestSchema, metadataResponseSchema, {
      topics: topics === null ? null : topics.map((name) => ({ name })),
      allowAutoTopicCreation,
    });
    for (const broker of response.brokers) this.brokers.set(broker.nodeId, { host: broker.host, port: broker.port });
    return response.topics.map((topic) => {
      throwIfError(topic.errorCode, `metadata for topic ${topic.name}`);
      const info = {
        name: topic.name ?? '',
        partitions: topic.partitions.map((p) => ({ partition: p.partitionIndex, leader: p.leaderId })).sort((a, b) => a.partition - b.partition),
      };
      this.knownTopics.set(info.name, info);
      return info;
    });
  }

  async topic(name: string): Promise<TopicInfo> {
    const [topic] = await this.metadata([name]);
    return topic;
  }

  private async leaderFor(topic: string, partition: number): Promise<BrokerConnection> {
    const find = (known: TopicInfo | undefined) => known?.partitions.find((p) => p.partition === partition);
    const info = find(this.knownTopics.get(topic)) ?? find(await this.topic(topic)); // a miss may be a newer topic layout
    if (!info) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `no partition ${topic}-${partition}`);
    if (info.leader < 0) {
      this.knownTopics.delete(topic);
      throw new KafkaError('LEADER_NOT_AVAILABLE', `${topic}-${partition} has no leader`);
    }
    return this.connectionTo(info.leader);
  }

  /** Checks a partition-level error code; one that means the leader or topic moved also forgets the cached leaders. */
  private checkPartition(topic: string, code: number, what: string, message?: string | null): void {
    if (code === KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code || code === KafkaErrors.NOT_LEADER_OR_FOLLOWER.code || code === KafkaErrors.LEADER_NOT_AVAILABLE.code) {
      this.knownTopics.delete(topic);
    }
    throwIfError(code, what, message);
  }

  async createTopic(name: string, partitions: number, config: Record<string, string> = {}): Promise<void> {
    const response = await (await this.bootstrapConnection()).request(19, this.version(19), createTopicsRequestSchema, createTopicsResponseSchema, {
      topics: [{ name, numPartitions: partitions, replicationFactor: -1, assignments: [], configs: Object.entries(config).map(([n, value]) => ({ name: n, value })) }],
      timeoutMs: 30_000,
    });
    for (const result of response.topics) throwIfError(result.errorCode, `create topic ${result.name}`, result.errorMessage);
  }

  async deleteTopic(name: string): Promise<void> {
    const response = await (await this.bootstrapConnection()).request(20, this.version(20), deleteTopicsRequestSchema, deleteTopicsResponseSchema, { topicNames: [name], timeoutMs: 30_000 });
    this.knownTopics.delete(name);
    for (const result of response.responses) throwIfError(result.errorCode, `delete topic ${result.name}`);
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
   * Kafka refuses a partition twice in one request, so earliest and latest take one request each.
   */
  async listOffsets(topic: string, partitions: readonly number[], timestamp: number): Promise<ListOffsetsOutcome> {
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
          isolationLevel: 0,
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
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: maxBytes, currentLeaderEpoch: -1 }] }],
      forgottenTopicsData: [],
      rackId: '',
    }, { timeoutMs: this.requestTimeoutMs + maxWaitMs });
    throwIfError(response.errorCode ?? 0, `fetch from ${topic}-${partition}`);
    const result = response.responses[0].partitions[0];
    this.checkPartition(topic, result.errorCode, `fetch from ${topic}-${partition} at offset ${offset}`);
    return { records: result.records ?? Buffer.alloc(0), highWatermark: result.highWatermark, logStartOffset: result.logStartOffset ?? -1 };
  }

  close(): void {
    this.closed = true;
    for (const connecting of [this.bootstrap, ...this.connections.values()]) connecting.then((c) => c.close(), () => undefined);
  }
}
