// The time partitions of a template: which one an instant falls in (in the job's zone), their keys and directories.
import { Granularity, PartitionTemplate, TimeSegment, TimeToken, timeSegments } from './partition-template';
import { nextTimeKey } from '../common/time-keys';

export { nextTimeKey };

/**
 * A time partition's key, named by its local start: "2026-11-21" (day), "2026-11-21T05" (hour, as `CommittedFile.hour`
 * always was), "2026-11-21T05:30" (minute). Keys of one granularity sort in time order.
 */
export type TimeKey = string;

/** One object per distinct time partition, so callers may key maps by it. */
export interface TimePartition {
  key: TimeKey;
  /** Its time segments as directories: `dt=2026-11-21/hr=05`. */
  path: string;
}

type Components = Record<TimeToken, string>;

const MINUTE_MS = 60_000;
const QUARTER_MS = 900_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

function keyOfComponents(c: Components, granularity: Granularity): TimeKey {
  const day = `${c.yyyy}-${c.MM}-${c.dd}`;
  return granularity === 'day' ? day : granularity === 'hour' ? `${day}T${c.HH}` : `${day}T${c.HH}:${c.mm}`;
}

function componentsOfKey(key: TimeKey): Components {
  return { yyyy: key.slice(0, 4), MM: key.slice(5, 7), dd: key.slice(8, 10), HH: key.slice(11, 13), mm: key.slice(14, 16) };
}

function segmentValue(segment: TimeSegment, c: Components): string {
  return segment.parts.map((p) => ('token' in p ? c[p.token] : p.literal)).join('');
}

/** The time segments' directories of a key: `dt=2026-11-21/hr=05`. */
export function timeKeyPath(template: PartitionTemplate, key: TimeKey): string {
  const c = componentsOfKey(key);
  return timeSegments(template).map((s) => `${s.column}=${segmentValue(s, c)}`).join('/');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** How one time segment's directory name is read back: its values by token, or null when it is not one of its. */
export function segmentReader(segment: TimeSegment): (name: string) => Partial<Components> | null {
  const pattern = new RegExp(`^${escapeRegExp(segment.column)}=${segment.parts.map((p) => ('token' in p ? `(\\d{${p.token === 'yyyy' ? 4 : 2}})` : escapeRegExp(p.literal))).join('')}$`);
  const tokens = segment.parts.flatMap((p) => ('token' in p ? [p.token] : []));
  return (name) => {
    const match = pattern.exec(name);
    if (!match) return null;
    const values: Partial<Components> = {};
    tokens.forEach((token, i) => (values[token] = match[i + 1]));
    return values;
  };
}

/** The key of a time partition from its directory names (one per time segment, in order), or null. */
export function timeKeyOfNames(template: PartitionTemplate, names: readonly string[]): TimeKey | null {
  const segments = timeSegments(template);
  if (names.length !== segments.length) return null;
  const values: Partial<Components> = {};
  for (let i = 0; i < segments.length; i++) {
    const read = segmentReader(segments[i])(names[i]);
    if (!read) return null;
    Object.assign(values, read);
  }
  return keyOfComponents(values as Components, template.granularity);
}

/** "2026-11-21 05:00" for an hour, "2026-11-21 05:30" for a minute, the date for a day. */
export function timeKeyLabel(key: TimeKey): string {
  if (key.length === 10) return key;
  return key.length === 13 ? `${key.replace('T', ' ')}:00` : key.replace('T', ' ');
}

/** "hours", "days", "minutes": what a job's time partitions are called in messages. */
export function timeUnitName(granularity: Granularity, count = 2): string {
  const unit = granularity === 'day' ? 'day' : granularity === 'hour' ? 'hour' : 'minute';
  return count === 1 ? unit : `${unit}s`;
}

/**
 * The time partition an instant falls in, in a time zone. Zone offsets are whole quarter hours, so results are
 * cached per quarter hour (per minute for minute partitions; per partition in UTC).
 */
export class TimePartitioner {
  private readonly cache = new Map<number, TimePartition>();
  private readonly partitions = new Map<TimeKey, TimePartition>();
  private readonly format: Intl.DateTimeFormat | null;
  private readonly bucketMs: number;
  /** The step `hourAt` walks a partition's bounds by. */
  readonly stepMs: number;

  constructor(readonly template: PartitionTemplate, readonly timezone: string) {
    const { granularity } = template;
    this.format = timezone === 'UTC' ? null : new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    this.stepMs = granularity === 'minute' ? MINUTE_MS : QUARTER_MS;
    this.bucketMs = this.format ? this.stepMs : granularity === 'day' ? DAY_MS : granularity === 'hour' ? HOUR_MS : MINUTE_MS;
  }

  partitionOf(timestamp: number): TimePartition {
    const bucket = Math.floor(timestamp / this.bucketMs);
    let hit = this.cache.get(bucket);
    if (!hit) {
      const key = keyOfComponents(this.components(timestamp), this.template.granularity);
      hit = this.partitions.get(key);
      if (!hit) {
        hit = { key, path: timeKeyPath(this.template, key) };
        if (this.partitions.size > 100_000) this.partitions.clear();
        this.partitions.set(key, hit);
      }
      if (this.cache.size > 100_000) this.cache.clear();
      this.cache.set(bucket, hit);
    }
    return hit;
  }

  keyOf(partition: TimePartition): TimeKey {
    return partition.key;
  }

  private components(timestamp: number): Components {
    if (!this.format) {
      const iso = new Date(timestamp).toISOString();
      return { yyyy: iso.slice(0, 4), MM: iso.slice(5, 7), dd: iso.slice(8, 10), HH: iso.slice(11, 13), mm: iso.slice(14, 16) };
    }
    const parts = Object.fromEntries(this.format.formatToParts(new Date(timestamp)).map((p) => [p.type, p.value]));
    return { yyyy: parts.year, MM: parts.month, dd: parts.day, HH: parts.hour, mm: parts.minute };
  }
}
