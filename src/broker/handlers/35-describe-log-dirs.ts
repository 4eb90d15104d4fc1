import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeLogDirsRequestSchema, describeLogDirsResponseSchema } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { defineHandler } from './handler';
import { AclOperation, clusterAllowed } from './authorize';
import type { PartitionStore } from '../../ports/partition-store';

/** The volume's total and usable bytes, as Kafka reads them from the log directory's FileStore (v4+); -1 when unknown. */
function volumeOf(dir: string): { totalBytes: number; usableBytes: number } {
  try {
    const stats = fs.statfsSync(dir);
    return { totalBytes: stats.blocks * stats.bsize, usableBytes: stats.bavail * stats.bsize };
  } catch {
    return { totalBytes: -1, usableBytes: -1 };
  }
}

/** The partitions asked for that exist (null: every partition), grouped by topic in the store's order. */
function describedPartitions(store: PartitionStore, asked: { topic: string; partitions: number[] }[] | null): Map<string, number[]> {
  const wanted = new Map<string, number[]>();
  for (const topic of store.listTopics()) {
    const all = Array.from({ length: topic.partitions }, (_, i) => i);
    if (asked === null) wanted.set(topic.name, all);
    else {
      const requested = new Set(asked.filter((t) => t.topic === topic.name).flatMap((t) => t.partitions));
      const present = all.filter((p) => requested.has(p));
      if (present.length > 0) wanted.set(topic.name, present);
    }
  }
  return wanted;
}

/**
 * DescribeLogDirs, as Kafka's KafkaApis: DESCRIBE on the CLUSTER, else no results (and CLUSTER_AUTHORIZATION_FAILED
 * from v3). One log directory, the data directory, with each partition's segment bytes; the offset lag is 0 (one
 * replica: the high watermark is the log end) and no log is a future one (no AlterReplicaLogDirs).
 */
export const describeLogDirsHandler = defineHandler({
  apiKey: 35,
  name: 'DescribeLogDirs',
  minVersion: 0,
  maxVersion: 4,
  request: describeLogDirsRequestSchema,
  response: describeLogDirsResponseSchema,
  handle(request, context) {
    if (!clusterAllowed(context, AclOperation.DESCRIBE)) return { throttleTimeMs: 0, errorCode: KafkaErrors.CLUSTER_AUTHORIZATION_FAILED.code, results: [] };
    const store = context.broker.stores.partitions;
    const topics = [...describedPartitions(store, request.topics)].map(([name, partitions]) => ({
      name,
      partitions: partitions.flatMap((partitionIndex) => {
        try {
          const partition = store.partition(name, partitionIndex);
          return [{ partitionIndex, partitionSize: partition.sizeInBytes, offsetLag: Math.max(0, partition.logEndOffset - partition.highWatermark), isFutureKey: false }];
        } catch {
          return []; // a partition that failed to open has no log to describe (Kafka lists only the logs it has)
        }
      }),
    }));
    const dir = store.dataDir === undefined ? '' : path.resolve(store.dataDir);
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      results: [{ errorCode: 0, logDir: dir, topics, ...volumeOf(dir) }],
    };
  },
});
