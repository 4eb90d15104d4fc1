import { produceRequestSchema, produceResponseSchema, ProduceResponse } from '../../protocol/generated';
import { KafkaError, KafkaErrors } from '../../protocol/error-codes';
import { magicOf } from '../../protocol/message-set';
import { upConvertMessageSet } from '../../protocol/message-set-convert';
import { ATTRIBUTES_POS, BATCH_LENGTH_POS, Compression, compressionOf, CURRENT_MAGIC, LOG_OVERHEAD } from '../../protocol/record-batch';
import { InvalidBatchError } from '../../ports/store-errors';
import type { BrokerState } from '../broker-state';
import { errorOf } from './errors';
import { defineHandler } from './handler';
import { verifyTransactionalAppend } from './txn-verification';
import { AclOperation, allowed, allowedNames, ResourceType } from './authorize';

type PartitionResponse = ProduceResponse['responses'][number]['partitionResponses'][number];

type RecordErrors = PartitionResponse['recordErrors'];

/**
 * Produce v8+'s record_errors. Kafka names each refused record by its index in the batch (a client fails the
 * others with "a different record in the batch was invalid"); a fault of a whole batch names that batch.
 */
function recordErrorsOf(error: unknown, message: string): RecordErrors {
  if (!(error instanceof InvalidBatchError)) return [];
  if (error.refusedRecords) return error.refusedRecords.map((r) => ({ batchIndex: r.recordIndex, batchIndexErrorMessage: r.message }));
  return [{ batchIndex: error.batchIndex, batchIndexErrorMessage: message }];
}

function failed(index: number, code: number, message: string | null, recordErrors: RecordErrors = []): PartitionResponse {
  return {
    index,
    errorCode: code,
    baseOffset: -1,
    logAppendTimeMs: -1,
    logStartOffset: -1,
    recordErrors,
    errorMessage: message,
  };
}

const FIRST_VERSION_WITH_ONLY_V2 = 3;
const FIRST_VERSION_WITH_ZSTD = 7;

/**
 * What the log appends, in RecordBatch v2. As Kafka's ProduceRequest.validateRecords: v3+ must carry magic 2
 * and zstd needs v7+; v0-v2 may carry message formats v0/v1, which are up-converted (LogValidator), or v2.
 */
function recordsToAppend(records: Buffer, apiVersion: number): Buffer {
  const magic = magicOf(records);
  if (magic === CURRENT_MAGIC) {
    if (apiVersion < FIRST_VERSION_WITH_ZSTD && compressionOf(records.readInt16BE(ATTRIBUTES_POS)) === Compression.Zstd) {
      throw new KafkaError('UNSUPPORTED_COMPRESSION_TYPE', `Produce v${apiVersion} may not use zstd (v${FIRST_VERSION_WITH_ZSTD}+)`);
    }
    const firstBatchSize = records.length >= LOG_OVERHEAD ? LOG_OVERHEAD + records.readInt32BE(BATCH_LENGTH_POS) : records.length;
    if (apiVersion >= FIRST_VERSION_WITH_ONLY_V2 && records.length > firstBatchSize) {
      throw new KafkaError('INVALID_RECORD', `Produce requests with version ${apiVersion} are only allowed to contain exactly one record batch per partition`);
    }
    return records;
  }
  if (apiVersion >= FIRST_VERSION_WITH_ONLY_V2) {
    throw new KafkaError('INVALID_RECORD', `Produce v${apiVersion} may only carry record batches with magic 2, not magic ${magic}`);
  }
  return upConvertMessageSet(records);
}

function appendTo(broker: BrokerState, topic: string, index: number, records: Buffer | null, acks: number, apiVersion: number, transactionalId: string | null): PartitionResponse {
  if (!records || records.length === 0) return failed(index, KafkaErrors.CORRUPT_MESSAGE.code, 'no records');
  try {
    const partition = broker.stores.partitions.partition(topic, index);
    const batches = recordsToAppend(records, apiVersion);
    verifyTransactionalAppend(broker, transactionalId, topic, index, partition, batches);
    const result = partition.append(batches, { acks });
    broker.appends.appended(topic, index);
    broker.metrics?.produced(topic, batches.length, result.recordCount);
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
    return failed(index, code, message, recordErrorsOf(error, message));
  }
}

export const produceHandler = defineHandler({
  apiKey: 0,
  name: 'Produce',
  minVersion: 0,
  maxVersion: 11,
  request: produceRequestSchema,
  response: produceResponseSchema,
  handle(request, context) {
    const { broker, apiVersion } = context;
    const acksValid = request.acks === 0 || request.acks === 1 || request.acks === -1;
    const transactionalId = request.transactionalId ?? null;
    // As KafkaApis (3.x): a transactional producer needs WRITE on its transactional id (else every partition
    // fails), and every producer WRITE on each topic. IDEMPOTENT_WRITE is no longer asked for (KIP-679).
    const idRefused = transactionalId !== null && !allowed(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId);
    const writable = idRefused ? new Set<string>() : allowedNames(context, AclOperation.WRITE, ResourceType.TOPIC, request.topicData.map((t) => t.name));
    const answer = (topic: string, p: { index: number; records: Buffer | null }): PartitionResponse => {
      if (idRefused) return failed(p.index, KafkaErrors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code, null);
      if (!writable.has(topic)) return failed(p.index, KafkaErrors.TOPIC_AUTHORIZATION_FAILED.code, null);
      if (!acksValid) return failed(p.index, KafkaErrors.INVALID_REQUIRED_ACKS.code, `acks must be 0, 1 or -1, not ${request.acks}`);
      return appendTo(broker, topic, p.index, p.records, request.acks, apiVersion, transactionalId);
    };
    const responses = request.topicData.map((topic) => ({ name: topic.name, partitionResponses: topic.partitionData.map((p) => answer(topic.name, p)) }));
    // With one broker, acks=-1 (all in-sync replicas) is met as soon as the leader has the data,
    // unless min.insync.replicas asks for more replicas than there are (NOT_ENOUGH_REPLICAS, from the store).
    return request.acks === 0 ? null : { responses, throttleTimeMs: 0 };
  },
});
