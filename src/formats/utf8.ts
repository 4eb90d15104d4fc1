import { isUtf8 } from 'node:buffer';

/**
 * Where the first ill-formed sequence starts (the index of its lead byte), or -1 for well-formed UTF-8
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). The native check answers the common case;
 * the scan runs only to name the byte of a sequence already known to be bad.
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (isUtf8(bytes.subarray(start, end))) return -1;
  let i = start;
  while (i < end) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    // The second byte's range depends on the lead: it rules out overlong forms, surrogates and > U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      const next = i + k;
      if (next >= end) return i;
      const byte = bytes[next];
      if (k === 1 ? byte < low || byte > high : byte < 0x80 || byte > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}

export class InvalidUtf8Error extends Error {
  constructor(readonly what: string, readonly byteIndex: number) {
    super(`${what}: invalid UTF-8 at byte ${byteIndex}`);
    this.name = 'InvalidUtf8Error';
  }
}

/** The bytes as a string, or InvalidUtf8Error naming `what` and the first bad byte: never U+FFFD in their place. */
export function decodeUtf8Exactly(bytes: Buffer, what: string): string {
  const bad = firstInvalidUtf8Byte(bytes);
  if (bad >= 0) throw new InvalidUtf8Error(what, bad);
  return bytes.toString('utf8');
}
