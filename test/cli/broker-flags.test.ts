import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaClient } from '../../src/client/kafka-client';
import { buildRecordBatch } from '../../src/protocol/records';
import { spawnBroker } from '../helpers/broker-process';
import { useTempDir } from '../helpers/temp-dir';

const HOUR_MS = 3600 * 1000;

describe('sluice broker: Kafka-named flags for retention and transactions', function () {
  this.timeout(60_000);
  const tmp = useTempDir();

  it('--log-retention-check-interval-ms runs retention that often; --transaction-max-timeout-ms bounds transaction.timeout.ms', async () => {
    const broker = await spawnBroker([
      '--data-dir', path.join(tmp(), 'data'), '--port', '0',
      '--log-retention-check-interval-ms', '200',
      '--transaction-max-timeout-ms', '1000',
    ]);
    const client = await KafkaClient.connect(`127.0.0.1:${broker.port}`);
    try {
      await client.createTopic('short-lived', 1, { 'retention.ms': String(HOUR_MS), 'segment.bytes': '200' });
      const old = Date.now() - 2 * HOUR_MS;
      for (let i = 0; i < 6; i++) {
        await client.produce('short-lived', 0, buildRecordBatch([{ value: Buffer.alloc(120, 'x'), timestamp: old }], 0, old));
      }
      // Whether a pass already ran while the six batches went in depends on the machine's load; what the flag
      // changes is that one comes within seconds, not after Kafka's default 5 minutes.
      const deadline = Date.now() + 5000;
      let start = 0;
      while (start === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        start = (await client.offsetFor('short-lived', 0, -2)).offset;
      }
      assert.ok(start > 0, 'the two-hour-old closed segments were deleted by a retention pass within 5 s');

      const kafka = new Kafka({ brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50 } });
      const tooLong = kafka.producer({ transactionalId: 'too-long', transactionTimeout: 60_000, maxInFlightRequests: 1, idempotent: true });
      await tooLong.connect();
      await assert.rejects(() => tooLong.transaction(), (error: Error & { type?: string }) => error.type === 'INVALID_TRANSACTION_TIMEOUT' || /transaction timeout/i.test(error.message));
      await tooLong.disconnect();
      const withinLimit = kafka.producer({ transactionalId: 'within', transactionTimeout: 1000, maxInFlightRequests: 1, idempotent: true });
      await withinLimit.connect();
      const transaction = await withinLimit.transaction();
      await transaction.send({ topic: 'short-lived', messages: [{ value: 'in a transaction' }] });
      await transaction.commit();
      await withinLimit.disconnect();
    } finally {
      client.close();
      broker.child.kill('SIGTERM');
      await broker.exited;
    }
  });
});
