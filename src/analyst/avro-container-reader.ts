// Reads Avro object container files (the format sluice's Avro writer produces) record by record:
// header, then blocks of records compressed with the file's codec, each followed by the sync marker.
import * as avro from 'avsc';
import { createAvroType, AvroType } from '../formats/avro-schema';
import type { AvroSchema } from '../formats/record-file-writer';
import { AvroContainerError, decompressor, StoredBlock, storedBlocks, SYNC_BYTES } from './avro-blocks';

export { AvroContainerError, StoredBlock };

type Resolver = ReturnType<AvroType['createResolver']>;

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);
const HEADER_TYPE = avro.Type.forSchema({ type: 'map', values: 'bytes' });

export interface AvroContainer {
  codec: string;
  writerSchema: AvroSchema;
  /** Every record, decoded with the writer's schema resolved to the reader's. */
  records(): Generator<Record<string, unknown>>;
  /** Whether the writer's schema is the reader's (no resolution needed). */
  sameSchema: boolean;
  /** The blocks as stored (still compressed), each checked against the sync marker. */
  blocks(): Generator<StoredBlock>;
  /** A stored block's records' bytes. */
  decompress(block: Buffer): Buffer;
  /** Where the blocks start (after the header), and the sync marker after each: what a decoding thread needs besides the file. */
  dataStart: number;
  sync: Buffer;
}

/**
 * Opens a container file held in memory. Records are decoded with the schema in the file's header and
 * resolved to `readerSchema` (Avro schema resolution), so files written before a compatible schema change
 * still read as the current schema.
 */
export function openAvroContainer(file: string, bytes: Buffer, readerSchema: AvroSchema): AvroContainer {
  if (!bytes.subarray(0, 4).equals(MAGIC)) throw new AvroContainerError(file, 'not an Avro object container file (bad magic)');
  let header: { value: Record<string, Buffer>; offset: number };
  try {
    header = HEADER_TYPE.decode(bytes, 4) as { value: Record<string, Buffer>; offset: number };
  } catch (error) {
    throw new AvroContainerError(file, `unreadable header: ${(error as Error).message}`);
  }
  if (header.offset < 0 || header.offset + SYNC_BYTES > bytes.length) throw new AvroContainerError(file, 'the header is truncated');
  const codec = header.value['avro.codec']?.toString('utf8') ?? 'null';
  const schemaText = header.value['avro.schema']?.toString('utf8');
  if (schemaText === undefined) throw new AvroContainerError(file, 'the header has no avro.schema');
  let writerSchema: AvroSchema;
  try {
    writerSchema = JSON.parse(schemaText) as AvroSchema;
  } catch (error) {
    throw new AvroContainerError(file, `the header's avro.schema is not JSON: ${(error as Error).message}`);
  }
  const writerType = createAvroType(writerSchema, `${file} (writer schema)`);
  const readerType = createAvroType(readerSchema, `${file} (reader schema)`);
  let resolver: Resolver | undefined;
  if (!readerType.equals(writerType)) {
    try {
      resolver = readerType.createResolver(writerType);
    } catch (error) {
      throw new AvroContainerError(file, `its schema cannot be read as the job's output schema: ${(error as Error).message}`);
    }
  }
  const sync = bytes.subarray(header.offset, header.offset + SYNC_BYTES);
  const decompress = decompressor(codec, file);
  return {
    codec,
    writerSchema,
    // avsc decodes with the reader's type, handing it the resolver built from the writer's.
    records: () => readRecords(file, storedBlocks(file, bytes, header.offset + SYNC_BYTES, sync), decompress, resolver ? readerType : writerType, resolver),
    sameSchema: resolver === undefined,
    blocks: () => storedBlocks(file, bytes, header.offset + SYNC_BYTES, sync),
    decompress,
    dataStart: header.offset + SYNC_BYTES,
    sync,
  };
}

function* readRecords(
  file: string, blocks: Generator<StoredBlock>, decompress: (block: Buffer) => Buffer, type: AvroType, resolver: Resolver | undefined,
): Generator<Record<string, unknown>> {
  for (const { index: blockIndex, count, stored } of blocks) {
    let data: Buffer;
    try {
      data = decompress(stored);
    } catch (error) {
      if (error instanceof AvroContainerError) throw error;
      throw new AvroContainerError(file, `block ${blockIndex} cannot be decompressed: ${(error as Error).message}`);
    }
    let offset = 0;
    for (let i = 0; i < count; i++) {
      let decoded: { value: unknown; offset: number };
      try {
        decoded = type.decode(data, offset, resolver);
      } catch (error) {
        throw new AvroContainerError(file, `block ${blockIndex}, record ${i}: ${(error as Error).message}`);
      }
      if (decoded.offset < 0) throw new AvroContainerError(file, `block ${blockIndex}, record ${i}: truncated`);
      offset = decoded.offset;
      yield decoded.value as Record<string, unknown>;
    }
    if (offset !== data.length) throw new AvroContainerError(file, `block ${blockIndex} has ${data.length - offset} bytes after its ${count} records`);
  }
}
