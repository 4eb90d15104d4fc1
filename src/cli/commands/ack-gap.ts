import * as os from 'node:os';
import type { Argv } from 'yargs';
import { JobArgs, loadJobFromArgs, withJobOption } from '../job-option';
import { openSink } from '../../connector-factory';
import { jobTable } from '../../table/table-state';
import { describeSelection, isManyTopicJob } from '../../job/job-topics';
import { jobsOfTopics, TopicArgs, TopicRequiredError, withTopicOption } from '../topic-option';
import { GapOffsetsError, RetentionGap, describeOffsets, parseOffsets, summaryGaps } from '../../table/gaps';
import type { GapAcknowledgement } from '../../table/records';
import type { CommandIO } from '../io';

interface AckGapArgs extends JobArgs, TopicArgs {
  partition: number;
  offsets: string;
  reason?: string;
  json: boolean;
}

export const command = 'ack-gap';
export const describe = 'Accept that offsets deleted by retention before they were loaded are gone: verify then passes, and their hours can be marked';

export function builder(yargs: Argv): Argv<AckGapArgs> {
  return withTopicOption(withJobOption(yargs), 'the topic of the gap, for a job of source.topics or source.topicPattern (required there)')
    .option('partition', { type: 'number', demandOption: true, describe: 'the partition of the gap' })
    .option('offsets', { type: 'string', demandOption: true, describe: 'the gap\'s first and last offsets, as verify names them: FIRST..LAST' })
    .option('reason', { type: 'string', describe: 'why the loss is accepted, kept with the acknowledgement' })
    .option('json', { type: 'boolean', default: false, describe: 'print one JSON document' }) as Argv<AckGapArgs>;
}

/** The partition has no gap at exactly the offsets named. */
export class NoSuchGapError extends Error {
  constructor(partition: number, offsets: string, gaps: RetentionGap[]) {
    const known = gaps.length === 0 ? 'it has no gaps' : `its gaps: ${gaps.map((g) => `${describeOffsets(g)}${g.acknowledgement ? ' (acknowledged)' : ''}`).join(', ')}`;
    super(`partition ${partition} has no gap at offsets ${offsets}; ${known}`);
    this.name = 'NoSuchGapError';
  }
}

/** Who acknowledges: the login name on this host (`$USER` when the account has no name, as in a container). */
function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** Exit status 0 when the gap is (or already was) acknowledged, 1 when there is no such gap, 2 for bad offsets. */
export async function handler(args: AckGapArgs, io: CommandIO): Promise<number> {
  const loaded = loadJobFromArgs(args);
  // A partition number means nothing without its topic: a many-topic job's gap is named by both.
  if (isManyTopicJob(loaded) && args.topic === undefined) throw new TopicRequiredError('ack-gap', loaded.name, describeSelection(loaded), 'a gap is in one topic\'s partition');
  const [job] = await jobsOfTopics(loaded, 'ack-gap', args.topic);
  let span;
  try {
    span = parseOffsets(args.offsets);
  } catch (error) {
    if (!(error instanceof GapOffsetsError)) throw error;
    io.err(`sluice ack-gap: ${error.message}`);
    return 2;
  }
  if (!Number.isInteger(args.partition) || args.partition < 0) {
    io.err(`sluice ack-gap: --partition ${args.partition}: expected a partition number`);
    return 2;
  }
  const table = jobTable(openSink(job.output.sink), job);
  const gaps = summaryGaps(await table.partitionSummary(args.partition), await table.gapAcknowledgements());
  const gap = gaps.find((g) => g.start === span.start && g.end === span.end);
  if (!gap) throw new NoSuchGapError(args.partition, args.offsets.trim(), gaps);
  const ack: GapAcknowledgement = {
    job: job.name, partition: gap.partition, start: gap.start, end: gap.end, offsets: describeOffsets(gap),
    acknowledgedBy: currentUser(), host: os.hostname(), acknowledgedAt: new Date().toISOString(), ...(args.reason ? { reason: args.reason } : {}),
  };
  const created = !gap.acknowledgement && (await table.writeGapAcknowledgement(ack));
  const recorded = created ? ack : gap.acknowledgement ?? (await table.gapAcknowledgements()).find((a) => a.partition === gap.partition && a.start === gap.start && a.end === gap.end) ?? ack;
  if (args.json) {
    io.out(JSON.stringify({ job: job.name, ...(isManyTopicJob(loaded) ? { topic: job.source.topic } : {}), partition: gap.partition, offsets: describeOffsets(gap), start: gap.start, end: gap.end, count: gap.count, lost: gap.lost, alreadyAcknowledged: !created, acknowledgement: recorded }));
    return 0;
  }
  const what = `${isManyTopicJob(loaded) ? `topic ${job.source.topic} ` : ''}partition ${gap.partition} offsets ${describeOffsets(gap)} (${gap.count} ${gap.count === 1 ? 'offset' : 'offsets'})`;
  if (!created) {
    io.out(`${what}: already acknowledged by ${recorded.acknowledgedBy} on ${recorded.host} at ${recorded.acknowledgedAt}${recorded.reason ? ` (${recorded.reason})` : ''}`);
    return 0;
  }
  io.out(`${what}: acknowledged as lost by ${ack.acknowledgedBy} on ${ack.host}; verify accepts the gap, and the next load marks the hours it held (_SUCCESS) once they are complete`);
  return 0;
}
