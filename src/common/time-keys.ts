/**
 * Time-partition keys, named by their local start: "2026-11-21" (a day), "2026-11-21T05" (an hour, as
 * `CommittedFile.hour`), "2026-11-21T05:30" (a minute). Their calendar is zone-less: consecutive keys differ by one unit.
 */
export type TimeKeyUnit = 'day' | 'hour' | 'minute';

const UNIT_MS: Record<TimeKeyUnit, number> = { day: 86_400_000, hour: 3_600_000, minute: 60_000 };

export function timeKeyUnit(key: string): TimeKeyUnit {
  return key.length === 10 ? 'day' : key.length === 13 ? 'hour' : 'minute';
}

/** The key after this one, in the key's own calendar: what "consecutive" means in a list of keys. */
export function nextTimeKey(key: string): string {
  const unit = timeKeyUnit(key);
  const start = Date.parse(unit === 'day' ? `${key}T00:00:00Z` : unit === 'hour' ? `${key}:00:00Z` : `${key}:00Z`);
  return new Date(start + UNIT_MS[unit]).toISOString().slice(0, key.length);
}
