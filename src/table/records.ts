// What a table's state files hold: plans, manifests, checkpoints, schema generations.
import type { AvroSchemaObject } from '../formats/record-file-writer';

export interface PlannedRange {
  partition: number;
  start: number;
  end: number;
}

export interface RunPlan {
  runId: string;
  job: string;
  topic: string;
  kind: 'scheduled' | 'backfill';
  createdAt: string;
  ranges: PlannedRange[];
}

export interface CommittedFile {
  /** Relative to the table root, e.g. dt=2026-11-21/hr=05/page_views+0+100+200+0.avro */
  path: string;
  format: 'avro' | 'parquet' | 'dead-letter';
  hour: string | null;
  records: number;
  bytes: number;
}

/** What one run loaded from one partition: the unit verify tiles. */
export interface RangeCheckpoint extends PlannedRange {
  runId: string;
  committedAt: string;
  records: number;
  badRecords: number;
  /**
   * Offsets of the range that hold no record to load: transaction markers, and aborted transactions' records
   * under read_committed. Absent in checkpoints written before it existed (none were skipped then).
   */
  skippedOffsets?: number;
  files: CommittedFile[];
  /** Latest event time (epoch ms) among the range's good records not stamped after they were read; absent when it had none, or in older checkpoints. */
  maxEventTime?: number;
  /** The schema generation (`_sluice/schemas/`) the range's files were written with; absent in checkpoints written before the history existed. */
  schemaGeneration?: number;
  /** `lost`: offsets retention deleted before any run loaded them (no records, no files); absent for loaded ranges. */
  kind?: 'lost';
  /** In a `lost` checkpoint: how many offsets are gone (end - start) and what is known of them. */
  lost?: LostOffsets;
}

/** What a run knew of offsets it found deleted by retention (`src/table/gaps.ts` says how the bounds are chosen). */
export interface LostOffsets {
  count: number;
  /** When the run found the partition's log start past its committed offset. */
  seenAt: string;
  /** The event times the lost records may have had (epoch ms); `from` null when nothing was loaded before them with one. */
  eventTimeFrom: number | null;
  eventTimeTo: number;
}

/** `_sluice/gaps/<p>/<start>-<end>.json`: someone accepted that a partition's lost offsets are gone for good. */
export interface GapAcknowledgement {
  job: string;
  partition: number;
  /** The gap's offsets, end exclusive as in checkpoints (`offsets` says them as typed: first..last). */
  start: number;
  end: number;
  offsets: string;
  acknowledgedBy: string;
  host: string;
  acknowledgedAt: string;
  reason?: string;
}

export interface CommitManifest {
  runId: string;
  ranges: RangeCheckpoint[];
}

/** `_sluice/schemas/<generation>/schema.json`: one schema the table's files were (or are about to be) written with. */
export interface SchemaGenerationRecord {
  generation: number;
  /** The output schema: the reader schema with the job's metadata columns, as the data files carry it. */
  schema: AvroSchemaObject;
  /** Where the reader schema came from: the job's .avsc file (later, a registry subject's version). */
  source: string;
  runId: string;
  createdAt: string;
  /** Recorded for a table that already held data: those files are taken to have been written with it. */
  adopted?: boolean;
}

/** `_sluice/schemas/<generation>/starts/<p>-<offset>.json`: the first offset of a partition loaded with the generation. */
export interface SchemaStart {
  partition: number;
  offset: number;
  runId: string;
  recordedAt: string;
}
