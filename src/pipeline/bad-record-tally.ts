// Bad records counted by reason, with the first records of each as partition:offset samples: what a range reports
// (across worker threads, in its result), what a run's failure and summary say.

/** A bad record's place: an undecodable batch is one sample covering `offset..lastOffset`. */
export interface BadRecordSample {
  partition: number;
  offset: number;
  lastOffset?: number;
}

export interface BadReasonGroup {
  /** The error without what is particular to a record (BadRecordError.reason). */
  reason: string;
  records: number;
  /** The first records', at most MAX_SAMPLES, in reading order. */
  samples: BadRecordSample[];
}

const MAX_SAMPLES = 10;
/** Reasons past this many in one range are counted together, so that a reason that still carries values cannot grow a result without bound. */
const MAX_REASONS = 50;
export const OTHER_REASONS = '(other reasons)';

export class BadRecordTally {
  private readonly groups = new Map<string, BadReasonGroup>();

  add(reason: string, sample: BadRecordSample, records = 1): void {
    const key = this.groups.has(reason) || this.groups.size < MAX_REASONS ? reason : OTHER_REASONS;
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { reason: key, records: 0, samples: [] }));
    group.records += records;
    if (group.samples.length < MAX_SAMPLES) group.samples.push(sample);
  }

  list(): BadReasonGroup[] {
    return [...this.groups.values()];
  }
}

/** The groups of several ranges as one list, the most frequent reason first (ties: the one met first). */
export function mergeBadReasons(lists: readonly (readonly BadReasonGroup[])[]): BadReasonGroup[] {
  const merged = new Map<string, BadReasonGroup>();
  for (const list of lists) {
    for (const group of list) {
      const into = merged.get(group.reason);
      if (!into) merged.set(group.reason, { reason: group.reason, records: group.records, samples: group.samples.slice(0, MAX_SAMPLES) });
      else {
        into.records += group.records;
        into.samples.push(...group.samples.slice(0, MAX_SAMPLES - into.samples.length));
      }
    }
  }
  return [...merged.values()].sort((a, b) => b.records - a.records);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function describeSample(sample: BadRecordSample): string {
  const last = sample.lastOffset !== undefined && sample.lastOffset > sample.offset ? `..${sample.lastOffset}` : '';
  return `${sample.partition}:${sample.offset}${last}`;
}

/**
 * One line per reason, the most frequent first: `field duration_ms: expected int: 12 records, offsets 3:100,
 * 3:117 …` (partition:offset), then a line for the reasons past `max`.
 */
export function describeBadReasons(groups: readonly BadReasonGroup[], max = 5, samples = 5): string[] {
  const lines = groups.slice(0, max).map((group) => {
    const shown = group.samples.slice(0, samples);
    const offsets = shown.reduce((sum, s) => sum + (s.lastOffset !== undefined ? s.lastOffset - s.offset + 1 : 1), 0);
    const more = offsets < group.records ? ' …' : '';
    return `${group.reason}: ${plural(group.records, 'record', 'records')}, ${offsets === 1 && more === '' ? 'offset' : 'offsets'} ${shown.map(describeSample).join(', ')}${more}`;
  });
  const rest = groups.slice(max);
  if (rest.length > 0) lines.push(`${plural(rest.length, 'more reason', 'more reasons')}: ${plural(rest.reduce((sum, g) => sum + g.records, 0), 'record', 'records')}`);
  return lines;
}
