import {
  apiVersionsRequestSchema, apiVersionsResponseSchema, createTopicsRequestSchema, createTopicsResponseSchema,
  deleteTopicsRequestSchema, deleteTopicsResponseSchema, fetchRequestSchema, fetchResponseSchema,
  listOffsetsRequestSchema, listOffsetsResponseSchema, metadataRequestSchema, metadataResponseSchema,
  produceRequestSchema, produceResponseSchema,
} from '../protocol/generated';
import { KafkaError, KafkaErrors, errorNameForCode } from '../protocol/error-codes';
import { BrokerConnection } from './broker-connection';

/**
 * The versions this client can speak, per API key; the highest one the broker also speaks is used.
 * test/protocol/version-tables.test.ts checks them against the generated codec and sluice's broker.
 */
export const CLIENT_VERSIONS: Readonly<Record<number, readonly [number, number]>> = {
  0: [3, 8], // Produce
  1: [4, 11], // Fetch
  2: [1, 5], // ListOffsets
  3: [1, 8], // Metadata
  19: [0, 4], // CreateTopics
  20: [0, 3], // DeleteTopics
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

export function throwIfError(code: number, what: string, message?: string | null): void {
  if (code !== 0) throw new KafkaError(errorNameForCode(code) ?? 'UNKNOWN_SERVER_ERROR', `${what}${message ? `: ${message}` : ''} (error ${code})`);
}

/** Parses "host:port,host:port" into addresses; the port defaults to 9092. */
export function parseBootstrap(bootstrap: string): { host: string; port: number }[] {
  return bootstrap.split(',').map((entry) => {
    const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(entry.trim());
    if (!match) throw new Error(`bad bootstrap server ${JSON.stringify(entry)}: expected host:port`);
    return { host: match[1], port: match[2] ? Number(match[2]) : 9092 };
  });
}

/** A small Kafka client on sluice's codecs: enough for the CLI tools and the load jobs. */
export class KafkaClient {
  private readonly versions = new Map<number, number>();
  private readonly brokers = new Map<number, { host: string; port: number }>();
  private readonly connections = new Map<number, Promise<BrokerConnection>>();
  /** Leaders from the last Metadata answer; an entry goes when a request says the leader or topic moved. */
  private readonly knownTopics = new Map<string, TopicInfo>();

  private constructor(private readonly bootstrap: BrokerConnection, private readonly clientId: string) {}

  static async connect(bootstrap: string, clientId = 'sluice'): Promise<KafkaClient> {
    let lastError: Error | undefined;
    for (const { host, port } of parseBootstrap(bootstrap)) {
      try {
        const client = new KafkaClient(await BrokerConnection.connect(host, port, clientId), clientId);
        await client.negotiateVersions();
        await client.metadata([]);
        return client;
      } catch (error) {
        lastError = error as Error;
      }
    }
    throw lastError ?? new Error('no bootstrap servers given');
  }

  private async negotiateVersions(): Promise<void> {
    const response = await this.bootstrap.request(18, API_VERSIONS_VERSION, apiVersionsRequestSchema, apiVersionsResponseSchema, {});
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

  private connectionTo(nodeId: number): Promise<BrokerConnection> {
    const known = this.connections.get(nodeId);
    if (known) return known;
    const address = this.brokers.get(nodeId);
    if (!address) throw new KafkaError('LEADER_NOT_AVAILABLE', `no broker ${nodeId} in the metadata`);
    const connecting = BrokerConnection.connect(address.host, address.port, this.clientId);
    this.connections.set(nodeId, connecting);
    connecting.catch(() => this.connections.delete(nodeId));
    return connecting;
  }

  /** Topics and their leaders; `null` asks for every topic. */
  async metadata(topics: string[] | null, allowAutoTopicCreation = false): Promise<TopicInfo[]> {
    const response = await this.bootstrap.request(3, this.version(3), metadataRequestSchema, metadataResponseSchema, {
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
    const response = await this.bootstrap.request(19, this.version(19), createTopicsRequestSchema, createTopicsResponseSchema, {
      topics: [{ name, numPartitions: partitions, replicationFactor: -1, assignments: [], configs: Object.entries(config).map(([n, value]) => ({ name: n, value })) }],
      timeoutMs: 30_000,
    });
    for (const result of response.topics) throwIfError(result.errorCode, `create topic ${result.name}`, result.errorMessage);
  }

  async deleteTopic(name: string): Promise<void> {
    const response = await this.bootstrap.request(20, this.version(20), deleteTopicsRequestSchema, deleteTopicsResponseSchema, { topicNames: [name], timeoutMs: 30_000 });
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

  /** Appends record batches to one partition; resolves with the base offset (undefined with acks=0). */
  async produce(topic: string, partition: number, records: Buffer, acks: 0 | 1 | -1 = -1): Promise<number | undefined> {
    const connection = await this.leaderFor(topic, partition);
    const request = { transactionalId: null, acks, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] };
    if (acks === 0) {
      await connection.request(0, this.version(0), produceRequestSchema, produceResponseSchema, request, false);
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
    const response = await connection.request(1, this.version(1), fetchRequestSchema, fetchResponseSchema, {
      replicaId: -1,
      maxWaitMs: options.maxWaitMs ?? 500,
      minBytes: options.minBytes ?? 1,
      maxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: maxBytes, currentLeaderEpoch: -1 }] }],
      forgottenTopicsData: [],
      rackId: '',
    });
    throwIfError(response.errorCode ?? 0, `fetch from ${topic}-${partition}`);
    const result = response.responses[0].partitions[0];
    this.checkPartition(topic, result.errorCode, `fetch from ${topic}-${partition} at offset ${offset}`);
    return { records: result.records ?? Buffer.alloc(0), highWatermark: result.highWatermark, logStartOffset: result.logStartOffset ?? -1 };
  }

  close(): void {
    this.bootstrap.close();
    for (const connecting of this.connections.values()) connecting.then((c) => c.close(), () => undefined);
  }
}
