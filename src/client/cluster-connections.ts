import { apiVersionsRequestSchema } from '../protocol/generated/api-versions-request';
import { apiVersionsResponseSchema } from '../protocol/generated/api-versions-response';
import { metadataRequestSchema } from '../protocol/generated/metadata-request';
import { metadataResponseSchema } from '../protocol/generated/metadata-response';
import { KafkaError, KafkaErrors, errorNameForCode } from '../protocol/error-codes';
import type { MessageSchema } from '../protocol/codec';
import { BrokerConnection, ConnectionClosedError } from './broker-connection';
import type { BrokerConnector } from './broker-connector';
import type { ClientSecurity } from './client-security';
import { connectToAny } from './bootstrap';
import { KafkaAuthorizationError } from './security-errors';

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
  29: [1, 3], // DescribeAcls (acl-admin.ts): v1+ carry the pattern type
  30: [1, 3], // CreateAcls
  31: [1, 3], // DeleteAcls
  35: [1, 4], // DescribeLogDirs (the console's partition sizes)
  42: [0, 2], // DeleteGroups
  47: [0, 0], // OffsetDelete
  17: [1, 1], // SaslHandshake (broker-connector.ts, on every connection): v0's unframed tokens are not spoken
  36: [0, 2], // SaslAuthenticate
};
export const API_VERSIONS_VERSION = 1;

export interface PartitionInfo {
  partition: number;
  leader: number;
}

export interface TopicInfo {
  name: string;
  /** Kafka's `is_internal` (Metadata v1+). */
  internal?: boolean;
  partitions: PartitionInfo[];
}

export interface ClientOptions {
  clientId?: string;
  /** How long a request may go without any byte of its answer (a Fetch adds its maxWaitMs). */
  requestTimeoutMs?: number;
  /** TLS and SASL (default: PLAINTEXT); every connection the client opens uses them. */
  security?: ClientSecurity;
}

/** Throws for a non-zero error code; an authorization failure names `principal` (who the broker saw) when given. */
export function throwIfError(code: number, what: string, message?: string | null, principal?: string): void {
  if (code === 0) return;
  const name = errorNameForCode(code) ?? 'UNKNOWN_SERVER_ERROR';
  const detail = `${what}${message ? `: ${message}` : ''} (error ${code})`;
  if (principal !== undefined && KafkaAuthorizationError.covers(name)) throw new KafkaAuthorizationError(name, detail, principal);
  throw new KafkaError(name, detail);
}

/**
 * What a client keeps of a cluster: the bootstrap connection and one per broker (a connection that failed or timed
 * out is replaced on its next use; after `close()` none is opened again), the API versions agreed with ApiVersions,
 * the brokers and partition leaders from the last Metadata answer.
 */
export class ClusterConnections {
  private readonly versions = new Map<number, number>();
  private readonly brokers = new Map<number, { host: string; port: number }>();
  private readonly connections = new Map<number, Promise<BrokerConnection>>();
  /** Leaders from the last Metadata answer; an entry goes when a request says the leader or topic moved. */
  protected readonly knownTopics = new Map<string, TopicInfo>();
  private bootstrap: Promise<BrokerConnection>;
  private closed = false;

  protected constructor(bootstrap: BrokerConnection, private readonly bootstrapServers: string, protected readonly connector: BrokerConnector) {
    this.bootstrap = Promise.resolve(bootstrap);
  }

  protected get requestTimeoutMs(): number {
    return this.connector.requestTimeoutMs;
  }

  /** Who the brokers see this client as: `User:<sasl.username>`, a certificate subject, or `User:ANONYMOUS`. */
  get principal(): string {
    return this.connector.principal;
  }

  /** `throwIfError` naming this client's principal in authorization failures. */
  protected check(code: number, what: string, message?: string | null): void {
    throwIfError(code, what, message, this.principal);
  }

  /** The bootstrap connection (Metadata, topic admin), reopened if it failed. */
  protected async bootstrapConnection(): Promise<BrokerConnection> {
    const current = this.bootstrap;
    const connection = await current.catch(() => undefined);
    if (connection?.isOpen) return connection;
    connection?.closeWhenIdle();
    if (this.closed) throw new ConnectionClosedError(this.bootstrapServers, 'the client was closed');
    if (this.bootstrap === current) this.bootstrap = connectToAny(this.bootstrapServers, this.connector);
    return this.bootstrap;
  }

  protected async negotiateVersions(): Promise<void> {
    const response = await (await this.bootstrapConnection()).request(18, API_VERSIONS_VERSION, apiVersionsRequestSchema, apiVersionsResponseSchema, {});
    throwIfError(response.errorCode, 'ApiVersions');
    for (const api of response.apiKeys) {
      const mine = CLIENT_VERSIONS[api.apiKey];
      if (mine && api.maxVersion >= mine[0] && api.minVersion <= mine[1]) this.versions.set(api.apiKey, Math.min(api.maxVersion, mine[1]));
    }
  }

  protected version(apiKey: number): number {
    const version = this.versions.get(apiKey);
    if (version === undefined) throw new KafkaError('UNSUPPORTED_VERSION', `the broker shares no version of API ${apiKey} with this client`);
    return version;
  }

  protected async connectionTo(nodeId: number): Promise<BrokerConnection> {
    for (let known = this.connections.get(nodeId); known; known = this.connections.get(nodeId)) {
      const connection = await known.catch(() => undefined);
      if (connection?.isOpen) return connection;
      connection?.closeWhenIdle();
      if (this.connections.get(nodeId) === known) this.connections.delete(nodeId);
    }
    const address = this.brokers.get(nodeId);
    if (!address) throw new KafkaError('LEADER_NOT_AVAILABLE', `no broker ${nodeId} in the metadata`);
    if (this.closed) throw new ConnectionClosedError(`${address.host}:${address.port}`, 'the client was closed');
    const connecting = this.connector.open(address.host, address.port);
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
      this.check(topic.errorCode, `metadata for topic ${topic.name}`);
      const info = {
        name: topic.name ?? '',
        internal: topic.isInternal ?? false,
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

  protected async leaderFor(topic: string, partition: number): Promise<BrokerConnection> {
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
  protected checkPartition(topic: string, code: number, what: string, message?: string | null): void {
    if (code === KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code || code === KafkaErrors.NOT_LEADER_OR_FOLLOWER.code || code === KafkaErrors.LEADER_NOT_AVAILABLE.code) {
      this.knownTopics.delete(topic);
    }
    this.check(code, what, message);
  }

  close(): void {
    this.closed = true;
    for (const connecting of [this.bootstrap, ...this.connections.values()]) connecting.then((c) => c.close(), () => undefined);
  }
}
