import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BrokerProcess, spawnBroker } from '../helpers/broker-process';
import { run } from '../helpers/processes';
import { scrape } from '../helpers/prometheus-scrape';
import { documentedMetricNames, servedNames } from '../helpers/documented-metrics';

const COMMIT_OFFSET = `
import sys
from confluent_kafka import Consumer, TopicPartition
consumer = Consumer({'bootstrap.servers': sys.argv[1], 'group.id': sys.argv[2], 'enable.auto.commit': False})
consumer.commit(offsets=[TopicPartition(sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))], asynchronous=False)
consumer.close()
`;

describe('broker metrics for Prometheus (sluice broker --metrics-port)', function () {
  this.timeout(60_000);
  let dataDir: string;
  let broker: BrokerProcess;
  let url: string;
  let bootstrap: string;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-metrics-'));
    broker = await spawnBroker(['--data-dir', dataDir, '--port', '0', '--num-partitions', '3', '--metrics-port', '0']);
    bootstrap = `127.0.0.1:${broker.port}`;
    for (let i = 0; i < 50 && !/metrics for Prometheus at (\S+)/.test(broker.stderr()); i++) await new Promise((r) => setTimeout(r, 20));
    url = /metrics for Prometheus at (\S+)/.exec(broker.stderr())![1];
  });

  after(async () => {
    broker.child.kill('SIGTERM');
    await broker.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts what kcat produced and consumed, per topic, with the log offsets and a group\'s lag, in a page Prometheus\'s own parser reads', async () => {
    const perPartition = [7, 5, 3];
    for (const [partition, count] of perPartition.entries()) {
      const lines = Array.from({ length: count }, (_, i) => `p${partition}-record-${i}`).join('\n') + '\n';
      const produced = await run('kcat', ['-P', '-b', bootstrap, '-t', 'clicks', '-p', String(partition)], lines);
      assert.equal(produced.code, 0, produced.stderr);
    }
    const total = perPartition.reduce((a, b) => a + b, 0);
    const consumed = await run('kcat', ['-C', '-b', bootstrap, '-t', 'clicks', '-e', '-q']);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.equal(consumed.stdout.trimEnd().split('\n').length, total);
    const committed = await run('/usr/bin/python3', ['-c', COMMIT_OFFSET, bootstrap, 'dashboards', 'clicks', '0', '2']);
    assert.equal(committed.code, 0, committed.stderr);

    const page = await scrape(url);
    assert.match(page.contentType, /^text\/plain; version=0\.0\.4/);
    const topic = { topic: 'clicks' };
    assert.equal(page.types.kafka_server_brokertopicmetrics_messagesin, 'counter');
    assert.equal(page.value('kafka_server_brokertopicmetrics_messagesin_total', topic), total);
    assert.equal(page.value('kafka_server_brokertopicmetrics_messagesout_total', topic), total, 'each record fetched once by kcat');
    const bytesIn = page.value('kafka_server_brokertopicmetrics_bytesin_total', topic)!;
    assert.ok(bytesIn > total * 'p0-record-0'.length, `bytes in ${bytesIn}`);
    assert.equal(page.value('kafka_server_brokertopicmetrics_bytesout_total', topic), bytesIn, 'the same batches went out as came in');
    for (const [partition, count] of perPartition.entries()) {
      const labels = { topic: 'clicks', partition: String(partition) };
      assert.equal(page.value('kafka_log_log_logendoffset', labels), count);
      assert.equal(page.value('kafka_log_log_logstartoffset', labels), 0);
      assert.ok(page.value('kafka_log_log_size', labels)! > 0);
      assert.equal(page.value('kafka_log_log_numlogsegments', labels), 1);
    }
    assert.equal(page.value('kafka_server_replicamanager_partitioncount'), 3);
    assert.equal(page.value('kafka_consumergroup_group_offset', { group: 'dashboards', topic: 'clicks', partition: '0' }), 2);
    assert.equal(page.value('kafka_consumergroup_group_lag', { group: 'dashboards', topic: 'clicks', partition: '0' }), perPartition[0] - 2);
    assert.equal(page.value('kafka_consumergroup_group_sum_lag', { group: 'dashboards' }), perPartition[0] - 2);
    assert.ok(page.value('kafka_network_requestmetrics_requests_total', { request: 'Produce' })! >= perPartition.length);
    assert.ok(page.value('kafka_network_requestmetrics_requests_total', { request: 'Fetch' })! >= 1);
    assert.equal(page.types.kafka_network_requestmetrics_totaltime_seconds, 'histogram');
    assert.equal(
      page.value('kafka_network_requestmetrics_totaltime_seconds_count', { request: 'Metadata' }),
      page.value('kafka_network_requestmetrics_requests_total', { request: 'Metadata' }),
    );
    assert.ok(page.value('kafka_server_socket_server_metrics_connection_creation_total', { listener: 'PLAINTEXT' })! >= perPartition.length + 2);
    assert.ok(page.value('kafka_server_socket_server_metrics_connection_count', { listener: 'PLAINTEXT' })! >= 0);
    const loopDelay = page.value('nodejs_eventloop_lag_p99_seconds');
    assert.ok(loopDelay !== undefined && loopDelay >= 0, 'event-loop delay percentiles');
    const served = servedNames(page.samples);
    const brokerNames = [...documentedMetricNames()].filter((n) => !n.startsWith('sluice_load_') && n !== 'kafka_consumergroup_group_lag_seconds');
    assert.deepEqual(brokerNames.filter((n) => !served.has(n)), [], 'every broker metric the dashboard and alert rules in docs/ use is served');
  });

  it('answers only /metrics: another path is 404, another method 405', async () => {
    assert.equal((await fetch(url.replace('/metrics', '/'))).status, 404);
    assert.equal((await fetch(url, { method: 'POST' })).status, 405);
  });
});
