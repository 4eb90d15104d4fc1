import { BATCH_HEADER_SIZE, isControlBatch, readBatchHeader } from '../../protocol/record-batch';
import type { LogSegment } from '../segment';
import { readRawRecords } from './batch-rewrite';

const TRANSACTIONAL_FLAG = 0x10;
/** Control record key: int16 version, int16 type; type 0 is ABORT, 1 COMMIT. */
const ABORT_MARKER = 0;

/** What the cleaner must know about idempotent and transactional producers, read from the batch headers. */
export interface ProducerScan {
  /** Per producer id, the last offset of its last data batch: that batch is kept (maybe empty) for its sequence. */
  lastDataBatchOfProducer: Map<number, number>;
  /** Base offsets of transactional data batches that an ABORT marker ended: their records are dropped. */
  abortedBatches: Set<number>;
  /** The first offset of a transaction with no marker yet; nothing from there on is cleaned. */
  firstUnstableOffset: number | undefined;
}

function markerType(segment: LogSegment, position: number, size: number): number | undefined {
  const [record] = readRawRecords(segment.readBytes(position, size));
  return record?.key && record.key.length >= 4 ? record.key.readInt16BE(2) : undefined;
}

/** Batch headers read between two turns of the event loop. */
const HEADERS_BETWEEN_YIELDS = 20_000;

/**
 * Walks every batch header of the log (active segment included), as Kafka's
 * producer state and transaction index would answer. Only control batches are read whole.
 */
export async function scanProducers(segments: readonly LogSegment[]): Promise<ProducerScan> {
  let sinceYield = 0;
  const scan: ProducerScan = { lastDataBatchOfProducer: new Map(), abortedBatches: new Set(), firstUnstableOffset: undefined };
  const open = new Map<number, number[]>();
  for (const segment of segments) {
    for (const loc of segment.batchesFrom(0)) {
      if (++sinceYield >= HEADERS_BETWEEN_YIELDS) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const header = readBatchHeader(segment.readBytes(loc.position, BATCH_HEADER_SIZE));
      if (header.producerId < 0) continue;
      if (isControlBatch(header.attributes)) {
        const pending = open.get(header.producerId) ?? [];
        if (markerType(segment, loc.position, loc.size) === ABORT_MARKER) for (const base of pending) scan.abortedBatches.add(base);
        open.delete(header.producerId);
        continue;
      }
      scan.lastDataBatchOfProducer.set(header.producerId, loc.lastOffset);
      if ((header.attributes & TRANSACTIONAL_FLAG) !== 0) {
        const pending = open.get(header.producerId) ?? [];
        pending.push(loc.baseOffset);
        open.set(header.producerId, pending);
      }
    }
  }
  for (const pending of open.values()) {
    if (pending.length > 0) scan.firstUnstableOffset = Math.min(scan.firstUnstableOffset ?? Infinity, pending[0]);
  }
  return scan;
}
