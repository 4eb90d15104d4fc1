/**
 * `SLUICE_LONG=1` runs the kill loops and fault runs at full length (more kills, more data). The default is a
 * shorter run of the same checks, so that `npm test` stays within a few minutes on a small machine.
 */
export function longMode(): boolean {
  return process.env.SLUICE_LONG === '1';
}

/** `long` under SLUICE_LONG=1, `short` otherwise. */
export function byMode<T>(short: T, long: T): T {
  return longMode() ? long : short;
}
