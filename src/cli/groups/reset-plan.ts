import { partitionKey, PartitionMap } from './group-views';

/** How `sluice groups reset-offsets` picks each partition's new offset (kafka-consumer-groups.sh's --to-* options). */
export type ResetSpec =
  | { kind: 'to-earliest' }
  | { kind: 'to-latest' }
  | { kind: 'to-current' }
  | { kind: 'to-datetime'; timestamp: number }
  | { kind: 'to-offset'; offset: number }
  | { kind: 'shift-by'; delta: number };

export interface PartitionRef {
  topic: string;
  partition: number;
}

export interface PlannedOffset extends PartitionRef {
  newOffset: number;
}

/** What the plan is computed from: each partition's log start and end, the group's commits and, for --to-datetime, ListOffsets by time. */
export interface PartitionOffsets {
  earliest: PartitionMap<number>;
  latest: PartitionMap<number>;
  committed: PartitionMap<number>;
  /** The first offset at or after the timestamp; -1 (none) or absent means the partition has no later record. */
  atTimestamp?: PartitionMap<number>;
}

export class ResetPlanError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ResetPlanError';
  }
}

/** `topic` or `topic:0,1,2`, as Kafka's --topic takes it. */
export function parseTopicArgument(text: string): { topic: string; partitions: number[] | null } {
  const colon = text.lastIndexOf(':');
  if (colon < 0) {
    if (text === '') throw new ResetPlanError('--topic: empty topic name');
    return { topic: text, partitions: null };
  }
  const topic = text.slice(0, colon);
  const list = text.slice(colon + 1);
  if (topic === '' || !/^\d+(,\d+)*$/.test(list)) throw new ResetPlanError(`--topic ${JSON.stringify(text)}: expected TOPIC or TOPIC:P[,P...] with partition numbers`);
  return { topic, partitions: [...new Set(list.split(',').map(Number))].sort((a, b) => a - b) };
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})?$/;

/** Kafka's --to-datetime format, YYYY-MM-DDTHH:mm:SS.sss with an optional zone (Z, +01:00); without a zone, local time, as Kafka reads it. */
export function parseDateTime(text: string): number {
  if (!DATE_TIME.test(text)) throw new ResetPlanError(`--to-datetime ${JSON.stringify(text)}: expected YYYY-MM-DDTHH:mm:SS.sss, optionally with a zone such as Z or +01:00`);
  const zone = /([+-])(\d{2}):?(\d{2})$/.exec(text);
  const normalised = zone && !text.endsWith('Z') ? `${text.slice(0, zone.index)}${zone[1]}${zone[2]}:${zone[3]}` : text;
  const ms = Date.parse(normalised);
  if (Number.isNaN(ms)) throw new ResetPlanError(`--to-datetime ${JSON.stringify(text)}: not a real date and time`);
  return ms;
}

/**
 * Each partition's new offset, as Kafka's tool computes it: --to-offset and --shift-by are kept within
 * [log start, log end]; --to-datetime with no record at or after the time goes to the log end; --to-current on a
 * partition the group never committed goes to the log end; --shift-by needs a committed offset.
 */
export function planReset(spec: ResetSpec, partitions: readonly PartitionRef[], offsets: PartitionOffsets): PlannedOffset[] {
  return partitions.map(({ topic, partition }) => {
    const key = partitionKey(topic, partition);
    const earliest = offsets.earliest.get(key);
    const latest = offsets.latest.get(key);
    if (earliest === undefined || latest === undefined) throw new ResetPlanError(`no offsets known for ${topic}-${partition}`);
    const clamp = (offset: number) => Math.min(latest, Math.max(earliest, offset));
    const committed = offsets.committed.get(key);
    let newOffset: number;
    switch (spec.kind) {
      case 'to-earliest':
        newOffset = earliest;
        break;
      case 'to-latest':
        newOffset = latest;
        break;
      case 'to-current':
        newOffset = committed ?? latest;
        break;
      case 'to-datetime': {
        const found = offsets.atTimestamp?.get(key);
        newOffset = found === undefined || found < 0 ? latest : found;
        break;
      }
      case 'to-offset':
        newOffset = clamp(spec.offset);
        break;
      case 'shift-by':
        if (committed === undefined) throw new ResetPlanError(`--shift-by: group has no committed offset for ${topic}-${partition} to shift`);
        newOffset = clamp(committed + spec.delta);
        break;
    }
    return { topic, partition, newOffset };
  });
}
