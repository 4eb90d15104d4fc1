import * as fs from 'node:fs';
import type { Argv } from 'yargs';
import { LogManager } from '../../log/log-manager';
import { buildRecordBatch, decodeRecords } from '../../protocol/records';
import { LOG_OVERHEAD, BATCH_LENGTH_POS } from '../../protocol/record-batch';
import type { CommandIO } from '../io';

export interface DemoArgs {
  'data-dir': string;
  events: number;
}

export const command = 'demo';
export const describe = 'Write simulated page views into an embedded log, read them back and print what is stored';

export function builder(yargs: Argv): Argv<DemoArgs> {
  return yargs
    .option('data-dir', { type: 'string', default: 'sluice-demo-data', describe: 'where the log lives (replaced on each run)' })
    .option('events', { type: 'number', default: 100_000, describe: 'page views to write' });
}

const PAGES = ['/', '/search', '/product/1', '/product/2', '/cart', '/checkout'];

/** The storage engine end to end: topics, appends, reads, offsets. */
export function handler(args: DemoArgs, io: CommandIO): number {
  fs.rmSync(args['data-dir'], { recursive: true, force: true });
  const logs = LogManager.open(args['data-dir']);
  const partitions = 4;
  logs.createTopic('page_views', partitions);
  const start = Date.parse('2026-11-21T00:00:00Z');
  const perBatch = 500;
  for (let first = 0; first < args.events; first += perBatch) {
    const count = Math.min(perBatch, args.events - first);
    const records = Array.from({ length: count }, (_, i) => {
      const n = first + i;
      const user = `user-${n % 997}`;
      const event = { ts: start + n * 100, user, page: PAGES[n % PAGES.length] };
      return { key: Buffer.from(user), value: Buffer.from(JSON.stringify(event)), timestamp: event.ts };
    });
    logs.partition('page_views', (first / perBatch) % partitions).append(buildRecordBatch(records));
  }
  let total = 0;
  for (let p = 0; p < partitions; p++) {
    const log = logs.partition('page_views', p);
    let read = 0;
    for (let offset = log.logStartOffset; offset < log.logEndOffset; ) {
      const { records } = log.read(offset, 1 << 20);
      for (let pos = 0; pos < records.length; pos += LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH_POS)) {
        const decoded = decodeRecords(records, pos);
        read += decoded.length;
        offset = decoded[decoded.length - 1].offset + 1;
      }
    }
    total += read;
    const hourStart = log.offsetForTimestamp(start + 3600_000)?.offset;
    io.out(`page_views-${p}: offsets ${log.logStartOffset}..${log.logEndOffset - 1}, read back ${read} records, first offset at 01:00 UTC: ${hourStart}`);
  }
  logs.close();
  io.out(`wrote and read back ${total} of ${args.events} page views in ${args['data-dir']}/ (inspect with: sluice log dump ${args['data-dir']}/page_views-0)`);
  return total === args.events ? 0 : 1;
}
