// The JSON tokens json-record-scanner.ts reads without state of its own: whitespace, hex digits, decimal numbers.

const MAX_NUMBER_CHARS = 32;

const isWhitespace = (c: number) => c === 0x20 || c === 0x09;

export function skipWhitespace(b: Buffer, i: number): number {
  while (isWhitespace(b[i])) i++;
  return i;
}

export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/** A number without exponent, of at most 32 characters: the index after it, or -1. */
export function scanDecimal(b: Buffer, i: number): number {
  let j = i;
  if (b[j] === 0x2d) j++;
  if (b[j] === 0x30) j++;
  else if (b[j] >= 0x31 && b[j] <= 0x39) while (b[j] >= 0x30 && b[j] <= 0x39) j++;
  else return -1;
  if (b[j] === 0x2e) {
    j++;
    if (!(b[j] >= 0x30 && b[j] <= 0x39)) return -1;
    while (b[j] >= 0x30 && b[j] <= 0x39) j++;
  }
  if (b[j] === 0x65 || b[j] === 0x45 || j - i > MAX_NUMBER_CHARS) return -1;
  return j;
}
