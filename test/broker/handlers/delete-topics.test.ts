import { strict as assert } from 'node:assert';
import { deleteTopicsRequestSchema, deleteTopicsResponseSchema } from '../../../src/protocol/generated';
import { KafkaErrors } from '../../../src/protocol/error-codes';
import { deleteTopicsHandler } from '../../../src/broker/handlers/20-delete-topics';
import type { BrokerState } from '../../../src/broker/broker-state';
import { makeBatch } from '../../helpers/batches';
import { answer, brokerStateOver, versionsOf } from '../../helpers/handler-harness';
import { MemoryPartitionStore } from '../../helpers/memory-partition-store';

import { uuidBytes, uuidText, ZERO_UUID } from '../../../src/protocol/uuid';

const api = { request: deleteTopicsRequestSchema, response: deleteTopicsResponseSchema };

async function remove(broker: BrokerState, version: number, topicNames: string[]) {
  const request = version >= 6 ? { topics: topicNames.map((name) => ({ name, topicId: ZERO_UUID })), timeoutMs: 1000 } : { topicNames, timeoutMs: 1000 };
  const response = await answer(deleteTopicsHandler, api, version, request, broker);
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

  it('v6 deletes by id too: answers name and id; an unknown id is UNKNOWN_TOPIC_ID, both or neither INVALID_REQUEST', async () => {
    const id = store.createTopic('by-id', 1).topicId;
    const unknown = Buffer.alloc(16, 3);
    const response = await answer(deleteTopicsHandler, api, 6, {
      topics: [{ name: null, topicId: uuidBytes(id) }, { name: null, topicId: unknown }, { name: 'x', topicId: unknown }, { name: null, topicId: ZERO_UUID }],
      timeoutMs: 1000,
    }, broker);
    assert.deepEqual(response.responses.map((r) => [r.name, uuidText(r.topicId as Buffer), r.errorCode]), [
      ['by-id', id, 0],
      [null, uuidText(unknown), KafkaErrors.UNKNOWN_TOPIC_ID.code],
      ['x', uuidText(unknown), KafkaErrors.INVALID_REQUEST.code],
      [null, uuidText(ZERO_UUID), KafkaErrors.INVALID_REQUEST.code],
    ]);
    assert.ok(!store.hasTopic('by-id'));
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
