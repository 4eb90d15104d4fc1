import { isControlBatch, readBatchHeader } from '../../protocol/record-batch';
import type { LogConfig } from '../log-config';
import type { LogSegment } from '../segment';
import { RawRecord, deleteHorizonOf, readRawRecords, rebuildBatch } from './batch-rewrite';
import type { ProducerScan } from './producer-scan';
import { CleanedSegmentWriter, commitSwap, installSwap, removeGroupMembers, writeGroup } from './segment-swap';

/** Where a cleaning can be observed (and, in the crash test, killed): after each durable step of one segment. */
export type CleanerPhase = 'map-built' | 'cleaned-written' | 'swap-committed' | 'swap-installed' | 'members-removed' | 'segment-removed';

/** What the cleaner needs from a partition log (PartitionLog implements it). */
export interface CleanableLog {
  readonly dir: string;
  readonly currentConfig: Readonly<LogConfig>;
  readonly isOpen: boolean;
  /** Every segment, oldest first; the last is the active one, never cleaned. */
  allSegments(): readonly LogSegment[];
  /**
   * Closes the consecutive segments `olds`, runs `install` (which puts the cleaned
   * file in the first one's place, all or nothing), opens that again with rebuilt
   * indexes, drops the rest from the log and runs `removeRest` to delete their files.
   */
  replaceSegments(olds: readonly LogSegment[], install: () => void, removeRest: () => void): void;
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
  /** `segments`: how many old segments the cleaned one replaces. */
  onPhase?: (phase: CleanerPhase, segmentBaseOffset: number, segments: number) => void;
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
 * One batch as cleaning leaves it: the same Buffer when untouched, a rebuilt
 * one, or undefined when it goes. Control batches stay; records stay when they
 * are their key's latest (and, for tombstones, before their delete horizon);
 * a producer's last batch stays even when emptied.
 */
function cleanBatch(batch: Buffer, lastOffset: number, map: OffsetMap, scan: ProducerScan, now: number, deleteRetentionMs: number): Buffer | undefined {
  const header = readBatchHeader(batch);
  if (isControlBatch(header.attributes)) return batch;
  const records = readRawRecords(batch);
  const horizon = deleteHorizonOf(header);
  const kept = scan.abortedBatches.has(header.baseOffset) ? [] : records.filter((r) => retained(r, map, horizon, now));
  const needsHorizon = horizon === undefined && kept.some((r) => r.isTombstone);
  if (kept.length === records.length && !needsHorizon) return batch;
  const producersLast = header.producerId >= 0 && scan.lastDataBatchOfProducer.get(header.producerId) === lastOffset;
  if (kept.length === 0 && !producersLast) return undefined;
  return rebuildBatch(batch, kept, { deleteHorizon: horizon ?? (needsHorizon ? now + deleteRetentionMs : undefined) });
}

/**
 * Kafka's groupSegmentsBySize: runs of consecutive segments whose sizes, index
 * entries and offset span fit in one segment, each cleaned into one file.
 */
function groupSegments(segments: readonly LogSegment[], config: Readonly<LogConfig>): LogSegment[][] {
  const maxOffsetEntries = Math.floor(config.segmentIndexBytes / 8);
  const maxTimeEntries = Math.floor(config.segmentIndexBytes / 12);
  const groups: LogSegment[][] = [];
  let group: LogSegment[] = [];
  let bytes = 0;
  let offsetEntries = 0;
  let timeEntries = 0;
  for (const segment of segments) {
    const fits =
      group.length > 0 &&
      bytes + segment.size <= config.segmentBytes &&
      offsetEntries + segment.offsetIndex.entries <= maxOffsetEntries &&
      timeEntries + segment.timeIndex.entries <= maxTimeEntries &&
      segment.nextOffset - 1 - group[0].baseOffset <= 0x7fffffff;
    if (!fits && group.length > 0) {
      groups.push(group);
      group = [];
      bytes = offsetEntries = timeEntries = 0;
    }
    group.push(segment);
    bytes += segment.size;
    offsetEntries += segment.offsetIndex.entries;
    timeEntries += segment.timeIndex.entries;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * One cleaning of `log` (Kafka's Cleaner.doClean): maps each key of the dirty
 * section to its latest offset, then rewrites every segment from the log start
 * to the end of the mapped section keeping only each key's latest record,
 * tombstones until their delete horizon, control batches, and each producer's
 * last batch. Offsets never change. Each group of small neighbours is
 * replaced by one segment through segment-swap's crash-safe steps; the event
 * loop runs on between groups and every few MB read.
 */
export async function cleanLog(log: CleanableLog, plan: CleaningPlan, scan: ProducerScan, options: CleaningOptions): Promise<CleaningResult> {
  const config = log.currentConfig;
  const map = await buildOffsetMap(log.allSegments(), plan, scan, options.maxMapKeys);
  if (!log.isOpen) return { endOffset: -1, segmentsRewritten: 0, recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0 };
  const result: CleaningResult = { endOffset: map.endOffset, segmentsRewritten: 0, recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0 };
  const targets = log.allSegments().filter((s, i, all) => i < all.length - 1 && s.baseOffset < map.endOffset);
  options.onPhase?.('map-built', targets[0]?.baseOffset ?? -1, targets.length);
  const stillHeld = (group: readonly LogSegment[]) => log.isOpen && group.every((s) => log.allSegments().includes(s));
  for (const group of groupSegments(targets, config)) {
    await yieldToEventLoop();
    if (!stillHeld(group)) return { ...result, endOffset: -1 };
    const first = group[0];
    const writer = new CleanedSegmentWriter(log.dir, first.baseOffset);
    // Folding small neighbours into one is a change in itself.
    let changed = group.length > 1;
    try {
      for (const segment of group) {
        result.bytesBefore += segment.size;
        for await (const { batch, lastOffset } of batchesOf(segment)) {
          const kept = cleanBatch(batch, lastOffset, map, scan, options.now, config.deleteRetentionMs);
          if (kept !== batch) {
            changed = true;
            result.recordsRemoved += readBatchHeader(batch).recordsCount - (kept ? readBatchHeader(kept).recordsCount : 0);
          }
          if (kept) writer.append(kept);
        }
      }
      if (!changed) {
        writer.abandon();
        result.bytesAfter += first.size;
        continue;
      }
      writer.finish();
    } catch (error) {
      writer.abandon();
      throw error;
    }
    // The event loop ran while the segments were read: they must still be this log's before they are replaced.
    if (!stillHeld(group)) {
      writer.abandon();
      return { ...result, endOffset: -1 };
    }
    if (writer.size === 0 && log.allSegments()[0] !== first) {
      // Nothing left: the segments go (one unlink each), never the first of the log (it holds the log start).
      writer.abandon();
      for (const segment of group) log.removeSegment(segment);
      options.onPhase?.('segment-removed', first.baseOffset, group.length);
      result.segmentsRewritten += group.length;
      continue;
    }
    if (group.length > 1) writeGroup(log.dir, first.baseOffset, writer.summary(), group.slice(1).map((s) => s.baseOffset));
    options.onPhase?.('cleaned-written', first.baseOffset, group.length);
    commitSwap(log.dir, first.baseOffset);
    options.onPhase?.('swap-committed', first.baseOffset, group.length);
    log.replaceSegments(
      group,
      () => {
        installSwap(log.dir, first.baseOffset);
        options.onPhase?.('swap-installed', first.baseOffset, group.length);
      },
      () => {
        removeGroupMembers(log.dir, first.baseOffset);
        if (group.length > 1) options.onPhase?.('members-removed', first.baseOffset, group.length);
      },
    );
    result.segmentsRewritten += group.length;
    result.bytesAfter += writer.size;
  }
  return result;
}

