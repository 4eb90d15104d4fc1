import { strict as assert } from 'node:assert';
import { deleteTopicsRequestSchema, deleteTopicsResponseSchema } from '../../../src/protocol/generated';
import { KafkaErrors } from '../../../src/protocol/error-codes';
import { deleteTopicsHandler } from '../../../src/broker/handlers/20-delete-topics';
import type { BrokerState } from '../../../src/broker/broker-state';
import { makeBatch } from '../../helpers/batches';
import { answer, brokerStateOver, versionsOf } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';

const api = { request: deleteTopicsRequestSchema, response: deleteTopicsResponseSchema };

async function remove(broker: BrokerState, version: number, topicNames: string[]) {
  const response = await answer(deleteTopicsHandler, api, version, { topicNames, timeoutMs: 1000 }, broker);
  return response.responses.map((r) => [r.name, r.errorCode]);
}

describe('DeleteTopics handler (API 20)', () => {
  let store: MemoryPartitionStore;
  let broker: BrokerState;
  beforeEach(() => {
    store = new MemoryPartitionStore();
    broker = brokerStateOver(store);
  });

  it('deletes topics and their data at every version', async () => {
    for (const version of versionsOf(deleteTopicsHandler)) {
      store.createTopic('doomed', 2);
      store.partition('doomed', 1).append(makeBatch('gone', 3));
      assert.deepEqual(await remove(broker, version, ['doomed']), [['doomed', 0]], `v${version}`);
      assert.ok(!store.hasTopic('doomed'));
    }
    store.createTopic('doomed', 2);
    assert.equal(store.partition('doomed', 1).logEndOffset, 0, 'a topic created again starts empty');
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a missing topic and still deletes the others', async () => {
    store.createTopic('a', 1);
    store.createTopic('b', 1);
    store.createTopic('keep', 1);
    assert.deepEqual(await remove(broker, 3, ['a', 'missing', 'b', 'a']), [
      ['a', 0],
      ['missing', KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code],
      ['b', 0],
      ['a', KafkaErrors.UNKNOWN_TOPIC_OR_PARTITION.code],
    ]);
    assert.deepEqual(store.listTopics().map((t) => t.name), ['keep']);
  });

  it('answers an empty request with an empty list', async () => {
    assert.deepEqual(await remove(broker, 0, []), []);
  });
});
