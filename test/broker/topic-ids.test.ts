import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BrokerConnection } from '../../src/client/broker-connection';
import {
  createTopicsRequestSchema, createTopicsResponseSchema, fetchRequestSchema, fetchResponseSchema, metadataRequestSchema, metadataResponseSchema,
  produceRequestSchema, produceResponseSchema,
} from '../../src/protocol/generated';
import { decodeRecords } from '../../src/protocol/records';
import { uuidText } from '../../src/protocol/uuid';
import { LogManager } from '../../src/log/log-manager';
import { makeBatch } from '../helpers/batches';
import { BrokerProcess, spawnBroker } from '../helpers/broker-process';
import { useTempDir } from '../helpers/temp-dir';

/** Every topic's id as Metadata v12 answers it. */
async function topicIds(port: number): Promise<Map<string, string>> {
  const connection = await BrokerConnection.connect('127.0.0.1', port, 'topic-ids');
  try {
    const response = await connection.request(3, 12, metadataRequestSchema, metadataResponseSchema, {
      topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false,
    });
    return new Map(response.topics.map((t) => [t.name ?? '', uuidText(t.topicId as Buffer)]));
  } finally {
    connection.close();
  }
}

async function killed(broker: BrokerProcess): Promise<void> {
  broker.child.kill('SIGKILL');
  assert.equal((await broker.exited).signal, 'SIGKILL');
}

describe('topic ids survive kill -9 (a real broker process)', function () {
  this.timeout(30_000);
  const tmp = useTempDir();
  const start = () => spawnBroker(['--data-dir', tmp(), '--port', '0', '--auto-create-topics', 'false']);

  it('the id CreateTopics v7 answers is the one Metadata and Fetch v13 use after a SIGKILL and restart', async () => {
    const first = await start();
    const connection = await BrokerConnection.connect('127.0.0.1', first.port, 'topic-ids');
    const created = await connection.request(19, 7, createTopicsRequestSchema, createTopicsResponseSchema, {
      topics: [{ name: 'kept', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false,
    });
    const id = created.topics[0].topicId as Buffer;
    assert.equal(created.topics[0].errorCode, 0);
    await connection.request(0, 9, produceRequestSchema, produceResponseSchema, {
      transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'kept', partitionData: [{ index: 0, records: makeBatch('before-kill', 3) }] }],
    });
    connection.close();
    await killed(first);

    const second = await start();
    try {
      assert.equal((await topicIds(second.port)).get('kept'), uuidText(id), 'the same id after the restart');
      const again = await BrokerConnection.connect('127.0.0.1', second.port, 'topic-ids');
      const fetched = await again.request(1, 13, fetchRequestSchema, fetchResponseSchema, {
        maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, rackId: '', forgottenTopicsData: [],
        topics: [{ topicId: id, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }],
      });
      again.close();
      const [partition] = fetched.responses[0].partitions;
      assert.equal(partition.errorCode, 0);
      assert.deepEqual(decodeRecords(partition.records as Buffer).map((r) => r.value?.toString()), ['before-kill:0', 'before-kill:1', 'before-kill:2']);
    } finally {
      await killed(second);
    }
  });

  it('a topic stored without an id gets one at the first start, and keeps it through a SIGKILL', async () => {
    const log = LogManager.open(tmp());
    log.createTopic('older', 2);
    log.close();
    const file = path.join(tmp(), '__topics', 'older.json');
    const { topicId: _dropped, ...stored } = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify(stored)); // as sluice wrote topics before ids

    const second = await start();
    const given = (await topicIds(second.port)).get('older');
    assert.match(given ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-/);
    await killed(second);
    const third = await start();
    try {
      assert.equal((await topicIds(third.port)).get('older'), given);
    } finally {
      await killed(third);
    }
  });
});
