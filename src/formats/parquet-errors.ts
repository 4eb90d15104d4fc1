// The Parquet writers' errors, in a module of their own: worker-errors.ts names every error class a worker may throw,
// and importing them from the writers would load DuckDB's native module into every load, Avro jobs included.

/** A value that does not fit its field's type. */
export class InvalidValueError extends Error {
  constructor(readonly fieldPath: string, readonly detail: string) {
    super(`field ${fieldPath}: ${detail}`);
    this.name = 'InvalidValueError';
  }
}

export class ParquetWriteError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`Parquet file ${path}: ${detail}`);
    this.name = 'ParquetWriteError';
  }
}

export class ParquetEngineError extends Error {
  constructor(detail: string) {
    super(`Parquet engine (DuckDB): ${detail}`);
    this.name = 'ParquetEngineError';
  }
}
