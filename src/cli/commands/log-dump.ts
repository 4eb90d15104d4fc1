import type { Argv } from 'yargs';
import { inspectPartitionDir, InspectedBatch, InspectedSegment } from '../../log/segment-inspector';
import { isControlBatch } from '../../protocol/record-batch';
import { isTransactionalBatch } from '../../protocol/control-batch';
import type { CommandIO } from '../io';

export interface LogDumpArgs {
  'partition-dir': string;
  json: boolean;
}

export const command = 'dump <partition-dir>';
export const describe = 'Print the segments and batches of a partition directory (read-only): offsets, timestamps, counts, producer, transactional and control bits, CRC status';

export function builder(yargs: Argv): Argv<LogDumpArgs> {
  return yargs
    .positional('partition-dir', { type: 'string', demandOption: true, describe: 'a <topic>-<partition> directory' })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON object per segment' });
}

function formatSegment(segment: InspectedSegment): string[] {
  const last = segment.batches[segment.batches.length - 1];
  const offsets = last ? `${segment.baseOffset}..${last.lastOffset}` : 'empty';
  const lines = [
    `segment ${segment.file}  bytes ${segment.sizeBytes}  offsets ${offsets}  batches ${segment.batches.length}` +
      `  index entries ${segment.indexEntries}  timeindex entries ${segment.timeIndexEntries}`,
  ];
  for (const b of segment.batches) {
    lines.push(
      `  baseOffset ${b.baseOffset} lastOffset ${b.lastOffset} count ${b.recordsCount} position ${b.position} size ${b.size}` +
        ` baseTimestamp ${b.baseTimestamp} maxTimestamp ${b.maxTimestamp} compression ${b.compression}` +
        producerFields(b) +
        ` crc ${b.crc.toString(16).padStart(8, '0')} ${b.status === 'ok' ? 'valid' : `INVALID: ${b.status}`}`,
    );
  }
  if (segment.trailingBytes > 0) lines.push(`  ${segment.trailingBytes} trailing bytes do not form a whole batch (torn write)`);
  return lines;
}

/** As Kafka's DumpLogSegments: a producer's id, epoch and sequence, and the transactional and control bits. */
function producerFields(b: InspectedBatch): string {
  const producer = b.producerId >= 0 ? ` producerId ${b.producerId} producerEpoch ${b.producerEpoch} baseSequence ${b.baseSequence}` : '';
  const transactional = isTransactionalBatch(b.attributes) ? ' transactional' : '';
  return producer + transactional + (isControlBatch(b.attributes) ? ' control' : '');
}

/** Exit status 0 when every batch is valid, 1 when any is not. */
export function handler(args: LogDumpArgs, io: CommandIO): number {
  const segments = inspectPartitionDir(args['partition-dir']);
  for (const segment of segments) {
    if (args.json) io.out(JSON.stringify(segment));
    else io.out(formatSegment(segment).join('\n'));
  }
  const damaged = segments.some((s) => s.trailingBytes > 0 || s.batches.some((b) => b.status !== 'ok'));
  return damaged ? 1 : 0;
}
