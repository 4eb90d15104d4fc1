import {
  ATTRIBUTES_POS, BASE_SEQUENCE_POS, LAST_OFFSET_DELTA_POS, MAX_TIMESTAMP_POS, PRODUCER_EPOCH_POS, PRODUCER_ID_POS, isControlBatch,
} from '../protocol/record-batch';
import { TxnMarker, isTransactionalBatch, readControlMarker } from '../protocol/control-batch';

const INT32_MAX = 0x7fffffff;

/** One batch of an append, as the producer-state rules see it, with the offsets the log gives it. */
export interface ProducerBatch {
  producerId: number;
  producerEpoch: number;
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  transactional: boolean;
  /** Set for a control batch; `marker` is undefined when its record is not an end-transaction marker. */
  control?: { marker: TxnMarker | undefined };
}

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap from Int32 max to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > INT32_MAX - increment ? increment - (INT32_MAX - sequence) - 1 : sequence + increment;
}

/** The producer fields of the batch at `pos`, which the log gives offsets [firstOffset, firstOffset + lastOffsetDelta]. */
export function producerBatchAt(data: Buffer, pos: number, firstOffset: number): ProducerBatch {
  const attributes = data.readInt16BE(pos + ATTRIBUTES_POS);
  const lastOffsetDelta = data.readInt32BE(pos + LAST_OFFSET_DELTA_POS);
  const firstSeq = data.readInt32BE(pos + BASE_SEQUENCE_POS);
  return {
    producerId: Number(data.readBigInt64BE(pos + PRODUCER_ID_POS)),
    producerEpoch: data.readInt16BE(pos + PRODUCER_EPOCH_POS),
    firstSeq,
    lastSeq: firstSeq < 0 ? firstSeq : incrementSequence(firstSeq, lastOffsetDelta),
    firstOffset,
    lastOffset: firstOffset + lastOffsetDelta,
    maxTimestamp: Number(data.readBigInt64BE(pos + MAX_TIMESTAMP_POS)),
    transactional: isTransactionalBatch(attributes),
    control: isControlBatch(attributes) ? { marker: markerOrUndefined(data, pos) } : undefined,
  };
}

/** A control batch whose record cannot be read is no end-transaction marker (a client's is refused anyway; an old log's is skipped). */
function markerOrUndefined(data: Buffer, pos: number): TxnMarker | undefined {
  try {
    return readControlMarker(data, pos);
  } catch {
    return undefined;
  }
}
