import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { produceRequestSchema, produceResponseSchema } from '../../../src/protocol/generated';
import { KafkaErrors } from '../../../src/protocol/error-codes';
import { produceHandler } from '../../../src/broker/handlers/00-produce';
import { LogManager } from '../../../src/log/log-manager';
import { buildRecordBatch } from '../../../src/protocol/records';
import { answer, brokerStateOver } from '../../helpers/handler-harness';

const api = { request: produceRequestSchema, response: produceResponseSchema };

describe('Produce record_errors (v8+) name the refused records, as Kafka\'s LogValidator does', () => {
  let dir: string;
  let logs: LogManager;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-record-errors-'));
    logs = LogManager.open(dir);
    logs.createTopic('latest', 1, { 'cleanup.policy': 'compact' });
  });
  afterEach(() => {
    logs.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a keyless record on a compacted topic is named by its index in the batch; nothing of the batch is stored', async () => {
    const records = Array.from({ length: 20 }, (_, i) => ({ key: i % 10 === 3 ? null : Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) }));
    const response = await answer(produceHandler, api, 8, {
      transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'latest', partitionData: [{ index: 0, records: buildRecordBatch(records) }] }],
    }, brokerStateOver(logs));
    const partition = response.responses[0].partitionResponses[0];
    assert.equal(partition.errorCode, KafkaErrors.INVALID_RECORD.code);
    assert.deepEqual(partition.recordErrors?.map((e) => e.batchIndex), [3, 13], 'the records without a key, and only they');
    assert.match(partition.recordErrors?.[0].batchIndexErrorMessage ?? '', /Compacted topic cannot accept message without key in topic partition latest-0/);
    assert.equal(logs.partition('latest', 0).logEndOffset, 0);
  });
});
