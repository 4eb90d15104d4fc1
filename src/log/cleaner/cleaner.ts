import { isControlBatch, readBatchHeader } from '../../protocol/record-batch';
import type { LogConfig } from '../log-config';
import type { LogSegment } from '../segment';
import { RawRecord, deleteHorizonOf, readRawRecords, rebuildBatch } from './batch-rewrite';
import { ProducerScan, scanProducers } from './producer-scan';
import { CleanedSegmentWriter, commitSwap, installSwap } from './segment-swap';

/** Where a cleaning can be observed (and, in the crash test, killed): after each durable step of one segment. */
export type CleanerPhase = 'map-built' | 'cleaned-written' | 'swap-committed' | 'swap-installed' | 'segment-removed';

/** What the cleaner needs from a partition log (PartitionLog implements it). */
export interface CleanableLog {
  readonly dir: string;
  readonly currentConfig: Readonly<LogConfig>;
  readonly isOpen: boolean;
  /** Every segment, oldest first; the last is the active one, never cleaned. */
  allSegments(): readonly LogSegment[];
  /**
   * Closes `old`, runs `install` (which puts the cleaned file in its place) and
   * opens the segment again, rebuilding its indexes.
   */
  replaceSegment(old: LogSegment, install: () => void): void;
  /** Deletes a closed segment that cleaning emptied (never the first: it holds the log start offset). */
  removeSegment(segment: LogSegment): void;
}

/** The clean and dirty sections of a log (Kafka's LogToClean), in bytes of whole segments. */
export interface CleaningPlan {
  firstDirtyOffset: number;
  /** Segments that end at or before this offset may be cleaned: not the active one, none within min.compaction.lag.ms. */
  firstUncleanableOffset: number;
  cleanBytes: number;
  dirtyBytes: number;
  /** dirty / (clean + dirty), compared with min.cleanable.dirty.ratio. */
  dirtyRatio: number;
  /** max.compaction.lag.ms has passed for the first dirty record: cleaned whatever the ratio. */
  overdue: boolean;
}

export interface CleaningResult {
  /** The new first dirty offset, to checkpoint. */
  endOffset: number;
  segmentsRewritten: number;
  recordsRemoved: number;
  bytesBefore: number;
  bytesAfter: number;
}

export interface CleaningOptions {
  now: number;
  /** Stop mapping new keys past this many (at a segment boundary), as Kafka's dedupe buffer fills. */
  maxMapKeys: number;
  onPhase?: (phase: CleanerPhase, segmentBaseOffset: number) => void;
}

function keyOf(key: Buffer): string {
  return key.toString('latin1');
}

/** Decides the sections. `checkpoint` is where the last cleaning ended; outside the log it is reset to the log start. */
export function planCleaning(log: CleanableLog, checkpoint: number | undefined, now: number, firstUnstableOffset?: number): CleaningPlan {
  const segments = log.allSegments();
  const active = segments[segments.length - 1];
  const logStart = segments[0].baseOffset;
  const firstDirtyOffset = checkpoint === undefined || checkpoint < logStart || checkpoint > active.nextOffset ? logStart : checkpoint;
  const config = log.currentConfig;
  let firstUncleanableOffset = Math.min(active.baseOffset, firstUnstableOffset ?? Infinity);
  if (config.minCompactionLagMs > 0) {
    const young = segments.find((s) => s !== active && s.baseOffset >= firstDirtyOffset && s.maxTimestamp > now - config.minCompactionLagMs);
    if (young) firstUncleanableOffset = Math.min(firstUncleanableOffset, young.baseOffset);
  }
  let cleanBytes = 0;
  let dirtyBytes = 0;
  let firstDirty: LogSegment | undefined;
  for (const s of segments) {
    if (s === active || s.nextOffset > firstUncleanableOffset) break;
    if (s.baseOffset < firstDirtyOffset) cleanBytes += s.size;
    else {
      dirtyBytes += s.size;
      firstDirty ??= s;
    }
  }
  const total = cleanBytes + dirtyBytes;
  const overdue = firstDirty !== undefined && firstDirty.firstBatchTimestamp >= 0 && now - firstDirty.firstBatchTimestamp > config.maxCompactionLagMs;
  return { firstDirtyOffset, firstUncleanableOffset, cleanBytes, dirtyBytes, dirtyRatio: total === 0 ? 0 : dirtyBytes / total, overdue };
}

/** Kafka's rule: the filthiest logs above min.cleanable.dirty.ratio, or any past max.compaction.lag.ms. */
export function worthCleaning(plan: CleaningPlan, config: Readonly<LogConfig>, force: boolean): boolean {
  if (plan.dirtyBytes === 0) return false;
  return force || plan.overdue || plan.dirtyRatio > config.minCleanableDirtyRatio;
}

interface OffsetMap {
  latest: Map<string, number>;
  /** The largest offset put in the map; records past it are kept (Kafka's map.latestOffset). */
  latestOffset: number;
  endOffset: number;
}

/** How much the cleaner reads between two turns of the event loop, so that produce and fetch go on meanwhile. */
const BYTES_BETWEEN_YIELDS = 4 * 1024 * 1024;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The batches of a closed segment, yielding to the event loop every few MB. A closed segment
 * never changes, but it may be deleted meanwhile (retention, DeleteRecords, topic deletion):
 * reading it then throws, and the cleaning of this log is given up until the next pass.
 */
async function* batchesOf(segment: LogSegment): AsyncGenerator<{ batch: Buffer; lastOffset: number }> {
  let sinceYield = 0;
  for (const loc of segment.batchesFrom(0)) {
    yield { batch: segment.readBytes(loc.position, loc.size), lastOffset: loc.lastOffset };
    sinceYield += loc.size;
    if (sinceYield >= BYTES_BETWEEN_YIELDS) {
      sinceYield = 0;
      await yieldToEventLoop();
    }
  }
}

async function buildOffsetMap(segments: readonly LogSegment[], plan: CleaningPlan, scan: ProducerScan, maxKeys: number): Promise<OffsetMap> {
  const map: OffsetMap = { latest: new Map(), latestOffset: -1, endOffset: plan.firstDirtyOffset };
  const dirty = segments.filter((s, i) => i < segments.length - 1 && s.baseOffset >= plan.firstDirtyOffset && s.nextOffset <= plan.firstUncleanableOffset);
  for (let i = 0; i < dirty.length; i++) {
    if (i > 0 && map.latest.size >= maxKeys) break;
    for await (const { batch } of batchesOf(dirty[i])) {
      const header = readBatchHeader(batch);
      if (isControlBatch(header.attributes) || scan.abortedBatches.has(header.baseOffset)) continue;
      for (const record of readRawRecords(batch)) {
        if (record.key) map.latest.set(keyOf(record.key), record.offset);
        map.latestOffset = Math.max(map.latestOffset, record.offset);
      }
    }
    const next = segments[segments.indexOf(dirty[i]) + 1];
    map.endOffset = next.baseOffset;
  }
  return map;
}

function retained(record: RawRecord, map: OffsetMap, horizon: number | undefined, now: number): boolean {
  if (record.offset > map.latestOffset) return true;
  // A keyless record cannot be compacted; Kafka's cleaner drops it as invalid.
  if (!record.key) return false;
  const latest = map.latest.get(keyOf(record.key));
  if (latest !== undefined && record.offset < latest) return false;
  return !record.isTombstone || horizon === undefined || now < horizon;
}

/**
 * One cleaning of `log` (Kafka's Cleaner.doClean): maps each key of the dirty
 * section to its latest offset, then rewrites every segment from the log start
 * to the end of the mapped section keeping only each key's latest record,
 * tombstones until their delete horizon, control batches, and each producer's
 * last batch. Offsets never change. Each segment is replaced through
 * segment-swap's crash-safe steps; between segments the event loop runs on.
 */
export async function cleanLog(log: CleanableLog, plan: CleaningPlan, scan: ProducerScan, options: CleaningOptions): Promise<CleaningResult> {
  const config = log.currentConfig;
  const map = await buildOffsetMap(log.allSegments(), plan, scan, options.maxMapKeys);
  if (!log.isOpen) return { endOffset: -1, segmentsRewritten: 0, recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0 };
  const result: CleaningResult = { endOffset: map.endOffset, segmentsRewritten: 0, recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0 };
  const targets = log.allSegments().filter((s, i, all) => i < all.length - 1 && s.baseOffset < map.endOffset);
  options.onPhase?.('map-built', targets[0]?.baseOffset ?? -1);
  for (const segment of targets) {
    await yieldToEventLoop();
    if (!log.isOpen || !log.allSegments().includes(segment)) return { ...result, endOffset: -1 };
    result.bytesBefore += segment.size;
    const writer = new CleanedSegmentWriter(log.dir, segment.baseOffset);
    let changed = false;
    try {
      for await (const { batch, lastOffset } of batchesOf(segment)) {
        const header = readBatchHeader(batch);
        if (isControlBatch(header.attributes)) {
          writer.append(batch);
          continue;
        }
        const records = readRawRecords(batch);
        const horizon = deleteHorizonOf(header);
        const kept = scan.abortedBatches.has(header.baseOffset) ? [] : records.filter((r) => retained(r, map, horizon, options.now));
        const needsHorizon = horizon === undefined && kept.some((r) => r.isTombstone);
        result.recordsRemoved += records.length - kept.length;
        if (kept.length === records.length && !needsHorizon) {
          writer.append(batch);
          continue;
        }
        changed = true;
        const producersLast = header.producerId >= 0 && scan.lastDataBatchOfProducer.get(header.producerId) === lastOffset;
        if (kept.length === 0 && !producersLast) continue;
        writer.append(rebuildBatch(batch, kept, { deleteHorizon: horizon ?? (needsHorizon ? options.now + config.deleteRetentionMs : undefined) }));
      }
      if (!changed) {
        writer.abandon();
        result.bytesAfter += segment.size;
        continue;
      }
      writer.finish();
    } catch (error) {
      writer.abandon();
      throw error;
    }
    if (writer.size === 0 && log.allSegments()[0] !== segment && log.allSegments().includes(segment)) {
      // Nothing left: the segment goes (one unlink), as Kafka's grouping would fold it into a neighbour.
      writer.abandon();
      log.removeSegment(segment);
      options.onPhase?.('segment-removed', segment.baseOffset);
      result.segmentsRewritten++;
      continue;
    }
    // The event loop ran while the segment was read: it must still be this log's before it is replaced.
    if (!log.isOpen || !log.allSegments().includes(segment)) {
      writer.abandon();
      return { ...result, endOffset: -1 };
    }
    options.onPhase?.('cleaned-written', segment.baseOffset);
    commitSwap(log.dir, segment.baseOffset);
    options.onPhase?.('swap-committed', segment.baseOffset);
    log.replaceSegment(segment, () => {
      installSwap(log.dir, segment.baseOffset);
      options.onPhase?.('swap-installed', segment.baseOffset);
    });
    result.segmentsRewritten++;
    result.bytesAfter += writer.size;
  }
  return result;
}

export { scanProducers };
