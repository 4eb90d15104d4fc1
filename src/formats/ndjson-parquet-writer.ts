// A Parquet file written by DuckDB from NDJSON-staged rows: no JS value per column, one COPY at close().
import * as fs from 'node:fs';
import { parquetColumnsOf, TimeUnit } from './avro-to-parquet';
import type { ScannedJsonRow } from './flat-json-row';
import { NdjsonStaging, stagesAsNdjson } from './ndjson-staging';
import { createParquetFileWriter, messageOf, ndjsonStagingPath, parquetCopyOptions, ParquetFileWriterOptions, ParquetWriteError, quoteLiteral, sharedEngine, syncToDisk } from './parquet-file-writer';
import type { AvroRecord, RecordFileWriter, WrittenFile } from './record-file-writer';

/** With `stageAsNdjson`, for a schema of flat columns, a writer staging NDJSON; otherwise the appender's. */
export function createNdjsonOrAppenderWriter(options: ParquetFileWriterOptions): RecordFileWriter {
  if (options.stageAsNdjson && stagesAsNdjson(parquetColumnsOf(options.schema))) return new NdjsonParquetFileWriter(options);
  return createParquetFileWriter(options);
}

export class NdjsonParquetFileWriter implements RecordFileWriter {
  private readonly path: string;
  private readonly staging: NdjsonStaging;
  private readonly copyOptions: string;
  private readonly timestampUnit: TimeUnit;
  private state: 'open' | 'closing' | 'closed' | 'aborted' = 'open';
  private closing: Promise<WrittenFile> | undefined;
  private records = 0;

  constructor(options: ParquetFileWriterOptions) {
    this.path = options.path;
    this.copyOptions = parquetCopyOptions(options);
    this.timestampUnit = options.timestampUnit ?? 'micros';
    this.staging = new NdjsonStaging(ndjsonStagingPath(), parquetColumnsOf(options.schema));
  }

  write(record: AvroRecord): void {
    this.checkOpen('write()');
    this.staging.addRecord(record);
    this.records++;
  }

  writeScanned(row: ScannedJsonRow): void {
    this.checkOpen('write()');
    this.staging.addRow(row);
    this.records++;
  }

  /** One NDJSON line, its newline included (native-json-batch.ts makes it as addRow would). */
  writeEncoded(bytes: Buffer, start: number, end: number): void {
    this.checkOpen('write()');
    this.staging.addLine(bytes, start, end);
    this.records++;
  }

  close(): Promise<WrittenFile> {
    if (this.state !== 'open') return Promise.reject(new ParquetWriteError(this.path, `close() after the writer was ${this.state}`));
    this.state = 'closing';
    this.closing = this.finish();
    return this.closing;
  }

  async abort(): Promise<void> {
    this.state = 'aborted';
    await this.closing?.catch(() => undefined);
    this.staging.remove();
    await fs.promises.rm(this.path, { force: true });
  }

  private checkOpen(what: string): void {
    if (this.state !== 'open') throw new ParquetWriteError(this.path, `${what} after the writer was ${this.state === 'closing' ? 'closed' : this.state}`);
  }

  private async finish(): Promise<WrittenFile> {
    try {
      this.staging.finish();
      const connection = await (await sharedEngine()).connect();
      try {
        await connection.run(`COPY (${this.staging.selectSql(this.timestampUnit)}) TO ${quoteLiteral(this.path)} ${this.copyOptions}`);
      } finally {
        connection.closeSync();
      }
    } catch (e) {
      throw new ParquetWriteError(this.path, `writing the file failed: ${messageOf(e)}`);
    } finally {
      this.staging.remove();
    }
    let bytes: number;
    try {
      await syncToDisk(this.path);
      bytes = (await fs.promises.stat(this.path)).size;
    } catch (e) {
      throw new ParquetWriteError(this.path, `making the file durable failed: ${messageOf(e)}`);
    }
    if (this.state === 'closing') this.state = 'closed';
    return { path: this.path, records: this.records, bytes };
  }
}
