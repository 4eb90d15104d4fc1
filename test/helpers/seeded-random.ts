/** A 32-bit xorshift: the same numbers on every run from the same seed. The next one, moving `state` on. */
export function nextRandom(state: { seed: number }): number {
  let x = state.seed;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  state.seed = x >>> 0;
  return state.seed;
}
