// Avro container writing (node dist/bench/avro-bench.js): 1,000,000 page-view records (the 8 fields
// of schemas/page_view.avsc) through createAvroFileWriter with each codec, timed from the first
// write() to the end of close() (which fsyncs). avsc's own Type.toBuffer loop and its BlockEncoder
// stream are measured on the same records as references. Each figure is the better of two runs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as avro from 'avsc';
import { createAvroFileWriter, DEFAULT_DEFLATE_LEVEL, DEFAULT_DEFLATE_SYNC_INTERVAL, DEFAULT_SYNC_INTERVAL } from '../src/formats/avro-file-writer';
import { loadAvroSchema } from '../src/formats/avro-schema';
import type { AvroCodec, AvroRecord } from '../src/formats/record-file-writer';
import { syntheticPageViews } from './synthetic-page-views';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const RUNS = 2;
const SCHEMA_FILE = path.resolve(__dirname, '../../schemas/page_view.avsc');

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function bestOf(runs: number, run: () => Promise<number>): Promise<{ seconds: number; bytes: number }> {
  let best = { seconds: Infinity, bytes: 0 };
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const bytes = await run();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (seconds < best.seconds) best = { seconds, bytes };
  }
  return best;
}

function report(what: string, { seconds, bytes }: { seconds: number; bytes: number }): void {
  const rate = `${fmt(RECORDS / seconds)} records/s`.padStart(18);
  console.log(`${what.padEnd(56)} ${rate}  ${(bytes / 2 ** 20).toFixed(1).padStart(7)} MiB  ${fmt(bytes / RECORDS)} B/record`);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-avro-bench-'));
  const { schema } = loadAvroSchema(SCHEMA_FILE);
  const records = syntheticPageViews(0, RECORDS);
  console.log(`${fmt(RECORDS)} page-view records, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}`);
  try {
    // One untimed pass, so that promoting the fresh records to the old generation and the JIT's
    // warm-up are not charged to whichever measurement comes first.
    const warmUp = createAvroFileWriter({ path: path.join(dir, 'warm-up.avro'), schema, codec: 'null' });
    for (const record of records) warmUp.write(record);
    await warmUp.close();
    const avscType = avro.Type.forSchema(schema as Parameters<typeof avro.Type.forSchema>[0]);
    report('avsc Type.toBuffer loop (no file)', await bestOf(RUNS, async () => {
      let bytes = 0;
      for (const record of records) bytes += avscType.toBuffer(record).length;
      return bytes;
    }));
    report('avsc BlockEncoder, codec null', await bestOf(RUNS, () => blockEncoder(avscType, records, path.join(dir, 'avsc.avro'))));

    const file = path.join(dir, 'sluice.avro');
    const blockSizes = [64 * 1024, 256 * 1024, 1024 * 1024];
    const variants: [AvroCodec, number[], number?][] = [
      ['null', blockSizes],
      ['deflate', blockSizes],
      ['deflate', [DEFAULT_DEFLATE_SYNC_INTERVAL], 6],
      ['snappy', blockSizes],
    ];
    for (const [codec, sizes, deflateLevel] of variants) {
      for (const syncInterval of sizes) {
        const level = codec === 'deflate' ? ` level ${deflateLevel ?? DEFAULT_DEFLATE_LEVEL}` : '';
        const label = `createAvroFileWriter, ${codec}${level}, ${syncInterval / 1024} KiB blocks`;
        report(label, await bestOf(RUNS, async () => {
          const writer = createAvroFileWriter({ path: file, schema, codec, syncInterval, deflateLevel });
          for (const record of records) writer.write(record);
          return (await writer.close()).bytes;
        }));
      }
    }
    console.log(`defaults: ${DEFAULT_SYNC_INTERVAL / 1024} KiB blocks (deflate: ${DEFAULT_DEFLATE_SYNC_INTERVAL / 1024} KiB), deflate level ${DEFAULT_DEFLATE_LEVEL}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function blockEncoder(type: avro.Type, records: AvroRecord[], file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const encoder = new avro.streams.BlockEncoder(type, { codec: 'null' });
    const out = fs.createWriteStream(file);
    encoder.pipe(out).on('error', reject);
    out.on('close', () => resolve(fs.statSync(file).size));
    for (const record of records) encoder.write(record);
    encoder.end();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
