export interface HourPartition {
  dt: string;
  hr: string;
}

const HOUR_MS = 3_600_000;
const QUARTER_MS = 900_000;

/**
 * The Hive partition (dt=YYYY-MM-DD/hr=HH) an instant falls in, in a time zone.
 * Zone offsets are whole quarter hours, so results are cached per quarter hour.
 */
export class HourPartitioner {
  private readonly cache = new Map<number, HourPartition>();
  /** One object per distinct hour, so callers may key maps by it. */
  private readonly hours = new Map<string, HourPartition>();
  private readonly format: Intl.DateTimeFormat | null;

  constructor(readonly timezone: string) {
    this.format = timezone === 'UTC' ? null : new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23',
    });
  }

  partitionOf(timestamp: number): HourPartition {
    const bucket = this.format ? Math.floor(timestamp / QUARTER_MS) : Math.floor(timestamp / HOUR_MS);
    let hit = this.cache.get(bucket);
    if (!hit) {
      const computed = this.compute(timestamp);
      const key = `${computed.dt}|${computed.hr}`;
      hit = this.hours.get(key) ?? computed;
      this.hours.set(key, hit);
      if (this.cache.size > 100_000) this.cache.clear();
      this.cache.set(bucket, hit);
    }
    return hit;
  }

  private compute(timestamp: number): HourPartition {
    if (!this.format) {
      const iso = new Date(timestamp).toISOString();
      return { dt: iso.slice(0, 10), hr: iso.slice(11, 13) };
    }
    const parts = Object.fromEntries(this.format.formatToParts(new Date(timestamp)).map((p) => [p.type, p.value]));
    return { dt: `${parts.year}-${parts.month}-${parts.day}`, hr: parts.hour };
  }
}

export function hourPath(partition: HourPartition): string {
  return `dt=${partition.dt}/hr=${partition.hr}`;
}

/**
 * Where one format's hour directories start inside the table. A job writing one format keeps them at the table
 * root; a job writing two gives each its own tree (`avro/`, `parquet/`), because Hive and every other reader
 * take one format per table location.
 */
export function formatRoot(formats: readonly string[], format: string): string {
  return formats.length > 1 ? `${format}/` : '';
}
