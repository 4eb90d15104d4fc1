/**
 * The instant a time partition's key starts at ("2026-11-21T05", "2026-11-21", "2026-11-21T05:30"), read as
 * wall-clock time in `timezone`. An hour that does not exist there (spring forward) maps to the instant after the
 * gap; a repeated one to its first occurrence.
 */
export function partitionKeyStart(key: string, timezone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2}))?)?$/.exec(key);
  if (!match) return null;
  const [, y, mo, d, h = '00', mi = '00'] = match;
  const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  if (timezone === 'UTC') return asUtc;
  const offsetAt = (instant: number) => {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
      timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    }).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
    return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute)) - Math.floor(instant / 60_000) * 60_000;
  };
  const first = asUtc - offsetAt(asUtc);
  return asUtc - offsetAt(first);
}
