// Transaction markers: the control batches (attributes bits 4 and 5) a coordinator writes to end a transaction.
import {
  ATTRIBUTES_POS, BASE_SEQUENCE_POS, CRC_POS, PRODUCER_EPOCH_POS, PRODUCER_ID_POS, computeBatchCrc, readBatchHeader,
} from './record-batch';
import { buildRecordBatch, decodeRecords } from './records';

export const TRANSACTIONAL_FLAG = 0x10;
export const CONTROL_FLAG = 0x20;

/** Kafka's ControlRecordType: the key's second int16. */
export const enum ControlType {
  Abort = 0,
  Commit = 1,
}

export interface TxnMarker {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
}

export function isTransactionalBatch(attributes: number): boolean {
  return (attributes & TRANSACTIONAL_FLAG) !== 0;
}

/** One control batch holding one end-transaction marker (key: version 0, type; value: version 0, coordinator epoch). */
export function buildControlBatch(marker: TxnMarker, now = Date.now()): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(marker.commit ? ControlType.Commit : ControlType.Abort, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(marker.coordinatorEpoch, 2);
  const batch = buildRecordBatch([{ key, value, timestamp: now }], 0, now);
  batch.writeInt16BE(TRANSACTIONAL_FLAG | CONTROL_FLAG, ATTRIBUTES_POS);
  batch.writeBigInt64BE(BigInt(marker.producerId), PRODUCER_ID_POS);
  batch.writeInt16BE(marker.producerEpoch, PRODUCER_EPOCH_POS);
  batch.writeInt32BE(-1, BASE_SEQUENCE_POS);
  batch.writeUInt32BE(computeBatchCrc(batch, 0, batch.length), CRC_POS);
  return batch;
}

/** The marker carried by the control batch at `pos`; undefined when its record is not an end-transaction marker. */
export function readControlMarker(buffer: Buffer, pos: number): TxnMarker | undefined {
  const header = readBatchHeader(buffer, pos);
  const [record] = decodeRecords(buffer, pos);
  if (!record?.key || record.key.length < 4) return undefined;
  const type = record.key.readInt16BE(2);
  if (type !== ControlType.Abort && type !== ControlType.Commit) return undefined;
  const coordinatorEpoch = record.value && record.value.length >= 6 ? record.value.readInt32BE(2) : 0;
  return { producerId: header.producerId, producerEpoch: header.producerEpoch, commit: type === ControlType.Commit, coordinatorEpoch };
}
