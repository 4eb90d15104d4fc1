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
