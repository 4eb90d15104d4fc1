// The console's broker side over sluice's own client: the figures `sluice topics describe` and `sluice groups
// describe` print, asked the same way (ListOffsets earliest/latest, DescribeGroups, OffsetFetch).
import { ClientOptions, KafkaClient } from '../client/kafka-client';
import { ConsumerGroupAdmin, ListedGroup } from '../client/consumer-group-admin';
import { recordsFrom } from '../client/fetched-records';
import { offsetRows, partitionKey, PartitionMap } from '../cli/groups/group-views';
import { KafkaError } from '../protocol/error-codes';
import type { BrowsedMessage, ClusterBrowser, GroupView, TopicOverview } from './console-ports';

/** The most records one page of the message browser shows. */
export const MAX_BROWSED = 200;

export class KafkaBrowser implements ClusterBrowser {
  constructor(readonly bootstrap: string, private readonly options: ClientOptions = { clientId: 'sluice-console' }) {}

  /** A connection per page: the console holds nothing open between requests, so a restarted broker is simply found again. */
  private async withClient<T>(work: (client: KafkaClient) => Promise<T>): Promise<T> {
    const client = await KafkaClient.connect(this.bootstrap, this.options);
    try {
      return await work(client);
    } finally {
      client.close();
    }
  }

  /** Partition sizes, when the cluster answers DescribeLogDirs (one broker's dirs: sluice's; a cluster's bootstrap broker's). */
  private static async sizes(client: KafkaClient): Promise<Map<string, number>> {
    return client.logDirSizes().catch(() => new Map<string, number>());
  }

  private static async overview(client: KafkaClient, name: string, sizes: Map<string, number>): Promise<TopicOverview> {
    const topic = await client.topic(name);
    const numbers = topic.partitions.map((p) => p.partition);
    const [earliest, latest] = await Promise.all([client.listOffsets(name, numbers, -2), client.listOffsets(name, numbers, -1)]);
    const failure = [...earliest.failures.values(), ...latest.failures.values()][0];
    if (failure) throw failure.error;
    return {
      name: topic.name,
      partitions: [...topic.partitions].sort((a, b) => a.partition - b.partition).map((p) => ({
        partition: p.partition, leader: p.leader,
        logStartOffset: earliest.offsets.get(p.partition)!.offset, highWatermark: latest.offsets.get(p.partition)!.offset,
        bytes: sizes.get(`${name}/${p.partition}`) ?? null,
      })),
    };
  }

  topics(): Promise<TopicOverview[]> {
    return this.withClient(async (client) => {
      const names = (await client.metadata(null)).map((t) => t.name).sort((a, b) => a.localeCompare(b));
      const topics: TopicOverview[] = [];
      const sizes = await KafkaBrowser.sizes(client);
      for (const name of names) topics.push(await KafkaBrowser.overview(client, name, sizes));
      return topics;
    });
  }

  topic(name: string): Promise<TopicOverview> {
    return this.withClient(async (client) => KafkaBrowser.overview(client, name, await KafkaBrowser.sizes(client)));
  }

  messages(topic: string, partition: number, fromOffset: number, limit: number): Promise<BrowsedMessage[]> {
    const wanted = Math.max(1, Math.min(limit, MAX_BROWSED));
    return this.withClient(async (client) => {
      const found: BrowsedMessage[] = [];
      let offset = fromOffset;
      for (let round = 0; round < 20 && found.length < wanted; round++) {
        const fetched = await client.fetch(topic, partition, offset, { maxWaitMs: 0, maxBytes: 1024 * 1024 });
        const batches = recordsFrom(fetched.records, offset);
        for (const r of batches.records) {
          if (found.length < wanted) found.push({ partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers });
        }
        if (batches.nextOffset <= offset || batches.nextOffset >= fetched.highWatermark) break;
        offset = batches.nextOffset;
      }
      return found;
    });
  }

  groups(): Promise<ListedGroup[]> {
    return this.withClient(async (client) => (await new ConsumerGroupAdmin(client).listGroups()).sort((a, b) => a.groupId.localeCompare(b.groupId)));
  }

  group(groupId: string): Promise<GroupView> {
    return this.withClient(async (client) => {
      const admin = new ConsumerGroupAdmin(client);
      const description = await admin.describeGroup(groupId);
      const committed = await admin.committedOffsets(groupId);
      const involved = [
        ...description.members.flatMap((m) => m.assignment.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })))),
        ...committed,
      ];
      const byTopic = new Map<string, Set<number>>();
      for (const p of involved) byTopic.set(p.topic, (byTopic.get(p.topic) ?? new Set()).add(p.partition));
      const logEnds: PartitionMap<number> = new Map();
      for (const [topic, partitions] of byTopic) {
        try {
          const outcome = await client.listOffsets(topic, [...partitions], -1);
          for (const [partition, listed] of outcome.offsets) logEnds.set(partitionKey(topic, partition), listed.offset);
        } catch (error) {
          // A topic deleted since the group committed to it has no log end (as `sluice groups describe` shows it).
          if (!(error instanceof KafkaError && error.errorName === 'UNKNOWN_TOPIC_OR_PARTITION')) throw error;
        }
      }
      return { description, offsets: offsetRows(description, committed, logEnds) };
    });
  }
}
