import { plural } from './plural';

/** Spans shown in full before the rest are only counted: a line stays readable however scattered the hours are. */
const MAX_SPANS = 8;

/** A time-partition key's step: "2026-11-21" a day, "2026-11-21T05" an hour, "2026-11-21T05:30" a minute (wall-clock keys, read as UTC). */
function unitOf(key: string): { ms: number; name: string; time: (k: string) => number } {
  if (key.length === 10) return { ms: 86_400_000, name: 'day', time: (k) => Date.parse(`${k}T00:00:00Z`) };
  if (key.length === 16) return { ms: 60_000, name: 'minute', time: (k) => Date.parse(`${k}:00Z`) };
  return { ms: 3_600_000, name: 'hour', time: (k) => Date.parse(`${k}:00:00Z`) };
}

export function describeHours(keys: readonly string[]): string {
  const sorted = [...new Set(keys)].sort();
  if (sorted.length === 0) return 'none';
  const unit = unitOf(sorted[0]);
  const spans: { first: string; last: string; hours: number }[] = [];
  for (const key of sorted) {
    const last = spans[spans.length - 1];
    if (last && unit.time(key) - unit.time(last.last) === unit.ms) {
      last.last = key;
      last.hours++;
    } else spans.push({ first: key, last: key, hours: 1 });
  }
  const shown = spans.slice(0, MAX_SPANS).map((s) => (s.hours === 1 ? s.first : `${s.first}..${s.last} (${plural(s.hours, unit.name)})`));
  const rest = spans.slice(MAX_SPANS);
  if (rest.length > 0) shown.push(`… and ${plural(rest.length, 'more span')}, ${plural(rest.reduce((sum, s) => sum + s.hours, 0), unit.name)}`);
  return shown.join(', ');
}
