import { plural } from './plural';
import { nextTimeKey, timeKeyUnit } from './time-keys';

/** Spans shown in full before the rest are only counted: a line stays readable however scattered the hours are. */
const MAX_SPANS = 8;

/**
 * Time-partition keys (hours "2026-11-21T05", days, minutes) as runs of consecutive ones:
 * `2026-11-10T00..2026-11-20T17 (258 hours)`, `2026-11-21T05`, `2026-11-21T07..2026-11-21T08 (2 hours), 2026-11-22T00`.
 * Keys are sorted and deduplicated first; after MAX_SPANS spans the rest are summed up ("… and 12 more spans, 40
 * hours"). The one format every printer (load, scheduler, status, verify) uses for lists of hours.
 */
export function describeHours(keys: readonly string[]): string {
  const sorted = [...new Set(keys)].sort();
  if (sorted.length === 0) return 'none';
  const unit = timeKeyUnit(sorted[0]);
  const spans: { first: string; last: string; hours: number }[] = [];
  for (const key of sorted) {
    const last = spans[spans.length - 1];
    if (last && nextTimeKey(last.last) === key) {
      last.last = key;
      last.hours++;
    } else spans.push({ first: key, last: key, hours: 1 });
  }
  const shown = spans.slice(0, MAX_SPANS).map((s) => (s.hours === 1 ? s.first : `${s.first}..${s.last} (${plural(s.hours, unit)})`));
  const rest = spans.slice(MAX_SPANS);
  if (rest.length > 0) shown.push(`… and ${plural(rest.length, 'more span')}, ${plural(rest.reduce((sum, s) => sum + s.hours, 0), unit)}`);
  return shown.join(', ');
}
