import { produceRequestSchema, produceResponseSchema, ProduceResponse } from '../../protocol/generated';
import { KafkaErrors } from '../../protocol/error-codes';
import { InvalidBatchError } from '../../ports/store-errors';
import type { BrokerState } from '../broker-state';
import { errorOf } from './errors';
import { defineHandler } from './handler';

type PartitionResponse = ProduceResponse['responses'][number]['partitionResponses'][number];

function failed(index: number, code: number, message: string | null, batchIndex?: number): PartitionResponse {
  return {
    index,
    errorCode: code,
    baseOffset: -1,
    logAppendTimeMs: -1,
    logStartOffset: -1,
    recordErrors: batchIndex === undefined ? [] : [{ batchIndex, batchIndexErrorMessage: message }],
    errorMessage: message,
  };
}

function appendTo(broker: BrokerState, topic: string, index: number, records: Buffer | null, acks: number): PartitionResponse {
  if (!records || records.length === 0) return failed(index, KafkaErrors.CORRUPT_MESSAGE.code, 'no records');
  try {
    const result = broker.stores.partitions.partition(topic, index).append(records, { acks });
    broker.appends.appended(topic, index);
    return {
      index,
      errorCode: 0,
      baseOffset: result.baseOffset,
      logAppendTimeMs: result.logAppendTimeMs, // -1 for CreateTime topics
      logStartOffset: result.logStartOffset,
      recordErrors: [],
      errorMessage: null,
    };
  } catch (error) {
    const { code, message } = errorOf(error);
    return failed(index, code, message, error instanceof InvalidBatchError ? error.batchIndex : undefined);
  }
}

export const produceHandler = defineHandler({
  apiKey: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 8,
  request: produceRequestSchema,
  response: produceResponseSchema,
  handle(request, { broker }) {
    const acksValid = request.acks === 0 || request.acks === 1 || request.acks === -1;
    const responses = request.topicData.map((topic) => ({
      name: topic.name,
      partitionResponses: topic.partitionData.map((p) =>
        acksValid
          ? appendTo(broker, topic.name, p.index, p.records, request.acks)
          : failed(p.index, KafkaErrors.INVALID_REQUIRED_ACKS.code, `acks must be 0, 1 or -1, not ${request.acks}`),
      ),
    }));
    // With one broker, acks=-1 (all in-sync replicas) is met as soon as the leader has the data,
    // unless min.insync.replicas asks for more replicas than there are (NOT_ENOUGH_REPLICAS, from the store).
    return request.acks === 0 ? null : { responses, throttleTimeMs: 0 };
  },
});
