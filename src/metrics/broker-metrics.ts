import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { TalliedCounter, TalliedHistogram } from './tallied-metrics';
import type { BrokerMetrics } from '../ports/broker-metrics';
import type { PartitionStore } from '../ports/partition-store';
import type { GroupStore } from '../ports/group-store';

/** Seconds: Kafka's request times sit between a tenth of a millisecond and a long-poll's maxWaitMs (500 ms by default). */
const REQUEST_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The broker's metrics for Prometheus. Names are those Prometheus's JMX exporter gives Kafka's MBeans with its
 * example rules (`kafka_server_brokertopicmetrics_bytesin_total`, `kafka_log_log_size`, ...), so dashboards made
 * for Kafka find them; consumer-group lag is named as kafka-lag-exporter names it; the process and event-loop
 * figures are prom-client's defaults (`nodejs_eventloop_lag_p99_seconds`, ...). Where Kafka has no meter (records
 * out) the name follows the same pattern.
 */
export class PrometheusBrokerMetrics implements BrokerMetrics {
  readonly registry = new Registry();
  private readonly bytesIn: TalliedCounter<'topic'>;
  private readonly messagesIn: TalliedCounter<'topic'>;
  private readonly bytesOut: TalliedCounter<'topic'>;
  private readonly messagesOut: TalliedCounter<'topic'>;
  private readonly requests: TalliedCounter<'request'>;
  private readonly requestTime: TalliedHistogram<'request'>;
  private readonly connections: Gauge<'listener'>;
  private readonly connectionsCreated: Counter<'listener'>;

  constructor(partitions: PartitionStore, groups: GroupStore) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.bytesIn = new TalliedCounter({ name: 'kafka_server_brokertopicmetrics_bytesin_total', help: 'Bytes of record batches produced, per topic (Kafka BytesInPerSec).', labelName: 'topic', registers });
    this.messagesIn = new TalliedCounter({ name: 'kafka_server_brokertopicmetrics_messagesin_total', help: 'Records appended by Produce, per topic (Kafka MessagesInPerSec).', labelName: 'topic', registers });
    this.bytesOut = new TalliedCounter({ name: 'kafka_server_brokertopicmetrics_bytesout_total', help: 'Bytes of record batches sent to consumers, per topic (Kafka BytesOutPerSec).', labelName: 'topic', registers });
    this.messagesOut = new TalliedCounter({ name: 'kafka_server_brokertopicmetrics_messagesout_total', help: 'Data records in record batches sent to consumers, per topic (control batches and down-converted batches not counted).', labelName: 'topic', registers });
    this.requests = new TalliedCounter({ name: 'kafka_network_requestmetrics_requests_total', help: 'Requests answered, per API (Kafka RequestsPerSec).', labelName: 'request', registers });
    this.requestTime = new TalliedHistogram({ name: 'kafka_network_requestmetrics_totaltime_seconds', help: 'Time from a request read to its answer ready, per API (Kafka TotalTimeMs; a Fetch long poll included).', labelName: 'request', buckets: REQUEST_BUCKETS, registers });
    this.connections = new Gauge({ name: 'kafka_server_socket_server_metrics_connection_count', help: 'Open client connections, per listener.', labelNames: ['listener'], registers });
    this.connectionsCreated = new Counter({ name: 'kafka_server_socket_server_metrics_connection_creation_total', help: 'Client connections accepted, per listener.', labelNames: ['listener'], registers });
    registerStoreGauges(this.registry, partitions, groups);
  }

  requestHandled(api: string, seconds: number): void {
    this.requests.add(api);
    this.requestTime.record(api, seconds);
  }

  produced(topic: string, bytes: number, records: number): void {
    this.bytesIn.add(topic, bytes);
    this.messagesIn.add(topic, records);
  }

  fetched(topic: string, bytes: number, records: number): void {
    this.bytesOut.add(topic, bytes);
    this.messagesOut.add(topic, records);
  }

  connectionOpened(listener: string): void {
    this.connections.inc({ listener });
    this.connectionsCreated.inc({ listener });
  }

  connectionClosed(listener: string): void {
    this.connections.dec({ listener });
  }
}

type PartitionLabels = 'topic' | 'partition';

/** What is read off the stores at each scrape: partitions, log sizes and offsets, group offsets and lag. */
function registerStoreGauges(registry: Registry, partitions: PartitionStore, groups: GroupStore): void {
  const registers = [registry];
  const partitionGauge = (name: string, help: string, read: (p: ReturnType<PartitionStore['partition']>) => number) =>
    new Gauge<PartitionLabels>({
      name, help, labelNames: ['topic', 'partition'], registers,
      collect() {
        this.reset();
        forEachPartition(partitions, (topic, partition, stored) => this.set({ topic, partition: String(partition) }, read(stored)));
      },
    });
  partitionGauge('kafka_log_log_size', 'Bytes held by the partition\'s log segments.', (p) => p.sizeInBytes);
  partitionGauge('kafka_log_log_numlogsegments', 'Log segments of the partition.', (p) => p.segmentCount);
  partitionGauge('kafka_log_log_logstartoffset', 'First offset the partition still holds.', (p) => p.logStartOffset);
  partitionGauge('kafka_log_log_logendoffset', 'Offset the next record appended to the partition gets.', (p) => p.logEndOffset);
  new Gauge({
    name: 'kafka_server_replicamanager_partitioncount', help: 'Partitions on this broker.', registers,
    collect() {
      this.set(partitions.listTopics().reduce((sum, t) => sum + t.partitions, 0));
    },
  });
  new Gauge({
    name: 'kafka_controller_kafkacontroller_globaltopiccount', help: 'Topics on this broker.', registers,
    collect() {
      this.set(partitions.listTopics().length);
    },
  });
  const groupGauge = (name: string, help: string, value: (committed: number, end: number) => number) =>
    new Gauge<'group' | PartitionLabels>({
      name, help, labelNames: ['group', 'topic', 'partition'], registers,
      collect() {
        this.reset();
        forEachGroupOffset(partitions, groups, (labels, committed, end) => this.set(labels, value(committed, end)));
      },
    });
  groupGauge('kafka_consumergroup_group_offset', 'The offset a consumer group committed, per partition (kafka-lag-exporter).', (committed) => committed);
  groupGauge('kafka_consumergroup_group_lag', 'Records between a group\'s committed offset and the high watermark (kafka-lag-exporter).', (committed, end) => Math.max(0, end - committed));
  new Gauge<'group'>({
    name: 'kafka_consumergroup_group_sum_lag', help: 'A consumer group\'s lag summed over its partitions (kafka-lag-exporter).', labelNames: ['group'], registers,
    collect() {
      this.reset();
      const sums = new Map<string, number>();
      forEachGroupOffset(partitions, groups, (labels, committed, end) => sums.set(labels.group, (sums.get(labels.group) ?? 0) + Math.max(0, end - committed)));
      for (const [group, lag] of sums) this.set({ group }, lag);
    },
  });
}

function forEachPartition(partitions: PartitionStore, visit: (topic: string, partition: number, stored: ReturnType<PartitionStore['partition']>) => void): void {
  for (const topic of partitions.listTopics()) {
    for (let partition = 0; partition < topic.partitions; partition++) {
      try {
        visit(topic.name, partition, partitions.partition(topic.name, partition));
      } catch {
        // A partition that failed to open (KAFKA_STORAGE_ERROR) has no figures to report.
      }
    }
  }
}

function forEachGroupOffset(partitions: PartitionStore, groups: GroupStore, visit: (labels: { group: string; topic: string; partition: string }, committed: number, end: number) => void): void {
  for (const group of groups.groupIds()) {
    for (const committed of groups.offsets(group)) {
      if (!partitions.hasTopic(committed.topic)) continue;
      let end: number;
      try {
        end = partitions.partition(committed.topic, committed.partition).highWatermark;
      } catch {
        continue;
      }
      visit({ group, topic: committed.topic, partition: String(committed.partition) }, committed.offset, end);
    }
  }
}
