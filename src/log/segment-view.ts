import type { OffsetIndex } from './offset-index';
import type { TimeIndex } from './time-index';

export interface BatchLocation {
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

export interface TimestampAndOffset {
  timestamp: number;
  offset: number;
}

/** What the checks of `segment-checks.ts` read of a `LogSegment`. */
export interface SegmentView {
  readonly baseOffset: number;
  readonly size: number;
  readonly nextOffset: number;
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  locate(position: number): BatchLocation | undefined;
  findBatch(offset: number): BatchLocation | undefined;
  readBytes(position: number, length: number): Buffer;
}
